/**
 * Leak reports: when the function under test settles (resolves or rejects), whatever it started and left
 * running (requests still in flight, timers still pending) is named in that check's message, pass or fail.
 *
 * The clock and the mock network each register a probe; grader.ts asks every probe at the moment the
 * learner's promise resolves (before the check itself sees the value), so the check cannot have moved
 * virtual time on in between.
 *
 * One policy everywhere: a leak is reported as a leak, with a hint about leaks, and costs no points; a
 * check fails only for what its title says (02 clean-finish is the one check whose title is about it).
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
export function leakMessage(fn: string, found: readonly string[], how: "resolved" | "rejected" = "resolved"): string {
  return (
    `⚠ leak: when ${fn}() ${how}, ${found.join(" and ")}. ` +
    `${how === "resolved" ? "Resolve" : "Reject"} only after everything you started has finished: await every request, and clear timers you no longer need (clearTimeout).`
  );
}
