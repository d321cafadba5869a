import { afterAll, beforeAll } from "vitest";

/**
 * Something a test file opens before its first test and closes after its last (its database, a
 * webhook receiver). Returns the accessor the file's tests use; called outside a test or a hook,
 * where the thing is not open yet, it says so instead of handing back undefined.
 */
export function openedForFile<T extends { close(): Promise<void> }>(open: () => Promise<T>, what: string): () => T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await open();
  });
  afterAll(async () => {
    await current?.close();
  });
  return () => {
    if (!current) throw new Error(`The file's ${what} opens in beforeAll: use it inside a test or a hook.`);
    return current;
  };
}
