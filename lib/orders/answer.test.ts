import { describe, expect, it } from "vitest";
import { dateIn } from "../dates";
import { orderAnswer, orderMoney } from "./answer";

type Line = Parameters<typeof orderAnswer>[0][number];

let nextId = 1;
function line(overrides: Partial<Line> = {}): Line {
  return {
    id: nextId++,
    title: "Trail Jacket — M",
    status: "backordered",
    shipStart: "2026-12-09",
    shipEnd: "2026-12-11",
    deliveryEnd: "2026-12-16",
    consentState: "none",
    consentDeadline: null,
    shipments: [],
    ...overrides,
  };
}
const shipped = (day: string, tracking: string) =>
  line({
    status: "shipped",
    shipments: [{ shippedAt: new Date(`${day}T15:00:00Z`), trackingNumber: tracking }],
  });
const options = {
  today: "2026-12-03",
  timeZoneDate: (instant: Date) => dateIn("America/New_York", instant),
  preference: "ship_available" as const,
};

describe("the order's answer at a glance", () => {
  it("says when everything arrives: the latest line's delivery", () => {
    const answer = orderAnswer([line(), line({ deliveryEnd: "2027-01-01", shipEnd: "2026-12-28" })], options);
    expect(answer.headline).toBe("Everything should arrive by Fri, Jan 1.");
    expect(answer.needsAnswer).toEqual([]);
  });

  it("counts parcels shipped and says when the rest ships", () => {
    const answer = orderAnswer(
      [shipped("2026-12-01", "1Z1"), line({ shipStart: "2026-12-22", shipEnd: "2026-12-27" })],
      options,
    );
    expect(answer.headline).toBe("Part of your order has shipped; the rest ships Tue, Dec 22 – Sun, Dec 27.");
    expect(answer.details).toContain("1 parcel shipped Dec 1.");
    const handedOver = shipped("2026-12-01", "1Z1");
    handedOver.shipments[0]!.deliveredAt = new Date("2026-12-03T18:00:00Z");
    expect(orderAnswer([handedOver], options).headline).toBe("Everything has been delivered.");
    const all = orderAnswer([shipped("2026-12-01", "1Z1"), shipped("2026-12-02", "1Z2")], options);
    expect(all.headline).toBe("Everything has shipped, in 2 parcels.");
    expect(all.details).toEqual(["2 parcels shipped Dec 1 and Dec 2."]);
  });

  it("says a window that has passed is late, and an item with no date has none", () => {
    const late = orderAnswer([line({ status: "ready", shipStart: "2026-12-02", shipEnd: "2026-12-02" })], options);
    expect(late.headline).toBe("Your item is late: it was due to ship by Wed, Dec 2.");
    // Only the dated item is late; the other has no date to be late against.
    const lateAndUndated = orderAnswer(
      [
        line({ status: "ready", shipStart: "2026-12-02", shipEnd: "2026-12-02" }),
        line({ shipStart: null, shipEnd: null }),
      ],
      options,
    );
    expect(lateAndUndated.headline).toBe("1 item is late: it was due to ship by Wed, Dec 2.");
    expect(lateAndUndated.details).toContain(
      "1 item has no date from the supplier yet; we will email you when it comes.",
    );
    const undated = orderAnswer([line({ shipStart: null, shipEnd: null, deliveryEnd: null })], options);
    expect(undated.headline).toBe("Your order is waiting for a date from the supplier.");
    const mixed = orderAnswer([line(), line({ shipStart: null, shipEnd: null })], options);
    expect(mixed.headline).toBe("Most of your order should ship by Fri, Dec 11.");
    expect(mixed.details).toContain("1 item has no date from the supplier yet; we will email you when it comes.");
  });

  it("shipping together says so, and a swapped line counts as the line it became", () => {
    const together = orderAnswer([line(), line({ status: "ready", shipStart: "2026-12-04", shipEnd: "2026-12-04" })], {
      ...options,
      preference: "ship_together",
    });
    expect(together.details).toContain("It ships in one parcel, as you chose, once everything is here.");
    const swapped = orderAnswer([line({ status: "swapped", shipStart: null, shipEnd: null }), line()], options);
    expect(swapped.headline).toBe("Everything should arrive by Wed, Dec 16.");
    expect(orderAnswer([line({ status: "cancelled" })], options).headline).toBe("This order was cancelled.");
  });

  it("names what needs the shopper: a later date waiting for their answer, by its deadline in the shop's zone", () => {
    const answer = orderAnswer(
      [line({ consentState: "awaiting", consentDeadline: new Date("2026-12-11T04:59:00Z"), title: "Camp Stove" })],
      options,
    );
    expect(answer.needsAnswer).toEqual([{ lineId: expect.any(Number), title: "Camp Stove", deadline: "2026-12-10" }]);
  });
});

describe("the order's money", () => {
  it("refunds cancelled units and the price difference of a swap to a cheaper item", () => {
    const money = orderMoney([
      { quantity: 2, cancelledQuantity: 1, unitPriceMinor: 5000, swappedFromLineId: null },
      { quantity: 1, cancelledQuantity: 1, unitPriceMinor: 7900, swappedFromLineId: null },
      { quantity: 1, cancelledQuantity: 0, unitPriceMinor: 6900, swappedFromLineId: 2 },
    ]);
    expect(money).toEqual({ paidMinor: 17900, chargedMinor: 11900, refundMinor: 6000 });
  });
});
