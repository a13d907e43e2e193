/**
 * What the 01-download-files grader drives the learner's downloadFiles with, so the grader itself reads as
 * its checks: runs watched in virtual time (`start`, `download`, `flush`), the mock server's answers
 * (`serve`, `gated`, `streamed`), the sliding window driven step by step (`driveWindow`), and how results
 * and files are shown in messages. Disk paths are POSIX, memfs's own form on every OS.
 */
import { tmpdir } from "node:os";
import { afterEach, beforeEach } from "vitest";
import type * as Exercise from "../../exercises/01-download-files.ts";
import { settle, type LiveOutcome, type VirtualClock } from "../harness/authoring/clock.ts";
import { plural, show, showError } from "../harness/authoring/feedback.ts";
import { Gates, HttpResponse, StreamedBodies, http, type HeldRequest, type MockNetwork } from "../harness/authoring/network.ts";
import { diskFiles, diskFs, heldWrites } from "../harness/sandbox/disk.ts";
import { slidingWindowSpans, type Span } from "../harness/core/timeline.ts";
import { realFs } from "../harness/sandbox/real-fs.ts";

type Options = Exercise.DownloadOptions;

export const DIR = "/downloads";
export const text = (s: string) => new TextEncoder().encode(s);
/** Every check has its own host, so a request left over from another check is never answered here. */
export const site = (checkId: string) => `http://${checkId}.test`;

const FIXTURES = new URL("../../fixtures/01-download-files/files/", import.meta.url);
/** A real PNG: bytes such as 0x89 are not valid UTF-8, so reading it as text corrupts it. */
export const LOGO = new Uint8Array(realFs.readFileSync(new URL("logo.png", FIXTURES)));

/**
 * Whether a path exists on the real disk. Under the permission model (permissions.ts) the worker may not
 * look outside the course; it may not write there either, so "denied" means "not created".
 */
export function onRealDisk(p: string): boolean {
  try {
    return realFs.existsSync(p);
  } catch {
    return false;
  }
}

/** Removes a folder from the real disk (what learner code created there, once the check has seen it). */
export function removeFromRealDisk(p: string): void {
  realFs.rmSync(p, { recursive: true, force: true });
}

/** Deterministic bytes (xorshift32): the same fixture on every run, with every byte value and no UTF-8 structure. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Runs, and how they are shown

/** A call of downloadFiles, watched live; `snapshot`: every file on the disk at the moment it resolved. */
export type Run = LiveOutcome<unknown> & { snapshot?: Record<string, Buffer> };

export function describeRun(run: Run): string {
  switch (run.state) {
    case "fulfilled":
      return `resolved with ${showResults(run.value)}`;
    case "rejected":
      return `rejected with ${showError(run.reason)}`;
    case "threw":
      return `threw ${showError(run.error)} synchronously instead of returning a promise`;
    case "pending":
      return "never resolved (still pending once nothing else could happen)";
  }
}

export function showResults(value: unknown): string {
  if (!Array.isArray(value)) return show(value);
  return `[${value.map((r) => showResult(r)).join(", ")}]`;
}

/** A result as the learner would read it; its URL left out when the sentence already names it (`known`). */
export function showResult(r: unknown, known?: string): string {
  if (typeof r !== "object" || r === null) return show(r);
  const { url, status, path: file, reason } = r as Record<string, unknown>;
  const where = url === known ? "" : typeof url === "string" ? `${url} ` : `url ${show(url)} `;
  if (status === "fulfilled") return `${where}${where ? "→" : "fulfilled →"} ${show(file)}`;
  if (status === "rejected") return `${where}rejected: ${showError(reason)}`;
  return show(r);
}

/** The results array of a resolved run, or undefined. */
export function resultsOf(run: Run): Record<string, unknown>[] | undefined {
  return run.state === "fulfilled" && Array.isArray(run.value) ? (run.value as Record<string, unknown>[]) : undefined;
}

/** The result for `url` (checks other than result order look results up by URL). */
export function resultFor(run: Run, url: string): Record<string, unknown> | undefined {
  return resultsOf(run)?.find((r) => typeof r === "object" && r !== null && r.url === url);
}

export function describeFile(file: string, got: Buffer | undefined, want: Uint8Array): string {
  if (got === undefined) return `there is no file ${file}`;
  const n = Math.min(got.length, want.length);
  let i = 0;
  while (i < n && got[i] === want[i]) i++;
  const hex = (b: number | undefined) => (b === undefined ? "end of file" : `0x${b.toString(16).padStart(2, "0")}`);
  const detail = i < n ? `, first difference at byte ${i}: ${hex(got[i])} instead of ${hex(want[i])}` : got.length < want.length ? " (it stops early)" : " (extra bytes at the end)";
  const text = got.includes(Buffer.from([0xef, 0xbf, 0xbd])) ? " — it contains U+FFFD replacement characters: the body was decoded as text" : "";
  return `${file} has ${plural(got.length, "byte")} instead of ${want.length}${detail}${text}`;
}

/** Files on the disk other than those `allowed`. */
export function strayFiles(allowed: Record<string, unknown>): string[] {
  return Object.entries(diskFiles())
    .filter(([file]) => !(file in allowed))
    .map(([file, bytes]) => `${file} (${plural(bytes.length, "byte")})`);
}

// ---------------------------------------------------------------------------------------------------------
// The sliding window

export type Pick = (waiting: HeldRequest[]) => HeldRequest;
export const oldestFirst: Pick = (waiting) => waiting[0]!;
export const newestFirst: Pick = (waiting) => waiting[waiting.length - 1]!;

export interface WindowReport {
  run: Run;
  gates: Gates;
  /** The same scenario with a sliding window: each answer starts the next download. */
  expected: Span[];
  /** The first moment the number in flight was wrong. */
  problem?: { text: string; kind: "over" | "under" };
}

/** "1 2 3 4 5 5 5 5 (limit 5)": what the timeline of a sliding window looks like. */
export function idealTimeline(count: number, limit: number): string {
  return `${Array.from({ length: count }, (_, i) => Math.min(i + 1, limit)).join(" ")} (limit ${limit})`;
}

// ---------------------------------------------------------------------------------------------------------
// The driver

export type Reply = Uint8Array | string | { status: number; body: string | null } | "network error";

/** A body sent in chunks of `size` bytes, like a real socket would deliver it. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
      if (at >= bytes.length) controller.close();
    },
  });
}

/**
 * Runs the learner's downloadFiles against the mock network (`net`) in virtual time (`clock`). Call once, at
 * the top of the grader: it also makes the temporary folder exist before every check, and after every
 * check lets the learner's code finish whatever the check held (requests, bodies, writes), so it never
 * runs on into the next check.
 */
export function useDownloads({ load, net, clock }: { load: () => Promise<typeof Exercise>; net: MockNetwork; clock: VirtualClock }) {
  /** Runs of the current check, for flush() to notice progress. */
  const runs: Run[] = [];
  /** Held requests and bodies of the current check, released after it so the learner's code can finish. */
  const openGates: Gates[] = [];
  const openBodies: StreamedBodies[] = [];

  beforeEach(() => {
    diskFs().mkdirSync(tmpdir(), { recursive: true });
  });

  // A check that failed may leave the learner's code waiting on held requests, bodies or writes: let it
  // finish here, so it never runs on into the next check.
  afterEach(async () => {
    for (let round = 0; round < 100; round++) {
      const held = openGates.flatMap((g) => g.waiting);
      const bodies = openBodies.flatMap((b) => b.held);
      const writes = heldWrites()?.waiting ?? [];
      if (!held.length && !bodies.length && !writes.length) break;
      for (const r of held) r.release();
      for (const b of bodies) b.release();
      for (const w of writes) w.release();
      await flush();
    }
    openGates.length = 0;
    openBodies.length = 0;
    runs.length = 0;
  });

  /** Calls downloadFiles and watches its promise, without awaiting it. */
  async function start(urls: string[], outputDir: string, options?: Options): Promise<Run> {
    const { downloadFiles } = await load();
    const run: Run = clock.start(
      () => (options === undefined ? downloadFiles(urls, outputDir) : downloadFiles(urls, outputDir, options)),
      () => void (run.snapshot = diskFiles()),
    );
    runs.push(run);
    return run;
  }

  /** Starts a run and lets it go as far as it can. */
  async function download(urls: string[], outputDir: string, options?: Options): Promise<Run> {
    const run = await start(urls, outputDir, options);
    await flush();
    return run;
  }

  /**
   * Lets the learner's code run until nothing changes any more: promise chains and in-memory I/O, then
   * (virtual) timers due within 100 ms, for a solution that polls for a free slot with setTimeout. Progress =
   * requests made, bytes on disk, promises settled. A check's virtual time stays far below any sensible
   * request timeout.
   */
  async function flush(): Promise<void> {
    let last = "";
    let ticked = 0;
    for (let round = 0; round < 500; round++) {
      await settle();
      const now = progress();
      if (now !== last) {
        last = now;
        continue;
      }
      if (ticked >= 100 || clock.pendingTimers() === 0) return;
      // Only timers due within 50 ms: a solution may poll for a free slot, a request timeout must never fire.
      clock.tick(50);
      ticked += 50;
    }
  }

  function progress(): string {
    const fs = diskFs();
    const sizes: string[] = [];
    const walk = (dir: string): void => {
      for (const name of fs.readdirSync(dir) as string[]) {
        const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
        const stat = fs.statSync(p);
        sizes.push(`${p}:${stat.isDirectory() ? "dir" : stat.size}`);
        if (stat.isDirectory()) walk(p);
      }
    };
    walk("/");
    return `${net.requests.length}|${runs.map((r) => r.state).join(",")}|${sizes.join(",")}`;
  }

  /** Answers GET `pattern` with `respond`, each request held until the check releases it. */
  function gated(pattern: string, respond: (url: URL) => Response = (url) => new HttpResponse(text(`contents of ${url.pathname}`))): Gates {
    const gates = new Gates((request) => respond(new URL(request.url)));
    openGates.push(gates);
    net.use(gates.handler(pattern));
    return gates;
  }

  /** Answers GET `pattern` with `body(url)` in two halves, the second held until the check releases it (unless `hold` says no). */
  function streamed(pattern: string, body: (url: URL) => Uint8Array, hold?: (url: URL) => boolean): StreamedBodies {
    const bodies = new StreamedBodies(body, hold);
    openBodies.push(bodies);
    net.use(bodies.handler(pattern));
    return bodies;
  }

  /** Answers GET `${base}/<path>` from a table keyed by pathname; any other path gets a 404. */
  function serve(base: string, table: Record<string, Reply>): void {
    net.use(
      http.get(`${base}/*`, ({ request }) => {
        const reply = table[new URL(request.url).pathname];
        if (reply === undefined) return new HttpResponse("Not Found", { status: 404 });
        if (reply === "network error") return HttpResponse.error();
        if (typeof reply === "string") return new HttpResponse(text(reply));
        if (reply instanceof Uint8Array) return new HttpResponse(chunked(reply, 16_384));
        return new HttpResponse(reply.body, { status: reply.status });
      }),
    );
  }

  /**
   * Downloads `count` files, releasing one held request at a time (`pick` chooses which), and compares the
   * number in flight after every step with a sliding window of `limit`: min(limit, downloads not finished).
   */
  async function driveWindow(
    base: string,
    count: number,
    limit: number,
    options: Options | undefined,
    pick: Pick,
    dir = DIR,
    respond?: (url: URL) => Response,
  ): Promise<WindowReport> {
    diskFs().mkdirSync(dir, { recursive: true });
    const gates = gated(`${base}/*`, respond);
    const urls = Array.from({ length: count }, (_, i) => `${base}/file-${String(i + 1).padStart(2, "0")}.txt`);
    const run = await start(urls, dir, options);
    let problem: WindowReport["problem"];
    for (let finished = 0; finished <= count * 3; finished++) {
      await flush();
      const expected = Math.min(limit, count - finished);
      const inFlight = gates.inFlight;
      if (!problem && inFlight !== expected) {
        const when = finished === 0 ? "at the start" : `after ${plural(finished, "download")} finished`;
        problem = {
          kind: inFlight > expected ? "over" : "under",
          text: `${when}, ${plural(inFlight, "request")} ${inFlight === 1 ? "was" : "were"} in flight instead of ${expected}`,
        };
      }
      if (!gates.waiting.length) break;
      pick(gates.waiting).release();
    }
    const label = (i: number) => urls[i]!.split("/").pop()!;
    return { run, gates, problem, expected: slidingWindowSpans(count, limit, pick === newestFirst, label) };
  }

  return { start, download, flush, gated, streamed, serve, driveWindow };
}
