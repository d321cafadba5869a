import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { lineStatuses } from "../db/schema/orders";
import {
  closedStatuses,
  isOpen,
  isWaiting,
  lineStatusFor,
  openStatuses,
  sqlStatuses,
  waitingStatuses,
} from "./line-status";

const units = (quantity: number, allocated: number, shipped: number, cancelled: number) => ({
  quantity,
  allocatedQuantity: allocated,
  shippedQuantity: shipped,
  cancelledQuantity: cancelled,
});

describe("lineStatusFor", () => {
  it("is ready when every open unit is promised", () => {
    expect(lineStatusFor(units(3, 3, 0, 0), { preorderHold: false })).toBe("ready");
    expect(lineStatusFor(units(3, 1, 2, 0), { preorderHold: false })).toBe("ready");
  });
  it("is backordered while some open unit waits, even if others shipped", () => {
    expect(lineStatusFor(units(3, 1, 0, 0), { preorderHold: false })).toBe("backordered");
    expect(lineStatusFor(units(3, 0, 1, 0), { preorderHold: false })).toBe("backordered");
  });
  it("holds pre-orders until release", () => {
    expect(lineStatusFor(units(1, 1, 0, 0), { preorderHold: true })).toBe("preorder");
  });
  it("is shipped once nothing is open and something shipped, cancelled or swapped otherwise", () => {
    expect(lineStatusFor(units(3, 0, 1, 2), { preorderHold: false })).toBe("shipped");
    expect(lineStatusFor(units(3, 0, 0, 3), { preorderHold: false })).toBe("cancelled");
    expect(lineStatusFor(units(3, 0, 0, 3), { preorderHold: false, closedAs: "swapped" })).toBe("swapped");
  });
});

describe("the named sets", () => {
  it("split every status into open or closed, and waiting is open but not ready", () => {
    expect([...openStatuses, ...closedStatuses].sort()).toEqual([...lineStatuses].sort());
    expect(lineStatuses.filter(isWaiting)).toEqual(["backordered", "preorder"]);
    expect(lineStatuses.filter(isOpen).sort()).toEqual(["backordered", "preorder", "ready"]);
  });
  it("read the same in SQL", () => {
    expect(new PgDialect().sqlToQuery(sql`l.status in ${sqlStatuses(waitingStatuses)}`).sql).toBe(
      "l.status in ('backordered','preorder')",
    );
  });
});
