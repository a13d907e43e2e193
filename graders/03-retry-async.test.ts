/**
 * Grader for exercise 03 — retryAsync (30 points).
 * Every check runs in virtual time: the clock jumps from timer to timer, so waits are measured exactly
 * and the same submission gets the same verdict on any machine. How the checks drive retryAsync is in
 * graders/support/03-retry-async.ts.
 */
import type * as Exercise from "../exercises/03-retry-async.ts";
import { describeOutcome, type Outcome, useVirtualClock } from "./harness/authoring/clock.ts";
import { expectThat, plural, show, showError } from "./harness/authoring/feedback.ts";
import { defineExercise } from "./harness/authoring/grader.ts";
import { useRetry, type Step } from "./support/03-retry-async.ts";

const { check, load } = defineExercise<typeof Exercise>("03-retry-async");
const clock = useVirtualClock();
// A scripted fn, and retryAsync run in virtual time (its schedule recorded for the report's picture).
const { scripted, retry } = useRetry({ load, clock });

const describe = (o: Outcome<unknown>) => describeOutcome(o, { stuck: "is a promise never resolved?", runaway: "retrying forever?" });

check("first-success", "resolves with fn's value at once when the first attempt succeeds", 2, async () => {
  const s = scripted([{ value: "data" }]);
  const o = await retry(s, 3, 100);
  expectThat(o.state === "fulfilled" && o.value === "data" && o.at === 0, {
    observed: describe(o),
    expected: `to resolve with "data" at 0 ms`,
    hint: "return the value of the first successful attempt without waiting",
  });
  expectThat(s.calls.length === 1, {
    observed: `fn was called ${plural(s.calls.length, "time")}`,
    expected: "1 call when the first attempt succeeds",
    hint: "stop calling fn as soon as an attempt succeeds",
  });
});

check("exact-backoff", "waits 100, 200, 400 ms between attempts (backoffMs × 2^(k−1))", 4, async () => {
  const s = scripted(["reject", "reject", "reject", "reject"]);
  await retry(s, 4, 100);
  const waits = s.waits();
  expectThat(show(waits) === show([100, 200, 400]), {
    observed: `with backoffMs 100 and 4 failing attempts, waited ${show(waits)} ms between attempts`,
    expected: "[ 100, 200, 400 ] (each wait doubles)",
    hint: "after failed attempt k wait backoffMs * 2 ** (k - 1) ms",
  });
});

check("other-base", "scales the schedule with backoffMs and waits after each failure (30 → 30, 60, 120, 240, 480)", 3, async () => {
  const s = scripted(Array<Step>(6).fill("reject"), 25);
  await retry(s, 6, 30);
  const waits = s.waits();
  expectThat(show(waits) === show([30, 60, 120, 240, 480]), {
    observed: `with backoffMs 30 and attempts that each take 25 ms to fail, waited ${show(waits)} ms from each failure to the next attempt`,
    expected: "[ 30, 60, 120, 240, 480 ]",
    hint: "use the backoffMs argument (no fixed numbers), and start each wait only after the attempt has failed",
  });
});

check("attempt-numbers", "passes the attempt number 1, 2, 3 … to fn", 2, async () => {
  const s = scripted(["reject", "reject", "reject", { value: "ok" }]);
  await retry(s, 4, 10);
  const attempts = s.calls.map((c) => c.attempt);
  expectThat(show(attempts) === show([1, 2, 3, 4]), {
    observed: `fn received ${show(attempts)}`,
    expected: "[ 1, 2, 3, 4 ]",
    hint: "the first call is fn(1), not fn(0)",
  });
});

check("resolves-on-success", "resolves with the value as soon as a later attempt succeeds", 2, async () => {
  const s = scripted(["reject", "reject", { value: "third time lucky" }, { value: "too far" }]);
  const o = await retry(s, 5, 100);
  expectThat(o.state === "fulfilled" && o.value === "third time lucky" && o.at === 300 && s.calls.length === 3, {
    observed: `after 2 failures and a success: ${describe(o)}, with ${plural(s.calls.length, "call")}`,
    expected: `to resolve with "third time lucky" at 300 ms (100 + 200) after 3 calls`,
    hint: "return the successful attempt's value right away; do not keep retrying",
  });
});

check("call-count", "calls fn exactly maxAttempts times when every attempt fails", 2, async () => {
  for (const max of [3, 1]) {
    const s = scripted([]);
    await retry(s, max, 10);
    expectThat(s.calls.length === max, {
      observed: `with maxAttempts ${max}, fn was called ${plural(s.calls.length, "time")}`,
      expected: `${plural(max, "call")}`,
      hint: "maxAttempts counts every call, the first one included",
    });
  }
});

check("no-final-wait", "rejects right after the last attempt fails, without a final wait", 3, async () => {
  const s = scripted([]);
  const o = await retry(s, 3, 100);
  expectThat(o.state === "rejected" && o.at === 300, {
    observed: `with 3 failing attempts and backoffMs 100: ${describe(o)}`,
    expected: "to reject at 300 ms (waits of 100 and 200 ms; none after the last attempt)",
    hint: "check whether attempts are left before sleeping",
  });
  // A timer left pending is a leak: reported with the check (leaks.ts), not charged here.
});

check("same-error", "rejects with the last attempt's error object itself", 3, async () => {
  const s = scripted([]);
  const o = await retry(s, 3, 10);
  const last = s.errors[2];
  const which = o.state === "rejected" ? s.errors.indexOf(o.reason as Error) : -1;
  expectThat(o.state === "rejected" && o.reason === last, {
    observed: `${describe(o)}${which >= 0 ? ` (the error of attempt ${which + 1})` : o.state === "rejected" ? " (a new object)" : ""}`,
    expected: `to reject with the error of attempt 3 itself, ${showError(last)}`,
    hint: "rethrow the caught error; do not wrap it in a new Error",
  });
});

check("sync-throw", "retries when fn throws synchronously", 2, async () => {
  const s = scripted(["throw", "throw", { value: "ok" }]);
  const o = await retry(s, 3, 100);
  expectThat(o.state === "fulfilled" && o.value === "ok" && o.at === 300, {
    observed: `fn threw synchronously twice, then returned "ok": ${describe(o)}`,
    expected: `to resolve with "ok" at 300 ms`,
    hint: "call fn inside the try block (or in an async function) so a synchronous throw is caught too",
  });
  const t = scripted(["throw", "throw"]);
  const last = await retry(t, 2, 10);
  expectThat(last.state === "rejected" && last.reason === t.errors[1], {
    observed: `fn threw synchronously on both of 2 attempts: ${describe(last)}`,
    expected: `to reject with the error thrown by attempt 2, ${showError(t.errors[1])}`,
    hint: "a synchronous throw is a failed attempt like a rejection",
  });
});

check("validation", "rejects with RangeError for a bad maxAttempts or backoffMs, without calling fn", 2, async () => {
  const bad: [number, number][] = [[0, 100], [-1, 100], [2.5, 100], [NaN, 100], [Infinity, 100], [3, -1], [3, NaN], [3, Infinity]];
  for (const [maxAttempts, backoffMs] of bad) {
    const s = scripted([{ value: "ok" }]);
    const o = await retry(s, maxAttempts, backoffMs);
    expectThat(o.state === "rejected" && o.reason instanceof RangeError && s.calls.length === 0, {
      observed: `retryAsync(fn, ${maxAttempts}, ${backoffMs}) ${describe(o)}${s.calls.length ? ` and called fn ${plural(s.calls.length, "time")}` : ""}`,
      expected: "a promise rejected with a RangeError, and fn never called",
      hint: "check maxAttempts (a positive integer) and backoffMs (finite, >= 0) first; in an async function `throw new RangeError(...)` rejects the promise",
    });
  }
});

check("zero-backoff", "accepts backoffMs 0 and retries without waiting", 1, async () => {
  const s = scripted(["reject", "reject", { value: "ok" }]);
  const o = await retry(s, 3, 0);
  expectThat(o.state === "fulfilled" && o.value === "ok" && o.at === 0 && s.calls.length === 3, {
    observed: `with backoffMs 0: ${describe(o)} after ${plural(s.calls.length, "call")}`,
    expected: `to resolve with "ok" at 0 ms after 3 calls`,
    hint: "0 is a valid backoffMs: check `backoffMs < 0`, not `!backoffMs`",
  });
});

check("any-value", "resolves with whatever fn resolves with, falsy values included (undefined, 0, null, \"\", false)", 1, async () => {
  for (const value of [undefined, 0, null, "", false]) {
    const s = scripted([{ value }, { value: "retried" }]);
    const o = await retry(s, 3, 100);
    expectThat(o.state === "fulfilled" && Object.is(o.value, value) && o.at === 0 && s.calls.length === 1, {
      observed: `the first attempt resolved with ${show(value)}: ${describe(o)}, after ${plural(s.calls.length, "call")}`,
      expected: `to resolve with ${show(value)} at 0 ms, after 1 call`,
      hint: "a resolved promise is a success whatever its value: return it as it is, without testing it",
    });
  }
});

check("any-reason", "treats any rejection as a failure whatever its reason (undefined, null, 0, \"\"), and rejects with that reason itself", 1, async () => {
  for (const reason of [undefined, null, 0, ""]) {
    const s = scripted(Array<Step>(6).fill({ rejectWith: reason }));
    const o = await retry(s, 3, 100);
    expectThat(o.state === "rejected" && Object.is(o.reason, reason), {
      observed: `with 3 attempts that each rejected with ${show(reason)}: ${describe(o)}, after ${plural(s.calls.length, "call")}`,
      expected: `to retry, then reject with ${show(reason)} itself`,
      hint: "a rejection is a failure whatever its reason: catch it with try/catch, and do not test it with instanceof Error or for truthiness",
    });
  }
});

check("long-schedule", "keeps doubling with no cap: 12 attempts with backoffMs 1000 wait 1 s, 2 s, … 1024 s", 1, async () => {
  const s = scripted(Array<Step>(12).fill("reject"));
  const o = await retry(s, 12, 1000);
  const expected = Array.from({ length: 11 }, (_, i) => 1000 * 2 ** i);
  const waits = s.waits();
  expectThat(o.state === "rejected" && JSON.stringify(waits) === JSON.stringify(expected), {
    observed: `with backoffMs 1000 and 12 failing attempts: waited ${show(waits)} ms, and ${describe(o)}`,
    expected: `waits of ${show(expected)} ms, then a rejection`,
    hint: "there is no upper limit: the wait after attempt k is backoffMs * 2 ** (k - 1), however large it gets",
  });
});

check("slow-attempts", "waits for each attempt however long it takes (no timeout per attempt)", 1, async () => {
  const tenMinutes = 10 * 60_000;
  const s = scripted(["reject", { value: "slow but fine" }], tenMinutes);
  const o = await retry(s, 3, 100, 3 * 3_600_000);
  expectThat(o.state === "fulfilled" && o.value === "slow but fine" && o.at >= 2 * tenMinutes && s.calls.length === 2, {
    observed: `with attempts that each take 10 minutes to settle (the first fails, the second succeeds): ${describe(o)}, after ${plural(s.calls.length, "call")}`,
    expected: `to resolve with "slow but fine" after 2 calls, once the second attempt succeeded (about 20 minutes in)`,
    hint: "await each attempt for as long as it takes: the contract sets no time limit on an attempt",
  });
});
