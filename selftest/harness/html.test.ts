/**
 * The HTML report, as a person sees it: graded by the real command (`npm run grade -- --also html=…`), then
 * opened in a real headless Chromium (Debian's `chromium`, driven by playwright-core; no browser download).
 * For the solutions and the fixed-batches, no-backpressure and linear-backoff known submissions it checks
 * what the pictures show against what the checks recorded: one bar per request, as many lanes as requests
 * were in flight at the busiest moment, the batches' idle gaps, the queue running ahead, the waits. Nothing
 * overflows the page, nothing is fetched. Screenshots are saved under reports/browser/ (git-ignored).
 *
 * Without Chromium the browser part is skipped locally, and fails in CI (.ci/run installs it and sets CHROMIUM_PATH).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { inFlightAtStarts, laneOf, peakOf, slidingWindowSpans, type Span, type Timeline } from "../../graders/harness/core/timeline.ts";
import { escapeHtml } from "../../graders/harness/report/svg.ts";
import { renderHtml } from "../../graders/harness/report/html.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../../tools/chromium.ts";

/** .ci/run sets CHROMIUM_PATH: there a missing browser fails the test instead of skipping it. */
const required = Boolean(process.env.CHROMIUM_PATH || process.env.CI);
const SHOTS = path.join(REPO_ROOT, "reports", "browser");

describe("timelines as data", () => {
  const spans = (pairs: [number, number | undefined][]): Span[] => pairs.map(([start, end], i) => ({ label: `r${i}`, start, ...(end === undefined ? {} : { end }) }));

  test("spans are half-open: one ending at x frees its lane for one starting at x", () => {
    const s = spans([[0, 2], [0, 1], [1, 3], [2, 3]]);
    expect(peakOf(s)).toBe(2);
    expect(laneOf(s)).toEqual([0, 1, 1, 0]);
    expect(inFlightAtStarts(s)).toEqual([1, 2, 2, 2]);
  });

  test("a span that ends where it starts still counts itself in the in-flight text", () => {
    expect(inFlightAtStarts(spans([[0, undefined], [0, 0]]))).toEqual([1, 2]);
  });

  test("greedy lanes are as many as the most spans open at once, open spans included", () => {
    const s = spans([[0, 5], [1, undefined], [2, 3], [3, 4], [4, 9], [6, 7]]);
    expect(Math.max(...laneOf(s)) + 1).toBe(peakOf(s));
    expect(peakOf(s)).toBe(3);
  });

  test("the reference sliding window: each answer starts the next task, oldest or newest answered first", () => {
    const oldest = slidingWindowSpans(5, 2, false, (i) => `t${i}`);
    expect(oldest.map((s) => [s.start, s.end])).toEqual([[0, 1], [0, 2], [1, 3], [2, 4], [3, 5]]);
    const newest = slidingWindowSpans(4, 2, true, (i) => `t${i}`);
    expect(newest.map((s) => [s.start, s.end])).toEqual([[0, 4], [0, 1], [1, 2], [2, 3]]);
    expect(peakOf(newest)).toBe(2);
  });

  test("learner text in the page is escaped: a message cannot add markup or script", () => {
    const report: GradeReport = {
      target: "/t",
      score: 0,
      maxScore: 35,
      exercises: [
        {
          id: "01-download-files",
          score: 0,
          maxScore: 35,
          status: "failed",
          tests: [{ name: "n", id: "c", points: 0, maxPoints: 35, status: "failed", message: `<script>alert(1)</script>; expected "x"\nhint: <img src=x>`, output: "</pre><b>" }],
        },
      ],
    };
    const html = renderHtml(report);
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain(escapeHtml("<script>alert(1)</script>"));
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });
});

/** The learner folders graded, by the command instructors and CI run. */
const solution = (id: string) => path.join(REPO_ROOT, "solutions", `${id}.ts`);
const known = (id: string, name: string) => path.join(REPO_ROOT, "fixtures", id, "submissions", `${name}.ts`);
const CASES = [
  { name: "solutions", files: {} as Record<string, string> },
  { name: "fixed-batches", files: { "01-download-files": known("01-download-files", "wrong-fixed-batches") } },
  { name: "no-backpressure", files: { "02-enrich-csv": known("02-enrich-csv", "wrong-unbounded-queue") } },
  { name: "linear-backoff", files: { "03-retry-async": known("03-retry-async", "wrong-linear-backoff") } },
];

interface Graded {
  report: GradeReport;
  html: string;
  url: string;
}

const graded = new Map<string, Graded>();
const work = mkdtempSync(path.join(tmpdir(), "html-report-"));

beforeAll(() => {
  for (const c of CASES) {
    const dir = path.join(work, c.name);
    mkdirSync(dir, { recursive: true });
    for (const e of EXERCISES) cpSync(c.files[e.id] ?? solution(e.id), path.join(dir, `${e.id}.ts`));
    const json = path.join(work, `${c.name}.json`);
    const html = path.join(work, `${c.name}.html`);
    const run = spawnSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", dir, "--exit-zero", "--json", json, "--also", `html=${html}`], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(run.status, `${c.name}: ${run.stdout}${run.stderr}`).toBe(0);
    graded.set(c.name, { report: JSON.parse(readFileSync(json, "utf8")) as GradeReport, html, url: pathToFileURL(html).href });
  }
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const timelinesOf = (name: string, check: string): Timeline[] => {
  const [exercise, id] = check.split("/");
  return graded.get(name)!.report.exercises.find((e) => e.id === exercise)!.tests.find((t) => t.id === id)!.timelines ?? [];
};

describe("the recorded timelines", () => {
  test("every check that watches concurrency or time records one; for the reference solution each equals its expected shape", () => {
    const report = graded.get("solutions")!.report;
    const recorded = report.exercises.flatMap((e) => e.tests.filter((t) => t.timelines?.length).map((t) => `${e.id}/${t.id}`));
    for (const check of ["01-download-files/sliding-window", "02-enrich-csv/drain-timing", "02-enrich-csv/backpressure", "03-retry-async/exact-backoff"]) expect(recorded).toContain(check);
    const shape = (t: Timeline["observed"] | undefined) => ({ spans: t?.spans?.map((s) => [s.start, s.end]), end: t?.end });
    let compared = 0;
    for (const e of report.exercises) {
      for (const t of e.tests) {
        for (const timeline of t.timelines ?? []) {
          if (!timeline.expected) continue;
          compared++;
          expect(shape(timeline.observed), `${e.id}/${t.id} "${timeline.title}"`).toEqual(shape(timeline.expected));
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  test("a learner's report stays small (under 300 KB)", () => {
    for (const [name, g] of graded) expect(statSync(g.html).size, name).toBeLessThan(300_000);
  });
});

describe.skipIf(!hasChromium() && !required)("the HTML report in a real Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    expect(hasChromium(), `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`).toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report; any request that is not the file itself is refused and counted. */
  async function open(name: string, options: { width?: number; scheme?: "light" | "dark" } = {}): Promise<{ page: Page; fetched: string[] }> {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1000, height: 800 }, colorScheme: options.scheme ?? "light" });
    const fetched: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url === graded.get(name)!.url) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    await page.goto(graded.get(name)!.url);
    return { page, fetched };
  }

  /** The observed bars of each figure of a check, as drawn: lane (by vertical position) and horizontal extent. */
  async function bars(page: Page, check: string, track: "observed" | "expected" = "observed") {
    return page.$$eval(`details[data-check="${check}"] figure svg.track.${track}`, (svgs) =>
      svgs.map((svg) =>
        [...svg.querySelectorAll("rect.bar")].map((r) => {
          const box = r.getBoundingClientRect();
          return { y: Math.round(box.y), x0: box.x, x1: box.x + box.width };
        }),
      ),
    );
  }

  /** Idle gaps inside lanes: a lane's bar ends and the lane's next bar starts later (more than 2 px). */
  function gaps(figure: { y: number; x0: number; x1: number }[]): number {
    const lanes = new Map<number, { x0: number; x1: number }[]>();
    for (const b of figure) lanes.set(b.y, [...(lanes.get(b.y) ?? []), b]);
    let count = 0;
    for (const lane of lanes.values()) {
      lane.sort((a, b) => a.x0 - b.x0);
      for (let i = 1; i < lane.length; i++) if (lane[i]!.x0 - lane[i - 1]!.x1 > 2) count++;
    }
    return count;
  }

  test("01: one bar per request, as many lanes as the busiest moment had requests in flight", async () => {
    for (const name of ["solutions", "fixed-batches"]) {
      const { page } = await open(name);
      for (const check of ["01-download-files/default-window", "01-download-files/sliding-window", "01-download-files/other-limits", "01-download-files/window-with-failures"]) {
        const recorded = timelinesOf(name, check);
        const drawn = await bars(page, check);
        expect(drawn.length, `${name} ${check}: one picture per scenario`).toBe(recorded.length);
        recorded.forEach((t, i) => {
          const spans = t.observed.spans!;
          expect(drawn[i]!.length, `${name} ${check} "${t.title}": bars`).toBe(spans.length);
          const peakInFlight = Math.max(...inFlightAtStarts(spans));
          expect(new Set(drawn[i]!.map((b) => b.y)).size, `${name} ${check} "${t.title}": lanes`).toBe(peakInFlight);
        });
      }
      await page.screenshot({ path: path.join(SHOTS, `${name}-01.png`), fullPage: true });
      await page.close();
    }
    // The scenario's URLs are the requests: 9 in sliding-window.
    expect(timelinesOf("solutions", "01-download-files/sliding-window")[0]!.observed.spans).toHaveLength(9);
  });

  test("01: the batches' picture has idle gaps in its lanes where the solution's has none", async () => {
    const check = "01-download-files/sliding-window";
    const solution = await open("solutions");
    const batches = await open("fixed-batches");
    const [solutionBars] = await bars(solution.page, check);
    const [batchBars] = await bars(batches.page, check);
    const [expectedBars] = await bars(batches.page, check, "expected");
    expect(gaps(solutionBars!)).toBe(0);
    expect(gaps(expectedBars!)).toBe(0);
    expect(gaps(batchBars!)).toBeGreaterThan(0);
    await batches.page.locator(`details[data-check="${check}"]`).screenshot({ path: path.join(SHOTS, "fixed-batches-sliding-window.png") });
    await solution.page.close();
    await batches.page.close();
  });

  test("02: the no-backpressure producer runs ahead of its bound; the solution's stays under it", async () => {
    const ahead = async (name: string) => {
      const { page } = await open(name);
      const lines = await page.$$eval(`details[data-check="02-enrich-csv/backpressure"] svg.track.observed`, (svgs) =>
        svgs.map((svg) => ({
          ahead: Number(svg.querySelector("path.series.s1")!.getAttribute("data-max")),
          bound: Number(svg.querySelector("path.series.bound")!.getAttribute("data-max")),
        })),
      );
      await page.screenshot({ path: path.join(SHOTS, `${name}-02.png`), fullPage: true });
      await page.close();
      return lines;
    };
    const solution = await ahead("solutions");
    const wrong = await ahead("no-backpressure");
    expect(solution).toHaveLength(2);
    for (const s of solution) expect(s.ahead).toBeLessThanOrEqual(s.bound);
    expect(wrong.some((w) => w.ahead > w.bound)).toBe(true);
  });

  test("03: the waits between attempts are labelled; linear backoff's differ from the expected doubling", async () => {
    const waits = async (name: string, track: string) => {
      const { page } = await open(name);
      const found = await page.$$eval(`details[data-check="03-retry-async/exact-backoff"] svg.track.${track} g.wait`, (gs) => gs.map((g) => Number(g.getAttribute("data-wait"))));
      if (track === "observed") {
        const details = page.locator(`details[data-check="03-retry-async/exact-backoff"]`);
        await details.evaluate((d) => void ((d as unknown as { open: boolean }).open = true));
        await details.screenshot({ path: path.join(SHOTS, `${name}-03-exact-backoff.png`) });
      }
      await page.close();
      return found;
    };
    expect(await waits("solutions", "observed")).toEqual([100, 200, 400]);
    expect(await waits("linear-backoff", "expected")).toEqual([100, 200, 400]);
    expect(await waits("linear-backoff", "observed")).not.toEqual([100, 200, 400]);
  });

  test("02: worker lanes, the drain point, and the failing checks open with their message while passing ones are folded", async () => {
    const { page } = await open("no-backpressure");
    const drain = await page.$eval(`details[data-check="02-enrich-csv/drain-timing"] svg.track.observed`, (svg) => ({
      lanes: new Set([...svg.querySelectorAll("rect.bar")].map((r) => r.getAttribute("data-lane"))).size,
      end: svg.querySelector("g.end")?.getAttribute("data-at"),
    }));
    expect(drain).toEqual({ lanes: 3, end: "1000" });
    const state = await page.$$eval("details.check", (ds) => ds.map((d) => ({ open: (d as unknown as { open: boolean }).open, failed: d.classList.contains("failed") })));
    expect(state.some((s) => s.failed)).toBe(true);
    for (const s of state) expect(s.open).toBe(s.failed);
    expect(await page.locator(`details[data-check="02-enrich-csv/backpressure"] dl.message dt`).allTextContents()).toEqual(["observed", "expected", "hint"]);
    await page.close();
  });

  test("nothing overflows the page, at a desktop and a phone width, in light and dark; nothing is fetched", async () => {
    for (const c of CASES) {
      for (const [width, scheme] of [[1000, "light"], [390, "dark"]] as const) {
        const { page, fetched } = await open(c.name, { width, scheme });
        await page.$$eval("details", (ds) => ds.forEach((d) => ((d as unknown as { open: boolean }).open = true)));
        const overflow = await page.evaluate(() => {
          // (The self-test is type-checked without the DOM library: the page's document, as the browser has it.)
          type Box = { getBoundingClientRect(): { right: number }; tagName: string; className: unknown };
          const document = (globalThis as unknown as { document: { documentElement: { clientWidth: number; scrollWidth: number }; body: { querySelectorAll(s: string): Iterable<Box> } } }).document;
          const limit = document.documentElement.clientWidth;
          const out = [...document.body.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > limit + 0.5).map((el) => el.tagName.toLowerCase() + (el.className ? `.${String(el.className)}` : ""));
          return { scroll: document.documentElement.scrollWidth - limit, out: out.slice(0, 5) };
        });
        expect(overflow, `${c.name} at ${width} px`).toEqual({ scroll: 0, out: [] });
        expect(fetched, c.name).toEqual([]);
        if (c.name === "solutions") await page.screenshot({ path: path.join(SHOTS, `solutions-${width}-${scheme}.png`), fullPage: true });
        await page.close();
      }
    }
  });

});
