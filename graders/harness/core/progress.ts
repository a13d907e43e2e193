/**
 * Progress log shared by grader workers and the engine. Each worker appends, synchronously, one line per
 * event to `<GRADE_PROGRESS_DIR>/<pid>.jsonl`: a check started, a check ended. Written synchronously
 * because a learner's synchronous infinite loop blocks the worker before vitest can report anything: the
 * log still says which check hung and how the earlier checks ended.
 *
 * The log also decides: a check counts as passed only if its worker logged it so (engine.ts,
 * `confirmPasses`). So every line carries an HMAC keyed by a secret learner code never sees: the engine
 * makes the key and hands it to its workers in GRADE_PROGRESS_KEY; a worker's grader takes it from the
 * environment (and deletes it there) before any learner code loads, and keeps it in a closure. A line
 * learner code forges, or a line copied from another process, does not verify and is ignored.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { KEY_ENV, PROGRESS_ENV, RUN_ENV } from "./contract.ts";

const realFs = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");
const stringify = JSON.stringify;


export type ProgressEvent =
  | { event: "start"; run: string; file: string; check: string }
  | { event: "end"; run: string; file: string; check: string; state: "passed" | "failed"; error?: { name: string; message: string } };

type EventBody = { event: "start"; check: string } | { event: "end"; check: string; state: "passed" | "failed"; error?: { name: string; message: string } };

function mac(key: string, pid: number, json: string): string {
  return createHmac("sha256", key).update(`${pid}\n${json}`).digest("hex");
}

/** One log line: the event and its HMAC for this pid. */
export function signedLine(key: string, pid: number, event: ProgressEvent): string {
  const json = stringify(event);
  return `${json}\t${mac(key, pid, json)}\n`;
}

/** Engine side: this process's key (made once; workers inherit it through their environment). */
export function progressKey(): string {
  return (process.env[KEY_ENV] ??= randomBytes(32).toString("hex"));
}

let taken = false;

/**
 * Worker side: the function that logs this worker's events, when the engine asked for a log. Takes the
 * key out of the environment, so it works once per process: the grader calls it while loading.
 */
export function progressRecorder(): (body: EventBody) => void {
  if (taken) throw new Error("progressRecorder() may be called once per worker");
  taken = true;
  const key = process.env[KEY_ENV];
  delete process.env[KEY_ENV];
  const dir = process.env[PROGRESS_ENV];
  if (!dir || !key) return () => {};
  const run = process.env[RUN_ENV] ?? "";
  const pid = process.pid;
  const append = realFs.appendFileSync;
  return (body) => {
    const file = (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__?.filepath ?? "";
    append(`${dir}/${pid}.jsonl`, signedLine(key, pid, { ...body, run, file } as ProgressEvent));
  };
}

/**
 * Engine side: the events whose HMAC verifies, by pid (other lines are dropped), of every worker or of
 * the pids `only` accepts (the watchdog reads only its running workers' logs: a class's finished logs
 * would cost it more at every poll).
 */
export function readProgress(dir: string, key = progressKey(), only: (pid: number) => boolean = () => true): Map<number, ProgressEvent[]> {
  const out = new Map<number, ProgressEvent[]>();
  for (const name of realFs.readdirSync(dir)) {
    if (!name.endsWith(".jsonl")) continue;
    const pid = Number(name.slice(0, -".jsonl".length));
    if (!only(pid)) continue;
    const events = realFs
      .readFileSync(`${dir}/${name}`, "utf8")
      .split("\n")
      .flatMap((line) => {
        const tab = line.lastIndexOf("\t");
        const json = line.slice(0, tab);
        if (tab < 0 || line.slice(tab + 1) !== mac(key, pid, json)) return [];
        try {
          return [JSON.parse(json) as ProgressEvent];
        } catch {
          return [];
        }
      });
    out.set(pid, events);
  }
  return out;
}
