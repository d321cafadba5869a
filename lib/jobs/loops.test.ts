import { describe, expect, it } from "vitest";
import { loopGroup } from "./loops";

describe("loopGroup", () => {
  it("stops every loop, cutting their sleeps short, and waits for them to return", async () => {
    const group = loopGroup();
    const turns = [0, 0];
    for (const i of [0, 1]) {
      group.spawn(async (g) => {
        while (!g.stopped) {
          turns[i]!++;
          await g.sleep(60_000);
        }
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await group.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(turns).toEqual([1, 1]);
    // Asleep after stopping: returns at once.
    await group.sleep(60_000);
  });

  it("wakes sleeping loops without stopping them", async () => {
    const group = loopGroup();
    let turns = 0;
    group.spawn(async (g) => {
      while (!g.stopped) {
        turns++;
        await g.sleep(60_000);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    group.wake();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(turns).toBe(2);
    await group.stop();
  });
});
