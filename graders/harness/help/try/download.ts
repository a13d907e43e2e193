/**
 * try 01: downloadFiles against a real server serving the fixture files (and generated binary ones)
 * with latency, into a real temporary folder. The timeline shows every request start and end with the
 * number in flight against maxConcurrent.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as Exercise from "../../../../exercises/01-download-files.ts";
import { REPO_ROOT } from "../../core/paths.ts";
import { outcome, type Finding, type Outcome } from "./outcome.ts";
import { latencies, sleep, startServer } from "./server.ts";
import { judgeWindow, kib, Timeline, type Print } from "./timeline.ts";

export type DownloadFiles = typeof Exercise.downloadFiles;

export interface DownloadTry {
  print: Print;
  latency: [number, number];
  maxConcurrent: number;
  /** How many generated binary files to serve besides the fixtures. */
  files: number;
}

export const DOWNLOAD_DEFAULTS: Omit<DownloadTry, "print"> = { latency: [150, 600], maxConcurrent: 4, files: 12 };
export const DOWNLOAD_FAST: Omit<DownloadTry, "print"> = { latency: [5, 20], maxConcurrent: 3, files: 9 };

const FIXTURES = path.join(REPO_ROOT, "fixtures", "01-download-files", "files");
const MISSING = "missing.txt";

/** The files the server has: the fixtures, a name that needs percent-decoding, and binary parts. */
export function serverFiles(count: number): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  if (existsSync(FIXTURES)) for (const name of readdirSync(FIXTURES).sort()) files.set(name, new Uint8Array(readFileSync(path.join(FIXTURES, name))));
  files.set("résumé.txt", new TextEncoder().encode("Ada Lovelace — analyst, metaphysician\n"));
  const random = latencies(0, 255, 7);
  for (let i = 1; i <= count; i++) {
    const bytes = new Uint8Array(2048 * i + 3);
    for (let j = 0; j < bytes.length; j++) bytes[j] = random();
    bytes.set([0xff, 0xfe, 0x00, 0xc3], 0); // not valid UTF-8: text decoding would change these
    files.set(`part-${String(i).padStart(2, "0")}.bin`, bytes);
  }
  return files;
}

export async function tryDownload(downloadFiles: DownloadFiles, options: DownloadTry): Promise<Outcome> {
  const { print, maxConcurrent } = options;
  const files = serverFiles(options.files);
  const timeline = new Timeline(print, maxConcurrent);
  const latency = latencies(...options.latency);
  let totalLatency = 0;
  const server = await startServer(async (url, _req, res) => {
    const name = decodeURIComponent(url.pathname.replace(/^\/files\//, ""));
    timeline.begin(`GET ${name}`);
    const ms = latency();
    totalLatency += ms;
    await sleep(ms);
    const body = files.get(name);
    timeline.end(body ? `200 ${name}  ${kib(body.length)}  (${ms} ms)` : `404 ${name}  (${ms} ms)`);
    if (body) res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
    else res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
  });
  const tmp = await mkdtemp(path.join(tmpdir(), "try-01-"));
  const outputDir = path.join(tmp, "downloads", "today");
  const urls = [...files.keys()].map((name) => `${server.base}/files/${encodeURIComponent(name)}${name === "résumé.txt" ? "?v=2#top" : ""}`);
  urls.splice(Math.min(3, urls.length), 0, `${server.base}/files/${MISSING}`);
  try {
    print(`downloadFiles(${urls.length} URLs, "${outputDir}", { maxConcurrent: ${maxConcurrent} }) — each file takes ${options.latency[0]}–${options.latency[1]} ms`);
    print("");
    const results = await downloadFiles(urls, outputDir, { maxConcurrent });
    const took = Math.round(timeline.now());
    timeline.note(`resolved after ${took} ms; the answers alone took ${totalLatency} ms added up (one at a time would take at least that)`);
    return outcome(await judge(results, urls, files, outputDir, timeline, maxConcurrent, options.latency));
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function judge(
  results: Exercise.DownloadResult[],
  urls: string[],
  files: Map<string, Uint8Array>,
  outputDir: string,
  timeline: Timeline,
  limit: number,
  latency: [number, number],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const inOrder = Array.isArray(results) && results.length === urls.length && results.every((r, i) => r?.url === urls[i]);
  findings.push({ ok: inOrder, text: `one result per URL, in input order (${Array.isArray(results) ? results.length : "no"} results for ${urls.length} URLs)` });
  let exact = 0;
  const wrong: string[] = [];
  for (const [name, bytes] of files) {
    const result = Array.isArray(results) ? results.find((r) => decodeURIComponent(new URL(r.url).pathname).endsWith(`/${name}`)) : undefined;
    const expectedPath = path.join(outputDir, name);
    const written = existsSync(expectedPath) ? new Uint8Array(await readFile(expectedPath)) : undefined;
    if (result?.status === "fulfilled" && result.path === expectedPath && written && Buffer.from(written).equals(bytes)) exact++;
    else wrong.push(name);
  }
  findings.push({
    ok: wrong.length === 0,
    text: wrong.length === 0 ? `all ${files.size} files downloaded byte for byte into ${path.basename(outputDir)}/` : `${exact} of ${files.size} files downloaded byte for byte; wrong or missing: ${wrong.join(", ")}`,
  });
  const missing = Array.isArray(results) ? results.find((r) => r.url.endsWith(`/${MISSING}`)) : undefined;
  const leftover = existsSync(path.join(outputDir, MISSING));
  findings.push({
    ok: missing?.status === "rejected" && missing.reason instanceof Error && missing.reason.message.includes(missing.url) && missing.reason.message.includes("404") && !leftover,
    text: `the 404 is a rejected result naming the URL and the status, with no file left${missing?.status === "rejected" ? ` (reason: "${missing.reason?.message}")` : ""}${leftover ? " — but a file was left" : ""}`,
  });
  findings.push({ ok: timeline.maxInFlight <= limit, text: `never more than ${limit} requests in flight (most seen at once: ${timeline.maxInFlight})` });
  findings.push({
    ok: timeline.maxInFlight >= Math.min(limit, urls.length),
    text: `the window was filled: ${timeline.maxInFlight} of ${limit} requests in flight at the busiest moment`,
  });
  findings.push(judgeWindow(timeline, limit, latency, { exercise: "01", busy: "a download", refill: "Start the next download as soon as any one finishes, not when a whole group has finished" }));
  return findings;
}
