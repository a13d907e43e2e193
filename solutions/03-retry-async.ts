/** Reference solution for exercise 03 — see exercises/03-retry-async.ts for the contract. */
import { setTimeout as sleep } from "node:timers/promises";

export async function retryAsync<T>(
  fn: (attempt: number) => Promise<T>,
  maxAttempts: number,
  backoffMs: number,
): Promise<T> {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new RangeError(`backoffMs must be a finite number >= 0, got ${backoffMs}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= maxAttempts) throw error;
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}
