/**
 * Progress log shared by grader workers and the engine's watchdog. Each worker appends, synchronously,
 * one JSON line per event to `<GRADE_PROGRESS_DIR>/<pid>.jsonl`: a check started, a check ended. Written
 * synchronously because a learner's synchronous infinite loop blocks the worker before vitest can report
 * anything: the log still says which check hung and how the earlier checks ended.
 */
import { createRequire } from "node:module";

const realFs = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");

export const PROGRESS_ENV = "GRADE_PROGRESS_DIR";
export const RUN_ENV = "GRADE_RUN";

export type ProgressEvent =
  | { event: "start"; run: string; file: string; check: string }
  | { event: "end"; run: string; file: string; check: string; state: "passed" | "failed"; error?: { name: string; message: string } };

type EventBody = { event: "start"; check: string } | { event: "end"; check: string; state: "passed" | "failed"; error?: { name: string; message: string } };

/** Worker side: records an event when the engine asked for a progress log. */
export function recordProgress(body: EventBody): void {
  const dir = process.env[PROGRESS_ENV];
  if (!dir) return;
  const file = (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__?.filepath ?? "";
  const event = { ...body, run: process.env[RUN_ENV] ?? "", file } as ProgressEvent;
  realFs.appendFileSync(`${dir}/${process.pid}.jsonl`, JSON.stringify(event) + "\n");
}

/** Engine side: every worker's events, by pid. */
export function readProgress(dir: string): Map<number, ProgressEvent[]> {
  const out = new Map<number, ProgressEvent[]>();
  for (const name of realFs.readdirSync(dir)) {
    if (!name.endsWith(".jsonl")) continue;
    const events = realFs
      .readFileSync(`${dir}/${name}`, "utf8")
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as ProgressEvent];
        } catch {
          return [];
        }
      });
    out.set(Number(name.slice(0, -".jsonl".length)), events);
  }
  return out;
}
