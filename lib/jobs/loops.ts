// Polling loops that sleep when idle and stop together: the outbox's dispatch loops and the
// integration loops (Shopify's inbox, outgoing webhooks) are all built on this. A loop's body runs
// until `stopped`; `sleep` waits, unless `wake` or `stop` cuts it short.

export type LoopGroup = {
  readonly stopped: boolean;
  /** Waits `ms`, or less if the group is woken or stopped meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Cuts every sleep short (work freed up, e.g. a webhook slot). */
  wake(): void;
  /** Runs `body` as one loop of the group; `stop` waits for it to return. */
  spawn(body: (group: LoopGroup) => Promise<void>): void;
  /** Stops the loops: wakes them, then waits until each has returned. */
  stop(): Promise<void>;
};

export function loopGroup(): LoopGroup {
  let stopped = false;
  const sleepers = new Set<() => void>();
  const running: Promise<void>[] = [];
  const group: LoopGroup = {
    get stopped() {
      return stopped;
    },
    sleep(ms) {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      });
    },
    wake() {
      for (const wake of [...sleepers]) wake();
    },
    spawn(body) {
      running.push(body(group));
    },
    async stop() {
      stopped = true;
      group.wake();
      await Promise.all(running);
    },
  };
  return group;
}

/** An error as one line for the log, with its stack when it has one. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
