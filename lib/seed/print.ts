import { isIsoDate, type IsoDate } from "../dates";
import type { DemoSummary } from "./demo";

/** The day the demo history ends: today (UTC), or SEED_ANCHOR=YYYY-MM-DD for a repeatable seed. */
export function seedAnchor(): IsoDate {
  const pinned = process.env.SEED_ANCHOR;
  if (pinned) {
    if (!isIsoDate(pinned)) throw new Error("SEED_ANCHOR must be a date like 2026-11-26.");
    return pinned;
  }
  return new Date().toISOString().slice(0, 10);
}

export function printSummary(summary: DemoSummary, millis: number) {
  console.log(
    `Demo data: ${summary.merchants} merchants, ${summary.skus} SKUs, ${summary.orders} orders, ${summary.lines} lines (${(millis / 1000).toFixed(1)} s).`,
  );
  console.log("\nOrders to try (order number + email on the home page):");
  for (const order of summary.tryThese)
    console.log(`  ${order.number.padEnd(9)} ${order.email.padEnd(32)} ${order.what}`);
  console.log("\nSupport agents (sign in at /support with the magic link from /dev/mailbox):");
  for (const agent of summary.agents) console.log(`  ${agent.email.padEnd(32)} ${agent.role} (${agent.merchants})`);
}
