/**
 * What the 03-retry-async grader drives the learner's retryAsync with, so the grader itself reads as its
 * checks: a scripted `fn` (what each attempt does, and when it was called) and `retry`, which runs
 * retryAsync in virtual time and records the schedule it kept beside the one a correct retryAsync keeps
 * (`referenceSchedule`), for the report's picture.
 */
import type * as Exercise from "../../exercises/03-retry-async.ts";
import { harnessDelay, type VirtualClock } from "../harness/authoring/clock.ts";
import { endOf, recordTimeline } from "../harness/authoring/timeline.ts";
import type { Span, Track } from "../harness/core/timeline.ts";

/** What an attempt does: fail with a fresh Error (rejecting or throwing), reject with a given reason, or succeed. */
export type Step = "reject" | "throw" | { value: unknown } | { rejectWith: unknown };

export type Scripted = ReturnType<ReturnType<typeof useRetry>["scripted"]>;

const succeeds = (step: Step | undefined) => typeof step === "object" && "value" in step;

/** What a correct retryAsync does with this script: attempt, wait backoffMs × 2^(k−1) after failure k, stop at success or maxAttempts. */
export function referenceSchedule(steps: Step[], maxAttempts: number, backoffMs: number, attemptMs: number): Track | undefined {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || !Number.isFinite(backoffMs) || backoffMs < 0) return undefined;
  const spans: Span[] = [];
  let t = 0;
  for (let k = 1; ; k++) {
    const ok = succeeds(steps[k - 1]);
    spans.push({ label: `attempt ${k}`, start: t, end: t + attemptMs, failed: !ok });
    t += attemptMs;
    if (ok || k === maxAttempts) return { spans, end: { at: t, label: ok ? "resolved" : "rejected" } };
    t += backoffMs * 2 ** (k - 1);
  }
}

/** Drives the learner's retryAsync in virtual time (`clock`). */
export function useRetry({ load, clock }: { load: () => Promise<typeof Exercise>; clock: VirtualClock }) {
  /** A scripted `fn`: what each attempt does, and a log of the calls it received. */
  function scripted(steps: Step[], attemptMs = 0) {
    const calls: { attempt: unknown; at: number }[] = [];
    const errors: Error[] = [];
    const fn = (attempt: number): Promise<unknown> => {
      const i = calls.length;
      calls.push({ attempt, at: clock.now() });
      const step = steps[i] ?? "reject";
      const error = (errors[i] = new Error(`attempt ${i + 1} failed`));
      if (step === "throw") throw error;
      const settle = (): Promise<unknown> =>
        step === "reject" ? Promise.reject(error) : "rejectWith" in step ? Promise.reject(step.rejectWith) : Promise.resolve(step.value);
      return attemptMs ? harnessDelay(attemptMs).then(settle) : settle();
    };
    return {
      fn,
      steps,
      attemptMs,
      calls,
      errors,
      /** Gaps between the end of one attempt and the start of the next. */
      waits: () => calls.slice(1).map((c, i) => c.at - calls[i]!.at - attemptMs),
    };
  }

  /** Calls retryAsync with a scripted fn in virtual time; a run that retried (or should have) is recorded for the report's picture. */
  async function retry(s: Scripted, maxAttempts: number, backoffMs: number, maxMs?: number) {
    const { retryAsync } = await load();
    const t0 = clock.now();
    const o = await clock.run(() => retryAsync(s.fn, maxAttempts, backoffMs), maxMs === undefined ? {} : { maxMs });
    const expected = referenceSchedule(s.steps, maxAttempts, backoffMs, s.attemptMs);
    if (s.calls.length > 1 || (expected?.spans?.length ?? 0) > 1) {
      recordTimeline({
        title: `maxAttempts ${maxAttempts}, backoffMs ${backoffMs}${s.attemptMs ? `, each attempt taking ${s.attemptMs} ms` : ""}`,
        axis: "ms",
        layout: "sequence",
        observed: { spans: s.calls.map((c, i) => ({ label: `attempt ${i + 1}`, start: c.at - t0, end: c.at - t0 + s.attemptMs, failed: !succeeds(s.steps[i]) })), end: endOf(o) },
        ...(expected ? { expected } : {}),
      });
    }
    return o;
  }

  return { scripted, retry };
}
