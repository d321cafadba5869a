import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { hitRateLimits, underRateLimits, type RateLimit } from "./rate-limit";

let database: TestDatabase;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.close());

const rule: RateLimit = { limit: 5, windowSeconds: 15 * 60 };
// A window boundary of the 15-minute rule, and moments around it.
const boundary = Date.UTC(2026, 11, 4, 18, 15);
const at = (seconds: number) => new Date(boundary + seconds * 1000);

async function attempts(key: string, times: Date[]) {
  const answers = [];
  for (const now of times) answers.push(await hitRateLimits(database.db, [{ key, rule }], now));
  return answers;
}

describe("rate limits", () => {
  it("the limit holds across a window boundary: five just before it leave no room just after", async () => {
    const before = await attempts("boundary", [at(-5), at(-4), at(-3), at(-2), at(-1)]);
    expect(before.map((a) => a.allowed)).toEqual([true, true, true, true, true]);
    expect(await underRateLimits(database.db, [{ key: "boundary", rule }], at(1))).toBe(false);
    const [after] = await attempts("boundary", [at(1)]);
    expect(after).toMatchObject({ allowed: false });
    // The five fade out with the previous window: one more is allowed once a fifth of them are outside it.
    expect(after!.retryAfterSeconds).toBeGreaterThan(0);
    expect(after!.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    const [whenSaid] = await attempts("boundary", [at(1 + after!.retryAfterSeconds)]);
    expect(whenSaid).toMatchObject({ allowed: true });
  });

  it("counts each key apart, and a full window later the slate is clean", async () => {
    await attempts("spent", [at(0), at(1), at(2), at(3), at(4)]);
    expect((await attempts("spent", [at(5)]))[0]).toMatchObject({ allowed: false });
    expect((await attempts("other", [at(5)]))[0]).toMatchObject({ allowed: true });
    expect((await attempts("spent", [at(2 * 15 * 60 + 1)]))[0]).toMatchObject({ allowed: true });
  });

  it("a refusal within one window says to wait at least until attempts have left the window", async () => {
    const times = Array.from({ length: 7 }, (_, i) => at(60 + i));
    const answers = await attempts("burst", times);
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, true, true, false, false]);
    // Seven counted in this window: the next one needs the window over and three of the seven faded out.
    const retry = answers[6]!.retryAfterSeconds;
    expect(retry).toBeGreaterThan(15 * 60 - 66);
    expect((await attempts("burst", [at(66 + retry - 2)]))[0]).toMatchObject({ allowed: false });
  });
});
