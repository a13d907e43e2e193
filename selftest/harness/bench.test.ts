/**
 * The pure parts of npm run bench: statistics, options, tables and the report. A real bench run takes
 * minutes and depends on the machine, so it is not run here.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import { formatBytes, formatMs, formatRange, formatRate, formatRatio, markdownTable, verdict } from "../../tools/bench/format.ts";
import { failuresOf } from "../../tools/bench/measure.ts";
import { parseBenchArgs, runsForBatch } from "../../tools/bench/options.ts";
import { experimentsTable, htmlRows, loadWarning, renderReport, resultRows, shortModule, type BenchResult, type HtmlBench, type Machine } from "../../tools/bench/report.ts";
import { childrenCpuMsFromStat, isHighLoad, linearFit, median, pairedDifferences, pairedRatios, rotated, summarize } from "../../tools/bench/stats.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { buildReport } from "../../graders/harness/report/report.ts";

describe("statistics", () => {
  test("median of odd and even counts, whatever the order; NaN when empty", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  test("summarize: median, min, max and count of the finite samples", () => {
    expect(summarize([5, 1, 9, NaN, 3])).toEqual({ n: 4, median: 4, min: 1, max: 9 });
    const empty = summarize([NaN]);
    expect(empty.n).toBe(0);
    expect(empty.median).toBeNaN();
  });

  test("linear fit: an exact line, a noisy one, and too few distinct points", () => {
    const exact = linearFit([[1, 1200], [10, 6600], [50, 30600]]);
    expect(exact.slope).toBeCloseTo(600, 6);
    expect(exact.intercept).toBeCloseTo(600, 6);
    expect(exact.r2).toBeCloseTo(1, 9);
    const noisy = linearFit([[1, 1000], [1, 1400], [10, 6000], [10, 7000]]);
    expect(noisy.slope).toBeCloseTo((6500 - 1200) / 9, 6);
    expect(noisy.r2).toBeGreaterThan(0.9);
    expect(noisy.r2).toBeLessThan(1);
    expect(linearFit([[5, 1], [5, 2]]).slope).toBeNaN();
    expect(linearFit([[5, 1]]).r2).toBeNaN();
  });

  test("paired ratios and differences stop at the shorter list", () => {
    expect(pairedRatios([6, 9, 12], [2, 3])).toEqual([3, 3]);
    expect(pairedDifferences([6, 9, 12], [2, 3])).toEqual([4, 6]);
  });

  test("side by side, each thing measured comes first in turn: the order rotates every round", () => {
    expect([0, 1, 2, 3].map((round) => rotated(["empty", "a", "b"], round))).toEqual([
      ["empty", "a", "b"],
      ["a", "b", "empty"],
      ["b", "empty", "a"],
      ["empty", "a", "b"],
    ]);
    expect(rotated(["empty", "a", "b"], -1)).toEqual(["b", "empty", "a"]); // the untimed warm-up round
    expect(rotated([], 3)).toEqual([]);
  });

  test("load is high from half the cores", () => {
    expect(isHighLoad(0.9, 2)).toBe(false);
    expect(isHighLoad(1, 2)).toBe(true);
    expect(isHighLoad(7.6, 2)).toBe(true);
  });

  test("CPU time of exited children from /proc/<pid>/stat, even with spaces and parentheses in the name", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 200 0 0 50 7 312 45 20 0 11 0 12345";
    expect(childrenCpuMsFromStat(stat, 100)).toBe(3570);
    expect(childrenCpuMsFromStat(stat, 1000)).toBe(357);
    expect(childrenCpuMsFromStat("garbage")).toBeNaN();
  });
});

describe("formatting", () => {
  test("durations: ms below a second, then seconds with fewer decimals as they grow", () => {
    expect(formatMs(0)).toBe("0 ms");
    expect(formatMs(4.56)).toBe("4.6 ms");
    expect(formatMs(287.4)).toBe("287 ms");
    expect(formatMs(1234)).toBe("1.23 s");
    expect(formatMs(65_100)).toBe("65.1 s");
    expect(formatMs(NaN)).toBe("–");
  });

  test("sizes in decimal KB, as the 300 KB goal counts them", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(4_560)).toBe("4.6 KB");
    expect(formatBytes(187_400)).toBe("187 KB");
    expect(formatBytes(18_740_000)).toBe("18.74 MB");
    expect(formatBytes(NaN)).toBe("–");
  });

  test("ratios, rates and ranges", () => {
    expect(formatRatio(2.654)).toBe("2.65×");
    expect(formatRatio(123.4)).toBe("123×");
    expect(formatRatio(Infinity)).toBe("–");
    expect(formatRate(0.2134)).toBe("0.21/s");
    expect(formatRange(summarize([900, 1500, 1200]))).toBe("900 ms – 1.50 s");
    expect(formatRange(summarize([2.5]), formatRatio)).toBe("2.50×");
    expect(formatRange(summarize([]))).toBe("–");
  });

  test("a padded Markdown table, right-aligned where asked", () => {
    const table = markdownTable(["Measure", "Median"], [["grade", "5.97 s"], ["floor", "812 ms"]], ["left", "right"]);
    expect(table).toBe(
      ["| Measure | Median |", "| ------- | -----: |", "| grade   | 5.97 s |", "| floor   | 812 ms |"].join("\n"),
    );
    // Missing cells are blank; narrow columns are at least 3 wide (a valid rule).
    expect(markdownTable(["a", "b"], [["x"]])).toBe(["| a   | b   |", "| --- | --- |", "| x   |     |"].join("\n"));
  });

  test("verdicts against a goal", () => {
    expect(verdict(1.2, 1.3)).toBe("yes");
    expect(verdict(1.31, 1.3)).toBe("no");
    expect(verdict(2.5, 2, "at least")).toBe("yes");
    expect(verdict(0.2, 2, "at least")).toBe("no");
    expect(verdict(NaN, 1)).toBe("–");
  });

  test("module ids are shown from node_modules or from the repository", () => {
    expect(shortModule("/x/node_modules/msw/lib/core/index.mjs")).toBe("msw/lib/core/index.mjs");
    expect(shortModule(path.join(REPO_ROOT, "graders/harness/sandbox/setup.ts"))).toBe("graders/harness/sandbox/setup.ts");
    expect(shortModule("/elsewhere/a.ts", "/repo")).toBe("/elsewhere/a.ts");
  });
});

describe("options", () => {
  test("defaults: 3 runs, 9 saves, batches of 1, 10 and 50, 15 HTML samples, all sections, BENCHMARKS.md", () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ runs: 3, saves: 9, batchSizes: [1, 10, 50], batchRuns: 2, largeRuns: 1, htmlRuns: 15, sections: ["grade", "profile", "watch", "batch", "html"], experiments: false });
    expect(o.out).toBe(path.join(REPO_ROOT, "BENCHMARKS.md"));
  });

  test("--quick is small, and explicit flags win", () => {
    expect(parseBenchArgs(["--quick"])).toMatchObject({ runs: 1, saves: 3, batchSizes: [1, 5], batchRuns: 1, htmlRuns: 3 });
    expect(parseBenchArgs(["--quick", "--runs", "5", "--batch", "2, 4", "--html-runs", "7"])).toMatchObject({ runs: 5, batchSizes: [2, 4], htmlRuns: 7 });
  });

  test("--only picks sections (experiments too), --no-write prints only", () => {
    expect(parseBenchArgs(["--only", "watch,batch"])).toMatchObject({ sections: ["watch", "batch"], experiments: false });
    expect(parseBenchArgs(["--only", "html"])).toMatchObject({ sections: ["html"], experiments: false });
    expect(parseBenchArgs(["--only", "experiments"])).toMatchObject({ sections: [], experiments: true });
    expect(parseBenchArgs(["--experiments", "--only", "grade"])).toMatchObject({ sections: ["grade"], experiments: true });
    expect(parseBenchArgs(["--no-write"]).out).toBeUndefined();
    expect(parseBenchArgs(["--out", "x.md"]).out).toBe(path.resolve("x.md"));
  });

  test("bad values are refused with the usage", () => {
    expect(() => parseBenchArgs(["--runs", "0"])).toThrow(/positive whole number[\s\S]*usage/);
    expect(() => parseBenchArgs(["--runs"])).toThrow(/positive whole number/);
    expect(() => parseBenchArgs(["--batch", "1,x"])).toThrow(/positive whole number/);
    expect(() => parseBenchArgs(["--html-runs", "-2"])).toThrow(/positive whole number/);
    expect(() => parseBenchArgs(["--only", "speed"])).toThrow(/--only takes/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown option --fast/);
  });

  test("large batches run --large-runs times, the others --batch-runs times", () => {
    const o = { batchRuns: 2, largeRuns: 1 };
    expect([1, 10, 49, 50, 200].map((n) => runsForBatch(n, o))).toEqual([2, 2, 2, 1, 1]);
  });
});

describe("the report", () => {
  const machine: Machine = {
    cpu: "Test CPU",
    cores: 2,
    memoryGiB: 8,
    node: "v20.0.0",
    os: "Linux 6 x64",
    loadStart: [0.2, 0.3, 0.4],
    date: "2026-01-01T00:00:00Z",
  };
  const result = (over: Partial<BenchResult> = {}): BenchResult => ({
    machine,
    options: parseBenchArgs([]),
    totalMs: 180_000,
    nodeStartMs: [],
    launcherMs: [],
    launcherCpuMs: [],
    gradeMs: [3000, 3300, 3100],
    gradeCpuMs: [NaN, NaN, NaN],
    gradeScores: [100, 100, 100],
    floorMs: [2500, 2600, 2400],
    floorCpuMs: [NaN, NaN, NaN],
    profiles: [],
    batches: [
      { size: 1, ms: 3000, cpuMs: 4000, notFull: 0 },
      { size: 1, ms: 3200, cpuMs: 4100, notFull: 0 },
      { size: 10, ms: 21_000, cpuMs: 40_000, notFull: 0 },
    ],
    experiments: [],
    notes: [],
    ...over,
  });

  test("grade against floor: the ratio of the medians, checked against 1.3", () => {
    const rows = resultRows(result());
    const ratio = rows.find((r) => r[0]!.includes("grade / floor"))!;
    expect(ratio[1]).toBe("1.24×"); // 3100 / 2500
    expect(ratio[4]).toBe("≤ 1.3");
    expect(ratio[5]).toBe("yes");
    expect(rows.some((r) => r[0]!.includes("CPU time of a grade"))).toBe(false); // not measured: no row
    const slow = resultRows(result({ gradeMs: [4000], floorMs: [2000] })).find((r) => r[0]!.includes("grade / floor"))!;
    expect(slow[1]).toBe("2.00×");
    expect(slow[5]).toBe("no");
  });

  test("batches: per submission, throughput against 2/s, and a linear fit", () => {
    const rows = resultRows(result());
    const perSubmission = rows.find((r) => r[0]!.includes("batch of 10: time per submission"))!;
    expect(perSubmission[1]).toBe("2.10 s");
    const throughput = rows.find((r) => r[0]!.includes("batch of 1: throughput"))!;
    expect(throughput.slice(1)).toEqual(["0.32/s", "0.31/s – 0.33/s", "2", "≥ 2/s", "no"]);
    const fit = rows.find((r) => r[0]!.includes("linear fit: wall"))!;
    expect(fit[1]).toMatch(/^a \S+ s, b 1\.99 s$/);
    expect(fit[5]).toBe("yes");
    const cpu = rows.find((r) => r[0]!.includes("linear fit: CPU"))!;
    expect(cpu[1]).toBe("a 56 ms, b 3.99 s");
  });

  test("watch: the median save-to-score latency against 300 ms, per exercise too", () => {
    const saves = [
      { exercise: "01-download-files", latencyMs: 400, gradedInMs: 350 },
      { exercise: "02-enrich-csv", latencyMs: 250, gradedInMs: 200 },
      { exercise: "03-retry-async", latencyMs: 200, gradedInMs: 150 },
    ];
    const rows = resultRows(result({ watch: { startupMs: 4000, saves } }));
    const watch = rows.find((r) => r[0]!.startsWith("3. watch"))!;
    expect(watch.slice(1)).toEqual(["250 ms", "200 ms – 400 ms", "3", "≤ 300 ms", "yes"]);
    expect(rows.find((r) => r[0]!.includes("saving 01-download-files"))![1]).toBe("400 ms");
  });

  test("describes the machine, and warns when its load was high", () => {
    const calm = renderReport(result());
    expect(calm).toContain("- CPU: Test CPU, 2 cores");
    expect(calm).toContain("at start: 0.20 / 0.30 / 0.40");
    expect(calm).not.toContain("Warning");
    expect(loadWarning(machine)).toBeUndefined();
    const busy = renderReport(result({ machine: { ...machine, loadStart: [7.63, 7.7, 7.86] } }));
    expect(busy).toContain("**Warning: the machine was busy.** The 1-minute load average was 7.63 on 2 cores");
    expect(busy).toContain("| 1. full grade of solutions/ (gradeIsolated)");
    expect(busy).toContain("## How it is measured");
    // A machine that became busy during the run is flagged too.
    const rose = loadWarning({ ...machine, loadStart: [0.5, 0.5, 0.5], loadPeak: 9.1 });
    expect(rose).toContain("was 0.50 on 2 cores when the bench started and rose to 9.10 during the run");
  });

  test("experiments are compared with the baseline of their scenario, in wall and CPU time", () => {
    const table = experimentsTable(
      result({
        experiments: [
          { scenario: "grade", name: "baseline", description: "as is", ms: [3000, 3200], cpuMs: [5000, 5000], right: [true, true] },
          { scenario: "grade", name: "threads", description: "pool threads", ms: [2400, 2400], cpuMs: [4000, 4000], right: [true, false] },
          { scenario: "watch", name: "baseline", description: "as is", ms: [900], cpuMs: [], right: [true] },
        ],
      }),
    );
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^\| Scenario +\| Variant +\| What changes +\| +Wall \|/);
    expect(lines[3]!.split("|").map((c) => c.trim())).toEqual(["", "one grade (wall)", "threads", "pool threads", "2.40 s", "2.40 s – 2.40 s", "2", "0.77×", "4.00 s", "0.80×", "no", ""]);
    expect(lines[4]).toMatch(/watch: rerun after a save .*\| +– +\| +\| yes/);
  });

  describe("the HTML report (#17)", () => {
    const html = (over: Partial<HtmlBench> = {}): HtmlBench => ({
      pages: [
        { name: "solutions/", score: 100, maxScore: 100, bytes: 187_400, renderMs: [3, 2, 4], loadMs: [150, 170, 160] },
        { name: "fixed-batches", score: 65, maxScore: 100, bytes: 312_000, renderMs: [5, 6, 5], loadMs: [1200, 900, 1100] },
      ],
      emptyLoadMs: [40, 60, 50],
      browser: { version: "140.0", launchMs: 800 },
      ...over,
    });
    const find = (rows: string[][], label: string) => rows.find((r) => r[0]!.includes(label))!;

    test("each page's size against 300 KB, and renderHtml's median", () => {
      const rows = htmlRows(html());
      expect(rows[0]![0]).toMatch(/^5\. HTML report of solutions\/ \(100\/100\): size$/);
      expect(find(rows, "solutions/ (100/100): size").slice(1)).toEqual(["187 KB", "", "1", "< 300 KB", "yes"]);
      expect(find(rows, "fixed-batches (65/100): size").slice(4)).toEqual(["< 300 KB", "no"]);
      expect(find(rows, "renderHtml, fixed-batches").slice(1, 4)).toEqual(["5.0 ms", "5.0 ms – 6.0 ms", "3"]);
    });

    test("100 learners are a projection from the slower render and the larger page, labelled as such", () => {
      const rows = htmlRows(html());
      const time = find(rows, "100 × the slower renderHtml");
      expect(time[0]).toMatch(/projection.*not timed/);
      expect(time[1]).toBe("500 ms"); // 100 × 5 ms (fixed-batches' median)
      expect(time.slice(4)).toEqual(["", ""]);
      expect(find(rows, "100 × the larger page")[1]).toBe("31.20 MB");
    });

    test("Chromium: each page against 1 s, beside the empty page and the paired differences", () => {
      const rows = htmlRows(html());
      expect(find(rows, "empty page, load + layout (floor)").slice(1, 4)).toEqual(["50 ms", "40 ms – 60 ms", "3"]);
      const solutions = rows.findIndex((r) => r[0]!.includes("page of solutions/, load + layout"));
      expect(rows[solutions]!.slice(1)).toEqual(["160 ms", "150 ms – 170 ms", "3", "≤ 1 s", "yes"]);
      expect(rows[solutions + 1]![0]).toContain("− the empty page (paired differences)");
      expect(rows[solutions + 1]![1]).toBe("110 ms"); // median of 110, 110, 110
      expect(find(rows, "page of fixed-batches, load + layout").slice(4)).toEqual(["≤ 1 s", "no"]); // median 1100
      expect(find(rows, "Chromium start")[1]).toBe("800 ms");
    });

    test("without a browser only the size, render and projection rows remain; the report carries the section", () => {
      const none = html({ pages: html().pages.map((p) => ({ ...p, loadMs: [] })), emptyLoadMs: [] });
      delete none.browser;
      const rows = htmlRows(none);
      expect(rows.some((r) => r[0]!.includes("Chromium"))).toBe(false);
      expect(rows).toHaveLength(6);
      const report = renderReport(result({ html: html(), options: parseBenchArgs(["--only", "html"]) }));
      expect(report).toContain("--html-runs 15 --only html");
      expect(report).toContain("| 5. HTML report of solutions/ (100/100): size");
      expect(report).toContain("**HTML report**");
    });
  });

  test("what failed in a report that should have been full marks", () => {
    const report = buildReport("/t", [
      {
        file: "graders/03-retry-async.test.ts",
        checks: [
          { name: "a", meta: { exercise: "03-retry-async", check: "first-success", points: 3 }, state: "passed", errors: [] },
          { name: "b", meta: { exercise: "03-retry-async", check: "exact-backoff", points: 27 }, state: "failed", errors: [{ name: "GradingError", message: "this check never finished\nmore" }] },
        ],
        errors: [],
      },
    ]);
    const failures = failuresOf([report, report]);
    expect(failures).toContain("03-retry-async/exact-backoff: this check never finished");
    expect(failures).toContain("01-download-files: the grader graders/01-download-files.test.ts did not run");
    expect(failures.filter((f) => f.startsWith("03-"))).toHaveLength(1);
  });
});
