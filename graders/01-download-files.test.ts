/**
 * Grader for exercise 01 — downloadFiles (35 points).
 * The network is MSW and the disk is a fresh in-memory memfs volume for every check: nothing reaches the
 * real network or the real disk. Concurrency is measured with gates: the mock server holds each request
 * until the check releases it, so the check counts exactly how many requests are in flight after the
 * learner's code has run to quiescence (flush). No real sleeps, no timing thresholds.
 * Disk paths are POSIX (memfs's own form, on every OS); a path the learner returns is compared with
 * isDiskPath, so `path.join` (`\downloads\a.txt` on Windows) and `${dir}/${name}` both name the file.
 * How the checks drive downloadFiles (runs, the mock server, the sliding window) is in
 * graders/support/01-download-files.ts.
 */
import path from "node:path";
import type * as Exercise from "../exercises/01-download-files.ts";
import { useVirtualClock } from "./harness/authoring/clock.ts";
import { diskFiles, diskFs, holdWrites, isDiskPath, readDiskFile, writeDiskFile } from "./harness/sandbox/disk.ts";
import { expectThat, plural, show, showError } from "./harness/authoring/feedback.ts";
import { defineExercise } from "./harness/authoring/grader.ts";
import { recordTimeline } from "./harness/authoring/timeline.ts";
import { slidingWindowSpans } from "./harness/core/timeline.ts";
import { HttpResponse, http, useNetwork } from "./harness/authoring/network.ts";
import {
  DIR, LOGO, describeFile, describeRun, idealTimeline, newestFirst, oldestFirst, onRealDisk, pseudoRandomBytes, removeFromRealDisk,
  resultFor, resultsOf, showResult, showResults, site, strayFiles, text, useDownloads, type Pick, type Run, type WindowReport,
} from "./support/01-download-files.ts";

const { check, load } = defineExercise<typeof Exercise>("01-download-files");
// A correct solution may drop an error page with `await res.body?.cancel()`: MSW's copy must not block it.
const net = useNetwork({ drainResponseCopies: true });
// Timers are virtual: a solution that waits with setTimeout (polling for a free slot…) is driven by flush().
const clock = useVirtualClock();
const { start, download, flush, gated, streamed, serve, driveWindow } = useDownloads({ load, net, clock });

function expectResolved(run: Run, count: number, what: string): Record<string, unknown>[] {
  const results = resultsOf(run);
  expectThat(results !== undefined && results.length === count, {
    observed: `${what}: downloadFiles ${describeRun(run)}`,
    expected: `to resolve with ${plural(count, "result")}, one per URL`,
    hint:
      run.state === "rejected"
        ? "catch the error of each download and turn it into a { status: \"rejected\" } result; the others must still complete"
        : run.state === "pending"
          ? "resolve once every download has finished or failed (await them all, e.g. with Promise.all)"
          : "return one result per URL",
  });
  return results;
}

function expectFulfilled(run: Run, url: string, file: string, what: string): void {
  const r = resultFor(run, url);
  expectThat(r?.status === "fulfilled" && isDiskPath(r.path, file), {
    observed: `${what}: the result for ${url} is ${r ? showResult(r, url) : "missing"}`,
    expected: `{ url: ${show(url)}, status: "fulfilled", path: ${show(file)} }`,
    hint: "path = path.posix.join(outputDir, filename)",
  });
}

function expectFile(file: string, bytes: Uint8Array, what: string): void {
  const got = readDiskFile(file);
  expectThat(got !== undefined && Buffer.compare(got, Buffer.from(bytes)) === 0, {
    observed: `${what}: ${describeFile(file, got, bytes)}`,
    expected: `${file} to hold the ${plural(bytes.length, "byte")} the server sent, unchanged`,
    hint: "write the response body itself (a Buffer / Uint8Array, or a stream), never a decoded string",
  });
}

// ---------------------------------------------------------------------------------------------------------
// The sliding window

function expectWindow(report: WindowReport, count: number, limit: number, setup: string): void {
  const { problem, gates, run } = report;
  recordTimeline({ title: setup, axis: "step", layout: "lanes", limit, observed: { spans: gates.spans }, expected: { spans: report.expected } });
  expectThat(!problem, {
    observed: `${setup}: in flight: ${gates.describeTimeline(limit)}; ${problem?.text}`,
    expected: `in flight: ${idealTimeline(count, limit)}, never more than ${limit} and ${limit} whenever that many downloads remain`,
    hint:
      problem?.kind === "over"
        ? `count the downloads in flight and start a new one only while fewer than ${limit} are running`
        : gates.peak < Math.min(limit, count)
          ? `start up to ${limit} downloads right away instead of one after the other`
          : "start the next download as soon as any one finishes (a sliding window), not when a whole batch has",
  });
  expectResolved(run, count, setup);
}

check("default-window", "keeps exactly 5 downloads in flight by default (12 URLs)", 3, async () => {
  const report = await driveWindow(site("default-window"), 12, 5, undefined, oldestFirst);
  expectWindow(report, 12, 5, "with 12 URLs and no options");
});

check("sliding-window", "starts the next download as soon as any one finishes: a sliding window, not batches", 3, async () => {
  // The newest request is answered first: a window that waits for the oldest one, or for a whole batch, stalls.
  const report = await driveWindow(site("sliding-window"), 9, 3, { maxConcurrent: 3 }, newestFirst);
  expectWindow(report, 9, 3, "with 9 URLs and maxConcurrent 3, answering the newest request first");
});

check("other-limits", "respects maxConcurrent 2 and 8, and starts every URL when there are fewer", 2, async () => {
  const cases: [count: number, limit: number, pick: Pick][] = [
    [6, 2, oldestFirst],
    [12, 8, newestFirst],
    [3, 8, oldestFirst],
  ];
  for (const [count, limit, pick] of cases) {
    const name = `limit-${limit}-of-${count}`;
    const report = await driveWindow(`${site("other-limits")}/${name}`, count, limit, { maxConcurrent: limit }, pick, `${DIR}/${name}`);
    expectWindow(report, count, limit, `with ${count} URLs and maxConcurrent ${limit}`);
  }
});

check("window-with-failures", "keeps the window exact when downloads fail: a failed download frees exactly one slot", 2, async () => {
  // Every third URL fails when answered (a 404, or the connection drops): a limiter that frees a slot twice
  // on failure, or never, shows here.
  const fails = (url: URL) => /file-(03|06|09)/.test(url.pathname);
  const respond = (url: URL): Response =>
    !fails(url) ? new HttpResponse(text(`contents of ${url.pathname}`)) : url.pathname.includes("06") ? HttpResponse.error() : new HttpResponse("Not Found", { status: 404 });
  const report = await driveWindow(site("window-with-failures"), 10, 3, { maxConcurrent: 3 }, oldestFirst, DIR, respond);
  expectWindow(report, 10, 3, "with 10 URLs and maxConcurrent 3, URLs 3 and 9 answering 404 and URL 6 dropping its connection");
});

check("slot-until-written", "a download holds its slot until its file is written: while writes are slow, no new request starts", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("slot-until-written");
  const names = ["w-1.txt", "w-2.txt", "w-3.txt", "w-4.txt", "w-5.txt"];
  serve(base, Object.fromEntries(names.map((n) => [`/${n}`, `body of ${n}`])));
  // Every response arrives at once; every write to the disk waits until the check lets it finish.
  const writes = holdWrites();
  const run = await start(names.map((n) => `${base}/${n}`), DIR, { maxConcurrent: 2 });
  const complete = () => names.filter((n) => {
    const file = path.posix.join(DIR, n);
    return readDiskFile(file)?.toString() === `body of ${n}` && !writes.waiting.some((w) => isDiskPath(w.file, file));
  }).length;
  const timeline: string[] = [];
  for (let round = 0; round < 50; round++) {
    await flush();
    const written = complete();
    timeline.push(`${net.requests.length} requested / ${written} written`);
    expectThat(net.requests.length <= 2 + written, {
      observed: `with 5 URLs, maxConcurrent 2 and slow disk writes: ${timeline.join(", ")} — ${net.requests.length - written} downloads were holding a slot`,
      expected: "at most 2 downloads between their request and the end of their file's write: requests made ≤ 2 + files completely written",
      hint: "free the slot only after the file is completely written (await the write, or the stream's 'finish'), not once the body has been read",
    });
    const next = writes.waiting[0];
    if (!next) break;
    next.release();
  }
  writes.releaseAll();
  await flush();
  expectResolved(run, 5, "with slow disk writes");
});

check("one-at-a-time", "with maxConcurrent 1, starts each download only after the previous file is written", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("one-at-a-time");
  const bodies = streamed(`${base}/*`, (url) => text(`${url.pathname} `.repeat(200)));
  const urls = ["a", "b", "c", "d"].map((n) => `${base}/part-${n}.txt`);
  const run = await start(urls, DIR, { maxConcurrent: 1 });
  try {
    for (let finished = 0; finished < urls.length; finished++) {
      await flush();
      const started = bodies.downloads.length;
      expectThat(started === finished + 1, {
        observed:
          started > finished + 1
            ? `with 4 URLs and maxConcurrent 1, ${plural(started, "request")} had started while the body of file ${finished + 1} was still arriving (in flight: ${bodies.timeline.join(" ")} (limit 1))`
            : finished === 0
              ? "with 4 URLs and maxConcurrent 1, no request started"
              : `with 4 URLs and maxConcurrent 1, once file ${finished} was written no request followed (${started} of 4 started)`,
        expected: `request ${finished + 1} only, the next one once file ${finished + 1} is completely written`,
        hint:
          started > finished + 1
            ? "never more than maxConcurrent downloads at once, and a download holds its slot until its file is completely written (not just until the response headers arrive)"
            : "start the next download as soon as the previous one has finished",
      });
      bodies.downloads[finished]!.release();
    }
  } finally {
    // The picture of what happened, however the loop ended: each body's second half released one step at a time.
    await flush();
    const expected = slidingWindowSpans(4, 1, false, (i) => `part-${"abcd"[i]}.txt`);
    recordTimeline({ title: "4 URLs, maxConcurrent 1, each body's second half held until released", axis: "step", layout: "lanes", limit: 1, observed: { spans: bodies.spans }, expected: { spans: expected } });
  }
  expectResolved(run, 4, "with maxConcurrent 1");
});

// ---------------------------------------------------------------------------------------------------------
// Results and files

check("results-order", "resolves with one result per URL in input order, each file holding its own body", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("results-order");
  const names = ["alpha.txt", "bravo.txt", "charlie.txt", "delta.txt", "echo.txt", "foxtrot.txt"];
  const urls = names.map((n) => `${base}/reports/${n}`);
  const gates = gated(`${base}/*`);
  const run = await start(urls, DIR, { maxConcurrent: 6 });
  // Answered in reverse order: the last URL finishes first.
  for (let i = 0; i < 3 * names.length; i++) {
    await flush();
    if (!gates.waiting.length) break;
    newestFirst(gates.waiting).release();
  }
  const results = expectResolved(run, names.length, "with 6 URLs answered last one first");
  const expected = names.map((n, i) => ({ url: urls[i], status: "fulfilled", path: path.posix.join(DIR, n) }));
  const same = results.every((r, i) => r?.url === expected[i]!.url && r.status === "fulfilled" && isDiskPath(r.path, expected[i]!.path));
  expectThat(same, {
    observed: `with 6 URLs answered last one first, downloadFiles resolved with ${showResults(results)}`,
    expected: `${showResults(expected)} (the order of the URLs, each { url, status: "fulfilled", path })`,
    hint: "store each result at the index of its URL (results[i] = …) instead of pushing results as downloads finish",
  });
  for (const [i, n] of names.entries()) {
    expectFile(path.posix.join(DIR, n), text(`contents of ${new URL(urls[i]!).pathname}`), "with 6 URLs answered last one first");
  }
});

check("binary-safe", "writes binary bodies byte for byte (a PNG, 256 KiB of random bytes)", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("binary-safe");
  const random = pseudoRandomBytes(256 * 1024, 0x01d0f11e);
  serve(base, { "/img/logo.png": LOGO, "/data/random.bin": random });
  const run = await download([`${base}/img/logo.png`, `${base}/data/random.bin`], DIR);
  expectResolved(run, 2, "downloading a PNG and a 256 KiB binary file");
  expectFile(path.posix.join(DIR, "logo.png"), LOGO, "downloading a 1328-byte PNG (not valid UTF-8)");
  expectFile(path.posix.join(DIR, "random.bin"), random, "downloading 256 KiB of random bytes sent in 16 KiB chunks");
});

check("http-errors", "reports a 404 or 500 as a rejected result naming URL and status, leaves no file, finishes the rest", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("http-errors");
  serve(base, {
    "/ok-1.txt": "first",
    "/missing.txt": { status: 404, body: "<h1>Not Found</h1>" },
    "/ok-2.txt": "second",
    "/broken.bin": { status: 500, body: "Internal Server Error" },
    "/ok-3.txt": "third",
    "/gone.txt": { status: 404, body: null },
  });
  const urls = ["ok-1.txt", "missing.txt", "ok-2.txt", "broken.bin", "ok-3.txt", "gone.txt"].map((n) => `${base}/${n}`);
  const run = await download(urls, DIR);
  const what = "with two 404s (one with no body at all) and a 500 among 6 URLs";
  expectResolved(run, 6, what);
  for (const [n, status] of [["missing.txt", 404], ["broken.bin", 500], ["gone.txt", 404]] as const) {
    const url = `${base}/${n}`;
    const r = resultFor(run, url);
    expectThat(r?.status === "rejected" && r.reason instanceof Error, {
      observed: `${what}: the result for ${url} (HTTP ${status}) is ${r ? showResult(r, url) : "missing"}`,
      expected: `{ url, status: "rejected", reason: an Error }`,
      hint: "fetch does not reject on 404 or 500: check response.ok (or the status code) yourself",
    });
    const message = (r.reason as Error).message;
    expectThat(message.includes(url) && message.includes(String(status)), {
      observed: `${what}: the reason for ${url} is ${showError(r.reason)}`,
      expected: `a message containing the URL and ${status}, e.g. "${url}: HTTP ${status}"`,
      hint:
        n === "gone.txt"
          ? "this 404 has no body at all (response.body is null): do not touch the body before building the message (`await response.body?.cancel()`), and build it yourself: `${url}: HTTP ${response.status}`"
          : "build the message yourself: `${url}: HTTP ${response.status}`",
    });
  }
  const ok = { [path.posix.join(DIR, "ok-1.txt")]: "first", [path.posix.join(DIR, "ok-2.txt")]: "second", [path.posix.join(DIR, "ok-3.txt")]: "third" };
  const stray = strayFiles(ok);
  expectThat(stray.length === 0, {
    observed: `${what}: ${stray.join(", ")} ${stray.length === 1 ? "is" : "are"} on disk`,
    expected: "no file at all for a failed download (not even an empty one)",
    hint: "check the status before creating the file; if writing fails halfway, delete what was written",
  });
  for (const [file, body] of Object.entries(ok)) {
    expectFulfilled(run, `${base}/${path.posix.basename(file)}`, file, what);
    expectFile(file, text(body), what);
  }
});

check("any-2xx", "saves the body of any 2xx answer (201, 203, 204 with no body, an empty 200) as the file", 1, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("any-2xx");
  const cases: [name: string, status: number, body: string | null][] = [
    ["created.json", 201, '{"id":7}'],
    ["cached.txt", 203, "from a cache"],
    ["no-content.txt", 204, null],
    ["empty.txt", 200, ""],
  ];
  serve(base, Object.fromEntries(cases.map(([n, status, body]) => [`/${n}`, { status, body }])));
  const run = await download(cases.map(([n]) => `${base}/${n}`), DIR);
  const what = "with answers 201, 203, 204 (no body) and an empty 200";
  expectResolved(run, cases.length, what);
  for (const [n, status, body] of cases) {
    const file = path.posix.join(DIR, n);
    const r = resultFor(run, `${base}/${n}`);
    expectThat(r?.status === "fulfilled" && isDiskPath(r.path, file) && readDiskFile(file)?.toString() === (body ?? ""), {
      observed: `${what}: the result for the ${status} answer ${base}/${n} is ${r ? showResult(r, `${base}/${n}`) : "missing"}${readDiskFile(file) === undefined ? `, and there is no file ${file}` : ""}`,
      expected: `{ status: "fulfilled", path: ${show(file)} } and the file holding ${body ? show(body) : "nothing (an empty file)"}`,
      hint: "every 2xx status is a success (response.ok), not only 200; a body that is empty, or absent as with 204, makes an empty file",
    });
  }
});

check("network-errors", "reports a network error as a rejected result naming the URL, leaves no file, finishes the rest", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("network-errors");
  serve(base, { "/before.txt": "before", "/offline.bin": "network error", "/after.txt": "after" });
  const urls = ["before.txt", "offline.bin", "after.txt"].map((n) => `${base}/${n}`);
  const run = await download(urls, DIR);
  const what = "when the connection for one of 3 URLs fails";
  expectResolved(run, 3, what);
  const url = `${base}/offline.bin`;
  const r = resultFor(run, url);
  expectThat(r?.status === "rejected" && r.reason instanceof Error && r.reason.message.includes(url), {
    observed: `${what}: the result for ${url} is ${r ? showResult(r, url) : "missing"}`,
    expected: `{ url, status: "rejected", reason: an Error whose message contains ${url} }`,
    hint: "catch the error of each request and wrap it: new Error(`${url}: ${error.message}`, { cause: error })",
  });
  const ok = { [path.posix.join(DIR, "before.txt")]: "before", [path.posix.join(DIR, "after.txt")]: "after" };
  const stray = strayFiles(ok);
  expectThat(stray.length === 0, {
    observed: `${what}: ${stray.join(", ")} ${stray.length === 1 ? "is" : "are"} on disk`,
    expected: "no file at all for a failed download (not even an empty one)",
    hint: "create the file only once the response has arrived, and remove it if the download fails",
  });
  for (const [file, body] of Object.entries(ok)) {
    expectFulfilled(run, `${base}/${path.posix.basename(file)}`, file, what);
    expectFile(file, text(body), what);
  }
});

check("creates-dir", "creates a missing outputDir with its parents, and accepts one that exists", 2, async () => {
  const base = site("creates-dir");
  serve(base, { "/a.txt": "A", "/b.txt": "B", "/c.txt": "C" });
  const dir = "/home/learner/downloads/2024/june";
  const first = await download([`${base}/a.txt`, `${base}/b.txt`], dir);
  const what = `when ${dir} does not exist (nor its parents)`;
  expectResolved(first, 2, what);
  for (const n of ["a.txt", "b.txt"]) {
    const r = resultFor(first, `${base}/${n}`);
    expectThat(r?.status === "fulfilled" && readDiskFile(path.posix.join(dir, n)) !== undefined, {
      observed: `${what}: the result for ${base}/${n} is ${r ? showResult(r, `${base}/${n}`) : "missing"}`,
      expected: `${path.posix.join(dir, n)} written, with its parent folders created`,
      hint: "create outputDir first with mkdir(outputDir, { recursive: true })",
    });
  }
  const again = await download([`${base}/c.txt`], dir);
  const r = resultFor(again, `${base}/c.txt`);
  expectThat(r?.status === "fulfilled" && readDiskFile(path.posix.join(dir, "c.txt"))?.toString() === "C", {
    observed: `calling downloadFiles again with the same outputDir, now existing: ${describeRun(again)}`,
    expected: `${path.posix.join(dir, "c.txt")} written`,
    hint: "mkdir with { recursive: true } does not fail when the folder already exists",
  });
});

check("output-dir-forms", "path is exactly path.join(outputDir, filename) for a relative outputDir and one ending in /", 1, async () => {
  const base = site("output-dir-forms");
  serve(base, { "/a.txt": "A" });
  for (const dir of ["downloads/today", "./exports", "/downloads/2024/"]) {
    diskFs().mkdirSync(dir, { recursive: true }); // (creating outputDir is another check's)
    const run = await download([`${base}/a.txt`], dir);
    const file = path.posix.join(dir, "a.txt");
    const r = resultFor(run, `${base}/a.txt`);
    expectThat(r?.status === "fulfilled" && isDiskPath(r.path, file) && readDiskFile(file)?.toString() === "A", {
      observed: `with outputDir ${show(dir)}: downloadFiles ${describeRun(run)}`,
      expected: `{ url: ${show(`${base}/a.txt`)}, status: "fulfilled", path: ${show(file)} } (path.join(${show(dir)}, "a.txt")), the file written there`,
      hint: "build the path with path.join(outputDir, filename): it handles a relative outputDir and a trailing slash; a template string gives \"/downloads/2024//a.txt\"",
    });
  }
});

check("file-names", "names each file after the URL path's last segment, decoded, without query or fragment", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("file-names");
  serve(base, {
    "/docs/r%C3%A9sum%C3%A9.pdf": "%PDF-1.7 resume",
    "/reports/annual%20report%202024.txt": "annual",
    "/img/cat.png": "meow",
    "/export": "id,name",
  });
  const cases: [url: string, name: string][] = [
    [`${base}/docs/r%C3%A9sum%C3%A9.pdf?token=1#p`, "résumé.pdf"],
    [`${base}/reports/annual%20report%202024.txt?download=true`, "annual report 2024.txt"],
    [`${base}/img/cat.png#whiskers`, "cat.png"],
    [`${base}/export?format=csv&name=a%2Fb`, "export"],
  ];
  const run = await download(cases.map(([url]) => url), DIR);
  const what = "downloading URLs with a query, a fragment and percent-encoding";
  expectResolved(run, cases.length, what);
  for (const [url, name] of cases) {
    const file = path.posix.join(DIR, name);
    const r = resultFor(run, url);
    expectThat(r?.status === "fulfilled" && isDiskPath(r.path, file) && readDiskFile(file) !== undefined, {
      observed: `${url} gave ${r ? showResult(r, url) : "no result"}; files on disk: ${show(Object.keys(diskFiles()))}`,
      expected: `the file ${file}`,
      hint: "new URL(url).pathname drops the query and the fragment; decodeURIComponent turns %20 into a space",
    });
  }
});

check("unsafe-urls", "rejects invalid and unsafe URLs (../ traversal, empty name, not http) without a request", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  writeDiskFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  const base = site("unsafe-urls");
  serve(base, { "/files/safe-1.txt": "one", "/files/safe-2.txt": "two" });
  // https:// is as valid as http://: a solution that accepts only http: must not pass.
  const secureBase = base.replace(/^http:/, "https:");
  serve(secureBase, { "/files/safe-3.txt": "three" });
  const secure = `${secureBase}/files/safe-3.txt`;
  const unsafe = [
    `${base}/files/..%2F..%2Fetc%2Fpasswd`,
    `${base}/files/..%2Fdownloads-secret.txt`,
    `${base}/files/..%5C..%5Cwindows%5Cwin.ini`,
    `${base}/files/sub%2Fdir.txt`,
    `${base}/files/`,
    `${base}/files/%2E%2E`,
    `${base}`,
    `ftp://unsafe-urls.test/files/report.txt`,
    `file:///etc/hostname`,
    `not a url`,
    `/files/relative.txt`,
  ];
  const urls = [`${base}/files/safe-1.txt`, ...unsafe.slice(0, 6), `${base}/files/safe-2.txt`, ...unsafe.slice(6), secure];
  const run = await download(urls, DIR);
  const what = "with 11 invalid or unsafe URLs among 14";
  expectResolved(run, urls.length, what);
  // Every fetch counts, also one that fetch itself would refuse to send (ftp:, file:): the URL was not checked first.
  const requested = net.requests.filter((r) => !/safe-\d\.txt$/.test(r));
  expectThat(requested.length === 0, {
    observed: `${what}: your code called fetch (or http.get) for ${requested.length} of them: ${requested.map((r) => r.replace(/^[A-Z]+ /, "")).join(", ")}`,
    expected: "no fetch for a URL that is not http(s) or has no safe file name: check it first",
    hint: "work out and check the file name before fetching: reject it if it is empty, \".\" or \"..\", or contains / or \\ after decoding",
  });
  const accepted = unsafe.filter((url) => {
    const r = resultFor(run, url);
    return !(r?.status === "rejected" && r.reason instanceof Error);
  });
  expectThat(accepted.length === 0, {
    observed: `${what}: ${accepted.map((url) => { const r = resultFor(run, url); return r ? showResult(r) : `no result for ${show(url)}`; }).join("; ")}`,
    expected: `{ url, status: "rejected", reason: an Error } for each of them`,
    hint: "new URL(url) throws for an invalid URL; check the protocol is http: or https:, and the decoded name",
  });
  const passwd = readDiskFile("/etc/passwd")?.toString();
  const stray = strayFiles({ "/etc/passwd": 1, [path.posix.join(DIR, "safe-1.txt")]: 1, [path.posix.join(DIR, "safe-2.txt")]: 1, [path.posix.join(DIR, "safe-3.txt")]: 1 });
  expectThat(stray.length === 0 && passwd === "root:x:0:0:root:/root:/bin/bash\n", {
    observed: `${what}: ${[...stray, ...(passwd?.startsWith("root:") ? [] : ["/etc/passwd was overwritten"])].join(", ")} written`,
    expected: "nothing written for them (path.posix.join(outputDir, \"../../etc/passwd\") is /etc/passwd)",
    hint: "never use a name containing / or \\ once decoded",
  });
  expectFulfilled(run, `${base}/files/safe-1.txt`, path.posix.join(DIR, "safe-1.txt"), what);
  expectFulfilled(run, `${base}/files/safe-2.txt`, path.posix.join(DIR, "safe-2.txt"), what);
  const sr = resultFor(run, secure);
  expectThat(sr?.status === "fulfilled" && isDiskPath(sr.path, path.posix.join(DIR, "safe-3.txt")), {
    observed: `${what}: the result for ${secure} is ${sr ? showResult(sr, secure) : "missing"}`,
    expected: `{ url: ${show(secure)}, status: "fulfilled", path: ${show(path.posix.join(DIR, "safe-3.txt"))} }: an https:// URL is downloaded like an http:// one`,
    hint: "accept both protocols: url.protocol === \"http:\" || url.protocol === \"https:\"",
  });
});

// ---------------------------------------------------------------------------------------------------------
// Arguments, completion, sandbox

check("range-error", "rejects with RangeError for a maxConcurrent that is not a positive integer, before any request (even for [])", 1, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("range-error");
  serve(base, { "/a.txt": "A", "/b.txt": "B" });
  const cases: [urls: string[], maxConcurrent: number][] = [0, -1, 2.5, NaN, Infinity].map((n) => [[`${base}/a.txt`, `${base}/b.txt`], n]);
  cases.push([[], 0], [[], -1]);
  for (const [urls, maxConcurrent] of cases) {
    const before = net.requests.length;
    const run = await download(urls, DIR, { maxConcurrent });
    const requests = net.requests.length - before;
    expectThat(run.state === "rejected" && run.reason instanceof RangeError && requests === 0, {
      observed: `with ${urls.length ? `${urls.length} URLs` : "no URLs ([])"} and maxConcurrent ${maxConcurrent}, downloadFiles ${describeRun(run)}${requests ? ` after ${plural(requests, "request")}` : ""}`,
      expected: "a promise rejected with a RangeError, and no request",
      hint:
        run.state === "threw"
          ? "report errors through the promise: in an async function, `throw new RangeError(…)` rejects it"
          : "check Number.isInteger(maxConcurrent) && maxConcurrent >= 1 before anything else (even before returning [] for no URLs), and throw a RangeError otherwise",
    });
  }
});

check("empty-input", "resolves with [] for no URLs, without a request", 1, async () => {
  for (const options of [undefined, { maxConcurrent: 2 }]) {
    const run = await download([], DIR, options);
    const results = resultsOf(run);
    expectThat(results !== undefined && results.length === 0 && net.requests.length === 0, {
      observed: `downloadFiles([], "${DIR}"${options ? ", { maxConcurrent: 2 }" : ""}) ${describeRun(run)}${net.requests.length ? ` and made ${plural(net.requests.length, "request")}` : ""}`,
      expected: "to resolve with []",
      hint: "with no URLs there is nothing to wait for: make sure the promise still resolves (return [] early)",
    });
  }
});

check("waits-for-writes", "resolves only after the last byte of every file is written", 2, async () => {
  diskFs().mkdirSync(DIR, { recursive: true });
  const base = site("waits-for-writes");
  const bodyOf = (url: URL) => text(`${url.pathname} line\n`.repeat(3_000));
  const bodies = streamed(`${base}/*`, bodyOf, (url) => url.pathname.endsWith("slow.bin"));
  const urls = ["quick-1.bin", "slow.bin", "quick-2.bin"].map((n) => `${base}/${n}`);
  const run = await start(urls, DIR);
  await flush();
  expectThat(run.state === "pending", {
    observed: `while the second half of slow.bin was still on its way, downloadFiles had already ${describeRun(run)}`,
    expected: "to stay pending until every file is completely written",
    hint: "await the end of each write (await writeFile, or await pipeline(…) / the write stream's 'finish'); a bare .pipe() returns at once",
  });
  for (const d of bodies.held) d.release();
  await flush();
  expectResolved(run, 3, "once every body had arrived");
  const snapshot = run.snapshot ?? {};
  for (const url of urls) {
    const file = path.posix.join(DIR, path.posix.basename(url));
    const want = bodyOf(new URL(url));
    expectThat(snapshot[file] !== undefined && Buffer.compare(snapshot[file], Buffer.from(want)) === 0, {
      observed: `at the moment downloadFiles resolved, ${describeFile(file, snapshot[file], want)}`,
      expected: `${file} complete (${plural(want.length, "byte")}) before the promise resolves`,
      hint: "await every write before resolving: a write that is started but not awaited finishes after the caller has moved on",
    });
  }
});

check("absolute-dir", "saves into an absolute outputDir (/tmp/…) from a loopback URL (http://127.0.0.1:9/…)", 1, async () => {
  // Also the proof that the sandbox holds: the file lands in memory, not in the real /tmp, and the request
  // is answered by the mock server, not by port 9 of this machine.
  const root = `/tmp/course-01-sandbox-${process.pid}`;
  const dir = `${root}/downloads`;
  const existedBefore = onRealDisk(root);
  const url = "http://127.0.0.1:9/reports/q3-summary.pdf";
  const body = text("%PDF-1.4 quarterly summary");
  let answered = 0;
  net.use(
    http.get("http://127.0.0.1:9/*", () => {
      answered++;
      return new HttpResponse(body);
    }),
  );
  const run = await download([url], dir);
  const created = !existedBefore && onRealDisk(root);
  if (created) removeFromRealDisk(root);
  expectThat(!created, {
    observed: `${root} was created on the real disk`,
    expected: "every file written through node:fs or node:fs/promises (the grader keeps them in memory)",
    hint: "use node:fs or node:fs/promises to write files",
  });
  expectThat(answered === 1 && net.unexpected.length === 0, {
    observed: `the mock server answered ${plural(answered, "request")} for ${url}${net.unexpected.length ? `; other requests: ${net.unexpected.join(", ")}` : ""}`,
    expected: `one GET ${url}`,
    hint: "request exactly the URL you were given, with fetch or node:http",
  });
  expectResolved(run, 1, `downloading ${url} into ${dir}`);
  expectFulfilled(run, url, path.posix.join(dir, "q3-summary.pdf"), `downloading ${url} into ${dir}`);
  expectFile(path.posix.join(dir, "q3-summary.pdf"), body, `downloading ${url} into ${dir}`);
});
