/**
 * npm run try: the reference solutions, run against a real local server and a real folder, show the same
 * outcomes the graders check with mocks — so the mocks never drift from reality. Wrong implementations are
 * caught for real too. Latencies are small (5–20 ms); every run is bounded in time.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { DOWNLOAD_FAST, tryDownload, type DownloadFiles } from "../../graders/harness/help/try/download.ts";
import { ENRICH_FAST, tryEnrich, type EnrichCsv } from "../../graders/harness/help/try/enrich.ts";
import type { Outcome } from "../../graders/harness/help/try/outcome.ts";
import { RETRY_FAST, tryRetry, waitLooksRight, type RetryAsync } from "../../graders/harness/help/try/retry.ts";
import { bar, Timeline } from "../../graders/harness/help/try/timeline.ts";
import * as solution01 from "../../solutions/01-download-files.ts";
import * as solution02 from "../../solutions/02-enrich-csv.ts";
import * as solution03 from "../../solutions/03-retry-async.ts";

function collect() {
  const lines: string[] = [];
  return { lines, print: (line: string) => void lines.push(line) };
}

function failed(o: Outcome): string[] {
  return o.findings.filter((f) => !f.ok).map((f) => f.text);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await run();
  return { result, ms: performance.now() - start };
}

describe("timeline", () => {
  test("bar: in flight against the limit, and over it", () => {
    expect(bar(2, 4)).toBe("■■□□  2/4");
    expect(bar(0, 3)).toBe("□□□  0/3");
    expect(bar(6, 4)).toBe("■■■■■■  6/4  over the limit!");
  });

  test("counts requests in flight and the most at once", () => {
    const { lines, print } = collect();
    const t = new Timeline(print, 2);
    t.begin("a");
    t.begin("b");
    t.end("a");
    t.begin("c");
    t.end("b");
    t.note("done");
    expect(t.maxInFlight).toBe(2);
    expect(t.inFlight).toBe(1);
    expect(lines[1]).toMatch(/^ +\d+ ms {2}→ b +■■ {2}2\/2$/);
    expect(lines.at(-1)).toMatch(/^ +\d+ ms {2}done$/);
  });

  test("waitLooksRight: never shorter than asked, not much longer", () => {
    expect(waitLooksRight(100, 100)).toBe(true);
    expect(waitLooksRight(99, 100)).toBe(true);
    expect(waitLooksRight(150, 100)).toBe(true);
    expect(waitLooksRight(90, 100)).toBe(false);
    expect(waitLooksRight(201, 100)).toBe(false);
  });
});

describe("03 retry: the reference solution against a real flaky endpoint", () => {
  test("succeeds after the flaky failures with doubling waits; rejects with the last error, at once", async () => {
    const { lines, print } = collect();
    const { result, ms } = await timed(() => tryRetry(solution03.retryAsync, { print, ...RETRY_FAST }));
    expect(failed(result), lines.join("\n")).toEqual([]);
    expect(result.findings.map((f) => f.text)).toEqual(
      expect.arrayContaining([
        "/flaky: resolved with the answer of attempt 4",
        "/flaky: 4 attempts for 3 failures and a success; expected 4",
        "/flaky: attempt numbers passed to fn: [1, 2, 3, 4]",
        "/down: 3 attempts with maxAttempts 3; expected 3",
        "/down: rejected with the last attempt's error itself",
      ]),
    );
    expect(lines.filter((l) => l.includes("→ GET /flaky"))).toHaveLength(4);
    expect(lines.filter((l) => /… waited \d+ ms \(expected (30|60|120) ms\)/.test(l))).toHaveLength(5);
    expect(ms).toBeLessThan(10_000);
  });

  test("a constant backoff is caught for real", async () => {
    const constant: RetryAsync = async (fn, maxAttempts, backoffMs) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(attempt);
        } catch (error) {
          if (attempt >= maxAttempts) throw error;
          await sleep(backoffMs);
        }
      }
    };
    const { print } = collect();
    const misses = failed(await tryRetry(constant, { print, ...RETRY_FAST }));
    expect(misses.some((m) => m.startsWith("/flaky: waits between attempts"))).toBe(true);
  });

  test("a wait after the last failure is caught for real", async () => {
    const late: RetryAsync = async (fn, maxAttempts, backoffMs) => {
      let last: unknown;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
          return await fn(attempt);
        } catch (error) {
          last = error;
          await sleep(backoffMs * 2 ** (attempt - 1));
        }
      }
      throw last;
    };
    const { print } = collect();
    const misses = failed(await tryRetry(late, { print, ...RETRY_FAST }));
    expect(misses.some((m) => m.startsWith("/down: rejected") && m.includes("after the last failure"))).toBe(true);
  });
});

test("03: a retryAsync that rejects without calling fn gets no 'rejected NaN ms': that timing is said to be unjudged", async () => {
  const never: RetryAsync = async () => {
    throw new Error("gave up before trying");
  };
  const { print } = collect();
  const result = await tryRetry(never, { print, ...RETRY_FAST });
  const texts = result.findings.map((f) => f.text);
  expect(texts.join("\n")).not.toMatch(/NaN/);
  expect(result.findings.find((f) => f.text.startsWith("/down: how soon"))?.unjudged).toBe(true);
  expect(result.ok).toBe(false);
});

describe("01 download: the reference solution against a real file server and a real folder", () => {
  test("all files byte-exact, the 404 isolated, never more than the limit in flight and the window used", async () => {
    const { lines, print } = collect();
    const { result, ms } = await timed(() => tryDownload(solution01.downloadFiles, { print, ...DOWNLOAD_FAST }));
    expect(failed(result), lines.join("\n")).toEqual([]);
    const texts = result.findings.map((f) => f.text);
    expect(texts).toContain(`never more than ${DOWNLOAD_FAST.maxConcurrent} requests in flight (most seen at once: ${DOWNLOAD_FAST.maxConcurrent})`);
    expect(texts.some((t) => /^all \d+ files downloaded byte for byte/.test(t))).toBe(true);
    expect(lines.filter((l) => l.includes("→ GET"))).toHaveLength(DOWNLOAD_FAST.files + 3); // + logo.png, résumé.txt, missing.txt
    expect(ms).toBeLessThan(10_000);
  });

  test("unbounded Promise.all is caught for real", async () => {
    const unbounded: DownloadFiles = async (urls, outputDir) => {
      await mkdir(outputDir, { recursive: true });
      return Promise.all(
        urls.map(async (url) => {
          const response = await fetch(url);
          if (!response.ok) return { url, status: "rejected" as const, reason: new Error(`${url}: HTTP ${response.status}`) };
          const file = path.join(outputDir, decodeURIComponent(new URL(url).pathname.split("/").pop()!));
          await writeFile(file, new Uint8Array(await response.arrayBuffer()));
          return { url, status: "fulfilled" as const, path: file };
        }),
      );
    };
    const { lines, print } = collect();
    const misses = failed(await tryDownload(unbounded, { print, ...DOWNLOAD_FAST }));
    expect(misses).toEqual([expect.stringMatching(/^never more than 3 requests in flight \(most seen at once: \d+\)$/)]);
    expect(lines.some((l) => l.includes("over the limit!"))).toBe(true);
  });

  test("text instead of bytes is caught for real", async () => {
    const text: DownloadFiles = async (urls, outputDir, options) => {
      const results = await solution01.downloadFiles(urls, outputDir, options);
      for (const r of results) if (r.status === "fulfilled") await writeFile(r.path, await readFile(r.path, "utf8"));
      return results;
    };
    const { print } = collect();
    const misses = failed(await tryDownload(text, { print, ...DOWNLOAD_FAST }));
    expect(misses).toEqual([expect.stringMatching(/files downloaded byte for byte; wrong or missing: .*part-01\.bin/)]);
  });
});

describe("02 enrich: the reference solution against a real enrich API and real files", () => {
  test("read === written + failed, the failing rows listed, every line merged, exactly `workers` in flight", async () => {
    const { lines, print } = collect();
    const { result, ms } = await timed(() => tryEnrich(solution02.enrichCsv, solution02.AsyncQueue, { print, ...ENRICH_FAST }));
    expect(failed(result), lines.join("\n")).toEqual([]);
    const texts = result.findings.map((f) => f.text);
    expect(texts.some((t) => /^read === written \+ failed: (\d+) === (\d+) \+ 2/.test(t))).toBe(true);
    expect(texts).toContain(`never more than ${ENRICH_FAST.workers} requests in flight (most seen at once: ${ENRICH_FAST.workers})`);
    expect(lines.some((l) => l.includes("dropped the connection"))).toBe(true);
    expect(lines.some((l) => /← 500 id=/.test(l))).toBe(true);
    expect(ms).toBeLessThan(10_000);
  });

  test("one request per row at once is caught for real", async () => {
    const unbounded: EnrichCsv = async (input, output, { apiUrl }) => {
      const [header, ...rows] = (await readFile(input, "utf8")).split("\n").filter((l) => l.trim());
      const names = header!.split(",");
      const failedRows: { id: string; reason: string }[] = [];
      const out: string[] = [];
      await Promise.all(
        rows.map(async (line) => {
          const row = Object.fromEntries(line.split(",").map((v, i) => [names[i]!, v]));
          try {
            const response = await fetch(`${apiUrl}/enrich?id=${encodeURIComponent(row.id!)}`);
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            out.push(JSON.stringify({ ...row, ...((await response.json()) as object) }));
          } catch (error) {
            failedRows.push({ id: row.id!, reason: String(error) });
          }
        }),
      );
      await writeFile(output, out.map((l) => l + "\n").join(""));
      return { read: rows.length, written: out.length, failed: failedRows };
    };
    const { print } = collect();
    const misses = failed(await tryEnrich(unbounded, undefined, { print, ...ENRICH_FAST }));
    expect(misses).toEqual([expect.stringMatching(/^never more than 3 requests in flight \(most seen at once: ([4-9]|1\d)\)$/)]);
  });
});

describe("npm run try (the command)", () => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, ["--import", "tsx", "graders/harness/help/try/main.ts", ...args], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] }) };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };

  test("with the stubs: not started yet, exit 1", () => {
    const { code, out } = run(["03", "--fast"]);
    expect(code).toBe(1);
    expect(out).toContain("✗ not started yet — open exercises/03-retry-async.ts");
    expect(out).toContain("Nothing to watch yet: write the function first, then try again. Stuck? `npm run hint -- 03`");
    expect(out).not.toContain("Something differs");
  });

  test("--target solutions: the live timeline and exit 0", () => {
    const { code, out } = run(["retry-async", "--target", "solutions", "--fast"]);
    expect(out).toContain("→ GET /flaky  (request 1)");
    expect(out).toContain("For real, your code does what the graders check.");
    expect(code).toBe(0);
  });

  /** A folder with the solutions and one known submission in place of its exercise's file. */
  const withKnown = (exercise: string, name: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "try-known-"));
    for (const file of readdirSync(path.join(REPO_ROOT, "solutions"))) cpSync(path.join(REPO_ROOT, "solutions", file), path.join(dir, file));
    cpSync(path.join(REPO_ROOT, "fixtures", exercise, "submissions", `${name}.ts`), path.join(dir, `${exercise}.ts`));
    return dir;
  };

  test("judges as the graders do, never praising what they fail: 01 in fixed batches and 02 without backpressure exit 1", () => {
    const batches = run(["01", "--target", withKnown("01-download-files", "wrong-fixed-batches")]);
    expect(batches.out).toMatch(/✗ not a sliding window: while work was left, \d+% of the window stood empty/);
    expect(batches.out).not.toContain("🎉");
    expect(batches.code).toBe(1);
    const unbounded = run(["02", "--target", withKnown("02-enrich-csv", "wrong-unbounded-queue")]);
    expect(unbounded.out).toMatch(/✗ no backpressure: when the first answer came back, the producer had already called put\(\) \d+ times for 16 rows/);
    expect(unbounded.code).toBe(1);
    const solved = run(["02", "--target", "solutions"]);
    expect(solved.out).toMatch(/✓ backpressure: .* called put\(\) [1-6] times/);
    expect(solved.out).toMatch(/✓ a sliding window/);
    expect(solved.code).toBe(0);
  });

  test("with --fast, what try cannot judge is marked as such, never praised as checked", () => {
    const { code, out } = run(["01", "--target", "solutions", "--fast"]);
    expect(out).toContain("– sliding window vs batches: not judged with --fast");
    expect(out).toContain("what try could judge matches the graders");
    expect(out).not.toContain("🎉");
    expect(code).toBe(0);
  });

  test("a loop that never ends is stopped at the time limit, said so, exit 1", () => {
    const dir = withKnown("03-retry-async", "wrong-linear-backoff");
    cpSync(path.join(REPO_ROOT, "fixtures/03-retry-async/hostile/sync-infinite-loop.ts"), path.join(dir, "03-retry-async.ts"));
    const { code, out } = run(["03", "--target", dir, "--fast"], { GRADE_TRY_LIMIT_MS: "3000" });
    expect(out).toContain("✗ stopped after 3 s: your code was still running. A loop that never ends?");
    expect(code).toBe(1);
  });

  test("usage errors", () => {
    expect(run(["07"])).toMatchObject({ code: 2, out: expect.stringContaining('unknown exercise "07"') });
    expect(run([]).code).toBe(2);
  });
});
