/**
 * The promise, or a rejection once `ms` pass without it settling: a statement that never settles
 * fails its test with a sentence rather than at the test's own timeout.
 */
export function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms)),
  ]);
}
