/**
 * Leak reports: when the function under test resolves, whatever it started and left running (requests
 * still in flight, timers still pending) is named in that check's message, pass or fail.
 *
 * The clock and the mock network each register a probe; grader.ts asks every probe at the moment the
 * learner's promise resolves (before the check itself sees the value), so the check cannot have moved
 * virtual time on in between. A leak is reported, not charged: checks that grade clean finishing
 * (02 clean-finish, 03 no-final-wait) do that with points.
 */

/** Describes what is still running ("2 requests still in flight (GET …)"), or undefined when nothing is. */
export type LeakProbe = () => string | undefined;

const probes = new Set<LeakProbe>();

/** Registers a probe; returns the function that removes it. */
export function addLeakProbe(probe: LeakProbe): () => void {
  probes.add(probe);
  return () => void probes.delete(probe);
}

/** What every probe finds still running right now. */
export function findLeaks(): string[] {
  return [...probes].map((probe) => probe()).filter((found): found is string => Boolean(found));
}

/** The line added to a check's message. */
export function leakMessage(fn: string, found: readonly string[]): string {
  return (
    `⚠ leak: when ${fn}() resolved, ${found.join(" and ")}. ` +
    "Resolve only after everything you started has finished: await every request, and clear timers you no longer need (clearTimeout)."
  );
}
