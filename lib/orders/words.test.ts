import { describe, expect, it } from "vitest";
import {
  certainty,
  formatMoney,
  maskEmail,
  queueSentence,
  reasonSentence,
  statusOf,
  swapKind,
  unitsSummary,
  whenSentence,
} from "./words";

const line = {
  status: "backordered" as const,
  etaBasis: "po" as const,
  shipStart: "2026-12-11",
  shipEnd: "2026-12-15",
  deliveryStart: "2026-12-14",
  deliveryEnd: "2026-12-20",
  quantity: 3,
  shippedQuantity: 0,
  cancelledQuantity: 0,
  allocatedQuantity: 0,
  linesAhead: 12,
};

describe("order page wording", () => {
  it("says when, as dates a person reads", () => {
    expect(whenSentence(line)).toBe("Ships between Fri, Dec 11 and Tue, Dec 15, arrives Mon, Dec 14 – Sun, Dec 20.");
    expect(whenSentence({ ...line, shipEnd: "2026-12-11" })).toBe(
      "Ships Fri, Dec 11, arrives Mon, Dec 14 – Sun, Dec 20.",
    );
  });
  it("says a date that has passed is late, not a promise, and where it is held up", () => {
    const ready = {
      ...line,
      status: "ready" as const,
      etaBasis: "stock" as const,
      shipStart: "2026-12-02",
      shipEnd: "2026-12-02",
    };
    expect(whenSentence(ready, { today: "2026-12-03" })).toBe(
      "Late leaving our warehouse: it was due to ship by Wed, Dec 2. We will email you when it ships.",
    );
    expect(whenSentence(ready, { today: "2026-12-02" })).toMatch(/^Ships Wed, Dec 2/);
    expect(whenSentence(line, { today: "2026-12-16" })).toMatch(
      /^Late: it was due to ship by Tue, Dec 15, and the stock/,
    );
  });
  it("names a swap to another size or colour as one, and a different item as one", () => {
    expect(swapKind({ variantTitle: "L", sameProduct: { orderedVariant: "M" } })).toBe("The same item in L, not M");
    expect(swapKind({ variantTitle: "Ink", sameProduct: null })).toBe("A different item the shop suggests instead");
  });
  it("is honest when no date is confirmed, and labels a guess as a guess", () => {
    const unknown = { ...line, etaBasis: "unknown" as const, shipStart: null, shipEnd: null };
    expect(whenSentence(unknown)).toBe("The supplier has not confirmed a date yet; we will email you when they do.");
    expect(whenSentence(unknown, { typicalLeadDays: 21 })).toContain("about 3 weeks; that is a guess, not a promise");
    expect(statusOf(unknown).label).toBe("Waiting, no date yet");
  });
  it("gives queue context", () => {
    expect(queueSentence(line, { expectedDate: "2026-12-10", units: 40 })).toBe(
      "12 orders are ahead of yours; your item is waiting for a delivery of 40 due Thu, Dec 10.",
    );
    // A PO whose supplier has come late says how far past its date the window reaches, and why.
    expect(
      queueSentence(line, {
        expectedDate: "2026-12-10",
        units: 40,
        shipmentMode: "Air",
        slip: { allowanceDays: 9 },
      }),
    ).toMatch(
      /This supplier's air shipments have arrived late at times, so your window allows 9 days past that date\.$/,
    );
    // A window that opens before the delivery is due says why too.
    expect(
      queueSentence(line, { expectedDate: "2026-12-10", units: 40, slip: { floorDays: -2, allowanceDays: 3 } }),
    ).toMatch(
      /This supplier's deliveries have arrived early and late at times, so your window allows for it arriving up to 2 days before and 3 days past that date\.$/,
    );
    expect(
      queueSentence(line, { expectedDate: "2026-12-10", units: 40, slip: { floorDays: -1, allowanceDays: 0 } }),
    ).toMatch(/arrived early at times, so your window allows for it arriving up to 1 day before that date\.$/);
    expect(queueSentence({ ...line, linesAhead: 0 }, null)).toBeNull();
    expect(queueSentence({ linesAhead: 1, etaBasis: "unknown" }, null)).toBe("1 order is ahead of yours.");
    // A date support set replaces the delivery's, not the shopper's place in the queue.
    expect(queueSentence({ linesAhead: 3, etaBasis: "override" }, null)).toBe("3 orders are ahead of yours.");
  });
  it("explains each change in plain words", () => {
    expect(reasonSentence("po_delayed", { first: false, supplierNote: "Held at customs" })).toBe(
      "The supplier's delivery moved later: “Held at customs”",
    );
    expect(reasonSentence("queue_moved", { first: false })).toMatch(/ahead of you cancelled/);
    expect(reasonSentence("manual", { first: false, overrideNote: "Factory confirmed by phone" })).toContain(
      "Factory confirmed by phone",
    );
  });
  it("sums up partial shipments", () => {
    expect(unitsSummary({ ...line, shippedQuantity: 1 })).toBe("1 shipped, 2 waiting of 3");
    expect(unitsSummary(line)).toBeNull();
    expect(statusOf({ ...line, shippedQuantity: 1 }).label).toBe("Partly shipped, rest waiting");
  });
  it("says how sure the window is", () => {
    expect(certainty(line)).toBe("The window allows for this supplier's usual delays (up to 4 days).");
    expect(certainty({ ...line, shipEnd: line.shipStart })).toBe("This supplier delivers on the day it promises.");
  });
  it("formats money and masks emails", () => {
    expect(formatMoney(18900, "USD")).toBe("$189.00");
    expect(formatMoney(8900, "GBP")).toBe("£89.00");
    expect(maskEmail("maya.fischer@example.com")).toBe("m••••••@example.com");
    expect(maskEmail("a@b.example")).toBe("a•••@b.example");
  });
});
