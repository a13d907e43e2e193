/**
 * try 02: enrichCsv reading a real CSV file and calling a real enrich API with latency, where some rows
 * fail (a 500 and a dropped connection). The timeline shows the requests in flight against `workers`.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as Exercise from "../../../../exercises/02-enrich-csv.ts";
import { countCalls, type CallCounter } from "../../authoring/call-counter.ts";
import { REPO_ROOT } from "../../core/paths.ts";
import { outcome, type Finding, type Outcome } from "./outcome.ts";
import { latencies, sleep, startServer } from "./server.ts";
import { judgeWindow, Timeline, type Print } from "./timeline.ts";
import { lf } from "../../core/text.ts";

export type EnrichCsv = typeof Exercise.enrichCsv;
export type AsyncQueueClass = typeof Exercise.AsyncQueue;

export interface EnrichTry {
  print: Print;
  latency: [number, number];
  workers: number;
  queueSize: number;
}

export const ENRICH_DEFAULTS: Omit<EnrichTry, "print"> = { latency: [150, 500], workers: 3, queueSize: 2 };
export const ENRICH_FAST: Omit<EnrichTry, "print"> = { latency: [5, 20], workers: 3, queueSize: 2 };

const FIXTURE = path.join(REPO_ROOT, "fixtures", "02-enrich-csv", "people.csv");
const FALLBACK = "id,name\nada-7,Ada Lovelace\ngrace-12,Grace Hopper\nlinus-3,Linus Torvalds\nmargaret-41,Margaret Hamilton\ndennis-9,Dennis Ritchie\nbarbara-5,Barbara Liskov\n";
/** Rows enough that a producer without backpressure runs far ahead of queueSize + workers. */
const MIN_ROWS = 16;

/** The fixture's rows, then more in its shape until there are MIN_ROWS. */
function csvWithRows(text: string): string {
  const lines = text.replace(/\n+$/, "").split("\n");
  const columns = lines[0]!.split(",");
  for (let i = lines.length; i <= MIN_ROWS; i++) lines.push(columns.map((c) => (c === "id" ? `guest-${i}` : c === "name" ? `Guest ${i}` : "")).join(","));
  return lines.join("\n") + "\n";
}

type Row = Record<string, string>;

/** The rows of a simple CSV (no quotes, no commas in fields), as the exercise defines it. */
export function parseCsv(text: string): Row[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const names = header?.split(",") ?? [];
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i] ?? `column${i}`, v])));
}

/** What the API adds to a row. */
export function enrichment(id: string): Record<string, string | number> {
  let score = 0;
  for (const ch of id) score = (score * 31 + ch.codePointAt(0)!) % 100;
  return { score, tier: score >= 50 ? "gold" : "silver" };
}

export async function tryEnrich(enrichCsv: EnrichCsv, AsyncQueue: AsyncQueueClass | undefined, options: EnrichTry): Promise<Outcome> {
  const { print, workers, queueSize } = options;
  const csv = csvWithRows(existsSync(FIXTURE) ? lf(readFileSync(FIXTURE, "utf8")) : FALLBACK);
  const rows = parseCsv(csv);
  // Two rows fail: one with a 500, one with a dropped connection (a network error).
  const failing = new Map<string, "500" | "drop">();
  if (rows[2]) failing.set(rows[2].id!, "500");
  if (rows[rows.length - 2] && rows.length > 4) failing.set(rows[rows.length - 2]!.id!, "drop");
  const timeline = new Timeline(print, workers);
  const latency = latencies(...options.latency);
  const asked: string[] = [];
  // The producer's put calls, counted as the grader counts them (call-counter.ts).
  let counter: CallCounter | undefined;
  try {
    counter = typeof AsyncQueue === "function" ? countCalls(new AsyncQueue<unknown>(1).put) : undefined;
  } catch {
    counter = undefined;
  }
  let putsAtFirstAnswer: number | undefined;
  const server = await startServer(async (url, req, res) => {
    const id = url.searchParams.get("id") ?? "";
    asked.push(id);
    timeline.begin(`GET /enrich?id=${id}`);
    const ms = latency();
    await sleep(ms);
    putsAtFirstAnswer ??= counter?.calls;
    const failure = url.pathname === "/enrich" ? failing.get(id) : "500";
    if (failure === "drop") {
      timeline.end(`dropped the connection  id=${id}  (${ms} ms)`);
      req.socket.destroy();
      return;
    }
    if (failure === "500") {
      timeline.end(`500 id=${id}  (${ms} ms)`);
      res.writeHead(500, { "content-type": "text/plain" }).end("enrichment failed");
      return;
    }
    timeline.end(`200 id=${id}  (${ms} ms)`);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(enrichment(id)));
  });
  const tmp = await mkdtemp(path.join(tmpdir(), "try-02-"));
  const input = path.join(tmp, "people.csv");
  const output = path.join(tmp, "people.enriched.jsonl");
  await writeFile(input, csv);
  try {
    print(`enrichCsv("${input}", "${path.basename(output)}", { apiUrl: "${server.base}", workers: ${workers}, queueSize: ${queueSize} })`);
    print(`${rows.length} rows; every call takes ${options.latency[0]}–${options.latency[1]} ms; ids ${[...failing.keys()].join(" and ")} fail`);
    print("");
    const report = await enrichCsv(input, output, { apiUrl: server.base, workers, queueSize });
    timeline.note(`resolved with ${JSON.stringify({ read: report?.read, written: report?.written, failed: report?.failed?.length })}`);
    const lines = existsSync(output) ? (await readFile(output, "utf8")).split("\n").filter((l) => l.trim() !== "") : [];
    return outcome([
      ...judge(report, lines, rows, failing, asked, timeline, workers),
      judgeWindow(timeline, workers, options.latency, { exercise: "02", busy: "a finished request", refill: "Let each worker take the next row as soon as its request is done, not after a whole batch" }),
      backpressure(putsAtFirstAnswer, rows.length, options),
    ]);
  } finally {
    counter?.stop();
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

function judge(
  report: Exercise.EnrichReport,
  lines: string[],
  rows: Row[],
  failing: Map<string, string>,
  asked: string[],
  timeline: Timeline,
  workers: number,
): Finding[] {
  const findings: Finding[] = [];
  const read = report?.read, written = report?.written, failed = Array.isArray(report?.failed) ? report.failed : [];
  findings.push({
    ok: read === rows.length && read === written + failed.length,
    text: `read === written + failed: ${read} === ${written} + ${failed.length} (the file has ${rows.length} rows)`,
  });
  const failedIds = failed.map((f) => f.id).sort();
  const expectedFailed = [...failing.keys()].sort();
  findings.push({
    ok: JSON.stringify(failedIds) === JSON.stringify(expectedFailed),
    text: `failed lists the rows that failed (a 500 and a dropped connection): [${failedIds.join(", ")}]; expected [${expectedFailed.join(", ")}]`,
  });
  const expected = rows.filter((r) => !failing.has(r.id!)).map((r) => JSON.stringify({ ...r, ...enrichment(r.id!) }));
  const got = lines.map((l) => {
    try {
      return JSON.stringify(JSON.parse(l));
    } catch {
      return `not JSON: ${l}`;
    }
  });
  const same = got.length === expected.length && [...got].sort().join("\n") === [...expected].sort().join("\n");
  findings.push({ ok: same && written === got.length, text: `the output has one JSON line per enriched row, each row merged with the API's answer (${got.length} lines; expected ${expected.length})` });
  findings.push({ ok: asked.length === rows.length, text: `one request per row (${asked.length} requests for ${rows.length} rows)` });
  findings.push({ ok: timeline.maxInFlight <= workers, text: `never more than ${workers} requests in flight (most seen at once: ${timeline.maxInFlight})` });
  findings.push({
    ok: timeline.maxInFlight >= Math.min(workers, rows.length),
    text: `all ${workers} workers were busy at once (${timeline.maxInFlight} requests in flight at the busiest moment)`,
  });
  return findings;
}

/**
 * Backpressure, judged as the grader judges it: when the first answer comes back (every worker has been
 * waiting on its request for a while), the producer has put at most queueSize rows in the queue, plus one
 * put waiting, plus the rows the workers took.
 */
export function backpressure(puts: number | undefined, rows: number, { workers, queueSize, latency }: EnrichTry): Finding {
  if (puts === undefined) {
    return { ok: true, unjudged: true, text: "backpressure: not judged (AsyncQueue's put could not be observed); `npm test -- 02` judges it" };
  }
  if (latency[0] < 100) {
    return { ok: true, unjudged: true, text: "backpressure: not judged with --fast (the answers are too quick); `npm test -- 02` judges it" };
  }
  const most = queueSize + workers + 1;
  return puts <= most
    ? { ok: true, text: `backpressure: when the first answer came back, the producer had called put() ${puts} times for ${rows} rows (at most ${most}: queueSize ${queueSize}, one waiting put, ${workers} rows taken by the workers)` }
    : {
        ok: false,
        text:
          `no backpressure: when the first answer came back, the producer had already called put() ${puts} times for ${rows} rows; expected at most ${most} (queueSize ${queueSize} + one waiting put + ${workers} rows taken by the workers). ` +
          "Create the queue with maxSize = queueSize and await each put",
      };
}
