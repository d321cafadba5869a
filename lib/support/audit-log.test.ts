import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeAudit } from "../audit/log";
import { formatInstant, startOfDayIn } from "../dates";
import { rows } from "../db/client";
import { seedDemo } from "../seed/demo";
import { fileDatabase, freshDatabase } from "../../testing/db";
import { createMerchant } from "../../testing/fixtures";
import { addAgent, agentScope } from "./access";
import { auditEntries, auditFilters, pageZone } from "./board";

const database = fileDatabase();

describe("the audit log's days and times", () => {
  it("are the shop's: an evening entry in New York is that day's, not the next UTC day's", async () => {
    const db = database.db;
    const shop = await createMerchant(db, { slug: "evening-shop", name: "Evening", timezone: "America/New_York" });
    await addAgent(db, { email: "eve@evening.example", merchantSlug: "evening-shop" });
    const scope = (await agentScope(db, "eve@evening.example"))!;
    // Dec 3, 9 PM in New York: already Dec 4 in UTC, so shown or filtered in UTC it reads as tomorrow.
    const evening = new Date("2026-12-04T02:00:00Z");
    await writeAudit(db, { type: "agent", id: "eve@evening.example" }, evening, [
      { merchantId: shop.id, action: "note.added", entityType: "order", after: { note: "Called back" } },
    ]);

    const zone = pageZone([{ id: shop.id, timezone: shop.timezone }]);
    expect(zone).toEqual({ timeZone: "America/New_York", mixed: false });
    const onDay = async (params: Record<string, string>) =>
      (await auditEntries(db, scope, { ...auditFilters(params, [shop.id]), timeZone: zone.timeZone })).map(
        (e) => e.action,
      );
    expect(await onDay({ from: "2026-12-03", to: "2026-12-03" })).toEqual(["note.added"]);
    expect(await onDay({ from: "2026-12-04" })).toEqual([]);
    expect(await onDay({ to: "2026-12-02" })).toEqual([]);
    expect(formatInstant(evening, zone.timeZone)).toBe("Dec 3, 9:00 PM");
  });

  it("come in one zone per page: the chosen shop's, the one all share, or UTC (said so) when they differ", () => {
    const shops = [
      { id: "a", timezone: "America/New_York" },
      { id: "b", timezone: "Europe/London" },
    ];
    expect(pageZone(shops)).toEqual({ timeZone: "UTC", mixed: true });
    expect(pageZone(shops, "b")).toEqual({ timeZone: "Europe/London", mixed: false });
    expect(pageZone([shops[0]!, { id: "c", timezone: "America/New_York" }])).toEqual({
      timeZone: "America/New_York",
      mixed: false,
    });
  });

  it("start each day at the zone's midnight, across clock changes", () => {
    expect(startOfDayIn("America/New_York", "2026-12-03").toISOString()).toBe("2026-12-03T05:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-03-08").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-03-09").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfDayIn("Europe/London", "2026-07-01").toISOString()).toBe("2026-06-30T23:00:00.000Z");
    expect(startOfDayIn("UTC", "2026-07-01").toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });
});

describe("the demo's audit log", () => {
  it("has nothing dated on or after the day it is seeded for, and names every order by its number", async () => {
    const demo = await freshDatabase();
    try {
      await seedDemo(demo.db, { anchor: "2026-12-04" });
      const [{ latest, unnamed }] = (await rows<{ latest: string; unnamed: number }>(
        demo.db,
        sql`select max(a.at)::text as latest,
                   count(*) filter (where a.order_id is not null and o.number is null)::int as unnamed
            from audit_log a left join orders o on o.id = a.order_id`,
      )) as [{ latest: string; unnamed: number }];
      expect(new Date(latest).getTime()).toBeLessThan(Date.parse("2026-12-04T00:00:00Z"));
      expect(Number(unnamed)).toBe(0);
      // As the page lists them: the newest entry that names an order carries the order's number.
      const admin = (await agentScope(demo.db, "admin@portal.example"))!;
      const entries = await auditEntries(demo.db, admin, auditFilters({}, []));
      expect(entries.find((e) => e.orderId)?.orderNumber).toMatch(/^(#|LL-)\d+$/);
    } finally {
      await demo.close();
    }
  }, 240_000);
});
