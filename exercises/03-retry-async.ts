/**
 * Exercise 03 — Retry with exponential backoff                                   (30 points)
 *
 * Networks fail for a moment and then work again. Instead of giving up at the first error,
 * call the operation again, waiting longer after each failure so a struggling server gets room
 * to recover: 100 ms, then 200 ms, then 400 ms… ("exponential backoff").
 *
 * Build `retryAsync(fn, maxAttempts, backoffMs)`:
 *   - Call `fn(1)`. If its promise resolves, resolve with that value at once, whatever it is
 *     (`undefined`, `0`, `null`, `""` and `false` are values like any other).
 *   - If attempt k fails (its promise rejects, or `fn` throws synchronously, whatever the reason: an
 *     Error, or `undefined`, `null`, `0`…) and k < maxAttempts, wait `backoffMs * 2 ** (k - 1)` ms, then
 *     call `fn(k + 1)`. With backoffMs = 100 the waits are 100, 200, 400, … ms, with no upper limit.
 *   - Wait for every attempt for as long as it takes: there is no time limit on an attempt.
 *   - If attempt `maxAttempts` fails, reject with that attempt's error itself (the same object,
 *     not a copy or a wrapper), without waiting first.
 *   - `maxAttempts` must be a positive integer and `backoffMs` a finite number >= 0 (0 is fine).
 *     Otherwise reject with a `RangeError` and never call `fn`.
 *   - Report every error through the returned promise: never throw synchronously.
 *   - Use any timer you like: `setTimeout`, or `setTimeout` from "node:timers/promises".
 *
 * Example:
 *   const data = await retryAsync((attempt) => fetchJson(url), 4, 100);
 *   // fails twice, then works: calls at 0 ms, 100 ms and 300 ms; resolves with the data.
 *
 * Check your work: `npm test` (or `npm run watch -- 03`). Stuck? `npm run hint -- 03`.
 */
export async function retryAsync<T>(
  fn: (attempt: number) => Promise<T>,
  maxAttempts: number,
  backoffMs: number,
): Promise<T> {
  // Your code here. Remove the line below when you start.
  throw new Error("Not implemented yet: retryAsync in exercises/03-retry-async.ts");
}
