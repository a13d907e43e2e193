/**
 * What the 02-enrich-csv grader drives the learner's AsyncQueue and enrichCsv with, so the grader itself
 * reads as its checks: virtual time moved on in small steps (`idle`, `advanceBy`), promises watched live
 * (the clock's `observe`) and how they are shown, the mock API (`enrichApi`, `gatedApi`), enrichCsv run to
 * its end (`runEnrich`) or started with every request held (`startGated`), and the CSV and JSON Lines the
 * checks write and read.
 */
import type * as Exercise from "../../exercises/02-enrich-csv.ts";
import { describeOutcome, harnessDelay, settle, stateOf, type LiveOutcome, type Outcome, type VirtualClock } from "../harness/authoring/clock.ts";
import { show, showError } from "../harness/authoring/feedback.ts";
import { Gates, HttpResponse, http, type MockNetwork } from "../harness/authoring/network.ts";
import { endOf } from "../harness/authoring/timeline.ts";
import { isNotImplemented } from "../harness/core/errors.ts";
import { lf } from "../harness/core/text.ts";
import { diskFs, readDiskFile, writeDiskFile } from "../harness/sandbox/disk.ts";
import { realFs } from "../harness/sandbox/real-fs.ts";
import { slidingWindowSpans, type Series, type Span, type Timeline } from "../harness/core/timeline.ts";

/** A fixture of this exercise, as text with LF line ends. */
export const fixture = (name: string) => lf(realFs.readFileSync(new URL(`../../fixtures/02-enrich-csv/${name}`, import.meta.url), "utf8"));

/** A one-line list: [3, 3, 2] or ["a&b", "café"] (strings quoted, \r and \n escaped). */
export function list(values: readonly unknown[]): string {
  return `[${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : typeof v === "number" ? String(v) : show(v))).join(", ")}]`;
}

/** A run driven to its end in virtual time (`clock.run`), for an `observed:` line. */
export const describe = (o: Outcome<unknown>) =>
  describeOutcome(o, { stuck: "is a worker or the producer waiting forever?", runaway: "a loop that never ends?" });

// ---------------------------------------------------------------------------------------------------------
// Promises watched live (clock.observe): never awaited, so one that never settles cannot hang a check

/** "resolved", "resolved with "a"", "rejected with Error(…)" or "still pending". */
export function describeWatched(w: LiveOutcome<unknown>): string {
  if (w.state === "fulfilled") return w.value === undefined ? "resolved" : `resolved with ${show(w.value)}`;
  if (w.state === "rejected") return `rejected with ${showError(w.reason)}`;
  return "still pending";
}

/** A watched promise's state (a call, so TypeScript does not narrow it across awaits). */
export function is(w: LiveOutcome<unknown>, state: LiveOutcome<unknown>["state"]): boolean {
  return stateOf(w) === state;
}

/** The value a watched promise resolved with; undefined while it has not. */
export function valueOf(w: LiveOutcome<unknown>): unknown {
  return w.state === "fulfilled" ? w.value : undefined;
}

/** The error `fn` throws synchronously, or undefined. The stub's "Not implemented yet" is passed on. */
export function thrownBy(fn: () => unknown): { error: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (isNotImplemented(error)) throw error;
    return { error };
  }
}

/** Lets I/O settle until `progress()` has not changed for 3 rounds in a row (at most `rounds` rounds). */
export async function untilStill(progress: () => number, rounds = 60): Promise<void> {
  let last = progress();
  for (let i = 0, still = 0; i < rounds && still < 3; i++) {
    await settle(1);
    const now = progress();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

// ---------------------------------------------------------------------------------------------------------
// enrichCsv's inputs and outputs

export type Options = Partial<Exercise.EnrichOptions>;
export type Row = Record<string, string>;

export const API = "http://api.test";
export const ENRICH = `${API}/enrich`;
export const IN = "/data/in.csv";
export const OUT = "/data/out.jsonl";

/** What the mock API answers for an id: merged over the row by the learner's code. */
export function apiBody(id: string): Record<string, unknown> {
  return { score: [...id].length * 7 + 1, status: "enriched" };
}

/** A CSV text: header + rows, each line ended by `eol` (the last one only if `trailing`). */
export function csvText(header: string[], rows: string[][], { eol = "\n", trailing = true } = {}): string {
  const lines = [header, ...rows].map((fields) => fields.join(","));
  return lines.join(eol) + (trailing ? eol : "");
}

export function people(n: number): { header: string[]; rows: string[][] } {
  return { header: ["id", "name", "city"], rows: Array.from({ length: n }, (_, i) => [`p${i + 1}`, `Name ${i + 1}`, `City ${i + 1}`]) };
}

export function expectedOutput(header: string[], rows: string[][]): Row[] {
  return rows.map((fields) => {
    const row = Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""])) as Row;
    return { ...row, ...apiBody(row.id!) } as Row;
  });
}

export function readOut(file = OUT): string | undefined {
  return readDiskFile(file)?.toString("utf8");
}

export interface Parsed {
  objects: Row[];
  bad: string[];
}

/** JSON Lines: one JSON object per line; a final newline is optional. */
export function parseLines(text: string | undefined): Parsed {
  const out: Parsed = { objects: [], bad: [] };
  if (!text) return out;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) out.objects.push(value as Row);
      else out.bad.push(line);
    } catch {
      out.bad.push(line);
    }
  }
  return out;
}

/** Order-insensitive comparison key of a list of objects. */
export function canon(objects: object[]): string {
  return objects
    .map((o) => JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    .sort()
    .join("\n");
}

export const sameIds = (a: string[], b: string[]) => list([...a].sort()) === list([...b].sort());

export function sameReport(report: Exercise.EnrichReport, read: number, written: number, failedIds: string[]): boolean {
  if (typeof report !== "object" || report === null || !Array.isArray(report.failed)) return false;
  return (
    report.read === read &&
    report.written === written &&
    sameIds(
      report.failed.map((f) => f?.id),
      failedIds,
    )
  );
}

/** Answers every held request at once, round after round, until none is left: cleanup once a check has seen what it needed. */
export async function releaseEverything(gates: Gates, maxRounds = 200): Promise<void> {
  for (let i = 0; i < maxRounds && gates.inFlight > 0; i++) {
    for (const request of gates.waiting) request.release();
    await settle();
  }
}

export interface Recorder {
  /** The ids the mock API received, in arrival order, decoded the way any server reads `?id=`. */
  ids: string[];
  /** Requests received and not answered yet. */
  active: number;
  /** Each request from its arrival to its answer, in virtual ms. */
  spans: Span[];
}

export interface Run {
  outcome: Outcome<Exercise.EnrichReport>;
  /** The virtual time the run started at (`outcome.at` counts from it). */
  startedAt: number;
  /** The output file at the moment the promise resolved. */
  atResolve: string | undefined;
  /** The output file once I/O settled after the run. */
  output: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The driver

/** Drives the learner's module against the mock API (`net`) in virtual time (`clock`). */
export function useEnrich({ load, net, clock }: { load: () => Promise<typeof Exercise>; net: MockNetwork; clock: VirtualClock }) {
  /**
   * Moves virtual time forward by `ms` (> 0), firing every timer due meanwhile in the clock's own order with
   * I/O settled in between: clock.run drives time until a marker timer set `ms` ahead fires. Timers set along
   * the way for earlier instants (a `setTimeout(…, 0)` used to yield, a short poll) fire before the marker.
   */
  async function advanceBy(ms: number): Promise<void> {
    await clock.run(() => harnessDelay(ms));
  }

  /** Lets the learner's promises settle; also fires timers due within 20 virtual ms, for queues that poll. */
  async function idle(): Promise<void> {
    await advanceBy(20);
  }

  /** An API answering every id with apiBody(id), after `ms` of virtual time. */
  function enrichApi(ms = 0): Recorder {
    const rec: Recorder = { ids: [], active: 0, spans: [] };
    net.use(
      http.get(ENRICH, async ({ request }) => {
        const url = new URL(request.url);
        const id = url.searchParams.get("id") ?? "";
        const span: Span = { label: id, start: clock.now() };
        rec.ids.push(id);
        rec.spans.push(span);
        rec.active++;
        try {
          if (ms) await harnessDelay(ms);
          return HttpResponse.json(apiBody(id));
        } finally {
          rec.active--;
          span.end = clock.now();
        }
      }),
    );
    return rec;
  }

  /** Requests held until the test releases them (answered with apiBody(id)). */
  function gatedApi(): Gates {
    const idOf = (url: URL) => url.searchParams.get("id") ?? "";
    const gates = new Gates((request) => HttpResponse.json(apiBody(idOf(new URL(request.url)))), idOf);
    net.use(gates.handler(ENRICH));
    return gates;
  }

  /** Runs enrichCsv in virtual time until its promise settles. */
  async function runEnrich(input: string | undefined, options: Options = {}, files = { input: IN, output: OUT }): Promise<Run> {
    const { enrichCsv } = await load();
    diskFs().mkdirSync("/data", { recursive: true }); // the output folder exists, even when the input does not
    if (input !== undefined) writeDiskFile(files.input, input);
    let atResolve: string | undefined;
    const startedAt = clock.now();
    const outcome = await clock.run(
      () =>
        Promise.resolve(enrichCsv(files.input, files.output, { apiUrl: API, ...options })).then((report) => {
          atResolve = readOut(files.output);
          return report;
        }),
      // A correct run needs well under 1 000 timers and 1 000 ms here: the budget stops a runaway poll early.
      { maxTimers: 3_000, maxMs: 600_000 },
    );
    await settle();
    return { outcome, startedAt, atResolve, output: readOut(files.output) };
  }

  /** Starts enrichCsv on `input` and lets it go as far as it can without any answer; watches its promise. */
  async function startGated(input: string, options: Options): Promise<LiveOutcome<Exercise.EnrichReport>> {
    const { enrichCsv } = await load();
    writeDiskFile(IN, input);
    const run = clock.observe(enrichCsv(IN, OUT, { apiUrl: API, ...options }));
    await idle();
    return run;
  }

  /**
   * Releases held requests one at a time (the newest first when `newestFirst`) until none is left, and
   * returns the in-flight count after each. `patient` also lets short timers fire after each release.
   */
  async function drainGates(gates: Gates, { newestFirst = false, patient = false } = {}, maxRounds = 200): Promise<number[]> {
    const counts: number[] = [];
    for (let i = 0; i < maxRounds && gates.inFlight > 0; i++) {
      const waiting = gates.waiting;
      await gates.release(newestFirst ? waiting.at(-1) : waiting[0]);
      if (patient) await idle(); // lets a solution that yields or polls with short timers catch up
      counts.push(gates.inFlight);
    }
    return counts;
  }

  /**
   * After a backpressure measurement: answers the held requests one at a time and samples, after each answer,
   * how many put() calls the producer had made and how far ahead of the workers it was (puts − rows taken).
   */
  async function sampleBackpressure(title: string, gates: Gates, puts: () => number, queueSize: number): Promise<Timeline> {
    const made: Series = { label: "put() calls so far", points: [] };
    const ahead: Series = { label: "ahead of the workers (in the queue or waiting to get in)", points: [] };
    const bound: Series = { label: `most allowed ahead: queueSize + 1 = ${queueSize + 1}`, points: [], bound: true };
    const sample = (x: number) => {
      made.points.push([x, puts()]);
      ahead.points.push([x, puts() - gates.requests.length]);
      bound.points.push([x, queueSize + 1]);
    };
    sample(0);
    for (let step = 1; step <= 60 && gates.inFlight > 0; step++) {
      await gates.release();
      // Virtual time moves only for code that waits on timers (a queue that yields or polls): the rest needs none.
      if (clock.pendingTimers() > 0) await idle();
      sample(step);
    }
    return { title, axis: "step", layout: "lanes", observed: { series: [made, ahead, bound] } };
  }

  return { advanceBy, idle, enrichApi, gatedApi, runEnrich, startGated, drainGates, sampleBackpressure };
}

/** The picture of a gated run: each row's request in worker lanes, against a sliding window of `workers`. */
export function windowTimeline(title: string, gates: Gates, ids: readonly string[], workers: number, newestFirst = false): Timeline {
  return {
    title,
    axis: "step",
    layout: "lanes",
    limit: workers,
    observed: { spans: gates.spans },
    expected: { spans: slidingWindowSpans(ids.length, workers, newestFirst, (i) => ids[i]!) },
  };
}

/** The picture of a run against an API that answers after `ms`: the requests over time, and when it settled. */
export function drainTimeline(title: string, api: Recorder, run: Run, ids: readonly string[], workers: number, ms: number): Timeline {
  const rounds = Math.ceil(ids.length / workers);
  return {
    title,
    axis: "ms",
    layout: "lanes",
    limit: workers,
    observed: {
      spans: api.spans.map((s) => ({ ...s, start: s.start - run.startedAt, ...(s.end === undefined ? {} : { end: s.end - run.startedAt }) })),
      end: endOf(run.outcome),
    },
    expected: {
      spans: ids.map((id, i) => ({ label: id, start: Math.floor(i / workers) * ms, end: (Math.floor(i / workers) + 1) * ms })),
      end: { at: rounds * ms, label: "resolved" },
    },
  };
}
