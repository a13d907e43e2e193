/**
 * Every result format, made from one report, against its documented shape:
 * Gradescope's results.json (autograder specification, "Output format"), JUnit XML (well-formed,
 * testsuites > testsuite > testcase with failure/error), and the markdown job summary.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parseCli, UsageError } from "../../graders/harness/commands/cli.ts";
import { escapeXml, formatReport, toGradescope, toJUnit, toMarkdown } from "../../graders/harness/report/formats.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";

const NASTY = 'observed <b class="x">&amp;</b> it\'s | a pipe\n\u001b[31mred\u001b[0m and a NUL \u0000 here; expected ]]> nothing';

const REPORT: GradeReport = {
  target: "/work/exercises",
  score: 42,
  maxScore: 100,
  exercises: [
    { id: "01-download-files", score: 0, maxScore: 35, status: "error", message: "the grader graders/01-download-files.test.ts did not run", tests: [] },
    {
      id: "02-enrich-csv",
      score: 12,
      maxScore: 35,
      status: "failed",
      tests: [
        { name: "AsyncQueue: FIFO", id: "queue-fifo", points: 12, maxPoints: 12, status: "passed" },
        { name: "enrichCsv: in flight <= 3 & more", id: "in-flight", points: 0, maxPoints: 20, status: "failed", message: NASTY },
        { name: "enrichCsv: drains", id: "drain", points: 0, maxPoints: 3, status: "error", message: "the check hung and was stopped" },
      ],
    },
    {
      id: "03-retry-async",
      score: 30,
      maxScore: 30,
      status: "passed",
      tests: [
        { name: "waits 100, 200, 400 ms", id: "exact-backoff", points: 20, maxPoints: 20, status: "passed" },
        { name: "same error", id: "same-error", points: 10, maxPoints: 10, status: "passed" },
      ],
    },
  ],
};

describe("Gradescope results.json", () => {
  // The fields the specification documents, top level and per test.
  const TOP = ["score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"];
  const TEST = ["score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags", "visibility", "extra_data"];
  const VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"];
  const FORMATS = ["text", "html", "simple_format", "md", "ansi"];

  test("uses only documented fields, with documented values", () => {
    const r = toGradescope(REPORT, { executionSeconds: 12.6 });
    for (const key of Object.keys(r)) expect(TOP).toContain(key);
    expect(VISIBILITY).toContain(r.visibility);
    expect(VISIBILITY).toContain(r.stdout_visibility);
    for (const f of [r.output_format, r.test_output_format, r.test_name_format]) expect(FORMATS).toContain(f);
    expect(r.execution_time).toBe(13);
    for (const t of r.tests) {
      for (const key of Object.keys(t)) expect(TEST).toContain(key);
      expect(["passed", "failed"]).toContain(t.status);
      expect(typeof t.name).toBe("string");
      expect(typeof t.output).toBe("string");
      expect(t.score).toBeLessThanOrEqual(t.max_score);
      expect(VISIBILITY).toContain(t.visibility);
    }
  });

  test("scores add up: the score is the report's, the tests' max_score make 100", () => {
    const r = toGradescope(REPORT);
    expect(r.score).toBe(42);
    expect(r.tests.reduce((s, t) => s + t.max_score, 0)).toBe(100);
    expect(r.tests.reduce((s, t) => s + t.score, 0)).toBe(42);
    expect(r.execution_time).toBeUndefined();
  });

  test("one test per check, named after it; failures carry the message; an ungraded exercise keeps its points visible", () => {
    const r = toGradescope(REPORT);
    expect(r.tests.map((t) => t.name)).toEqual([
      "01-download-files: grading the exercise",
      "02-enrich-csv: AsyncQueue: FIFO",
      "02-enrich-csv: enrichCsv: in flight <= 3 & more",
      "02-enrich-csv: enrichCsv: drains",
      "03-retry-async: waits 100, 200, 400 ms",
      "03-retry-async: same error",
    ]);
    expect(r.tests[0]).toMatchObject({ max_score: 35, score: 0, status: "failed", output: "the grader graders/01-download-files.test.ts did not run" });
    expect(r.tests[2]).toMatchObject({ status: "failed", output: NASTY, number: "2.2", tags: ["02-enrich-csv"] });
    expect(r.tests[3]!.status).toBe("failed"); // "error" is not a Gradescope status
    expect(r.output).toMatch(/^Total 42\/100 — 1\/3 exercises complete\nnext: 01-download-files/);
  });

  test("is JSON (what --format gradescope writes)", () => {
    expect(JSON.parse(formatReport(REPORT, "gradescope"))).toEqual(toGradescope(REPORT));
  });
});

/** A strict little XML reader: enough to prove the JUnit output well-formed and read it back. */
interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

function decode(text: string): string {
  if (/[<>]/.test(text)) throw new Error(`raw < or > in ${JSON.stringify(text)}`);
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) throw new Error(`control character in ${JSON.stringify(text)}`);
  return text.replace(/&([^;]*);?/g, (whole, name: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (!whole.endsWith(";")) throw new Error(`bare & in ${JSON.stringify(text)}`);
    if (name in named) return named[name]!;
    const m = /^#(x[0-9a-f]+|\d+)$/i.exec(name);
    if (!m) throw new Error(`unknown entity &${name};`);
    return String.fromCodePoint(m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : Number(m[1]));
  });
}

function parseXml(xml: string): Element {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  if (body === xml) throw new Error("missing XML declaration");
  const root: Element = { name: "#document", attrs: {}, children: [], text: "" };
  const stack = [root];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = token.exec(body))) {
    at = token.lastIndex;
    const top = stack.at(-1)!;
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    if (m[1]) {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: Element = { name: m[2]!, attrs, children: [], text: "" };
    top.children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (at !== body.length) throw new Error(`not well-formed at ${JSON.stringify(body.slice(at, at + 40))}`);
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== "") throw new Error("one root element expected");
  return elements[0]!;
}

describe("JUnit XML", () => {
  test("the little XML reader rejects what is not well-formed", () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${head}<a><b></a></b>`)).toThrow();
    expect(() => parseXml(`${head}<a x="1 & 2"/>`)).toThrow();
    expect(() => parseXml(`${head}<a>1 < 2</a>`)).toThrow();
    expect(() => parseXml(`${head}<a>\u001b[31m</a>`)).toThrow();
    expect(parseXml(`${head}<a x="&lt;&#10;"><b/>t&amp;</a>`)).toMatchObject({ name: "a", attrs: { x: "<\n" }, text: "t&" });
  });

  test("testsuites > one testsuite per exercise > one testcase per check, counts matching", () => {
    const root = parseXml(toJUnit(REPORT));
    expect(root.name).toBe("testsuites");
    expect(root.children.map((s) => s.name)).toEqual(["testsuite", "testsuite", "testsuite"]);
    expect(root.children.map((s) => s.attrs.name)).toEqual(["01-download-files", "02-enrich-csv", "03-retry-async"]);
    let tests = 0, failures = 0, errors = 0;
    for (const suite of root.children) {
      const cases = suite.children.filter((c) => c.name === "testcase");
      const f = cases.filter((c) => c.children.some((x) => x.name === "failure")).length;
      const e = cases.filter((c) => c.children.some((x) => x.name === "error")).length;
      expect(suite.attrs).toMatchObject({ tests: String(cases.length), failures: String(f), errors: String(e), skipped: "0" });
      for (const c of cases) {
        expect(c.attrs.classname).toBe(suite.attrs.name);
        expect(c.children.filter((x) => x.name === "failure" || x.name === "error").length).toBeLessThanOrEqual(1);
      }
      tests += cases.length;
      failures += f;
      errors += e;
    }
    expect(root.attrs).toMatchObject({ tests: String(tests), failures: String(failures), errors: String(errors) });
    expect([tests, failures, errors]).toEqual([6, 1, 2]);
  });

  test("escapes what a message can hold and reads back the same text (colours and NUL aside)", () => {
    const root = parseXml(toJUnit(REPORT));
    const enrich = root.children[1]!;
    const failing = enrich.children.find((c) => c.attrs.name?.startsWith("enrichCsv: in flight"))!;
    expect(failing.attrs.name).toBe("enrichCsv: in flight <= 3 & more [20 points]");
    const failure = failing.children[0]!;
    expect(failure.name).toBe("failure");
    const clean = NASTY.replace(/\u001b\[\d+m/g, "").replace("\u0000", "\uFFFD");
    expect(failure.attrs.message).toBe(clean.split("\n")[0]);
    expect(failure.text).toBe(`0/20 points\n${clean}`);
    const props = Object.fromEntries(enrich.children.find((c) => c.name === "properties")!.children.map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ score: "12", maxScore: "35", status: "failed" });
    expect(root.children[0]!.children.find((c) => c.name === "testcase")!.children[0]!.name).toBe("error");
  });

  test("escapeXml", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
    expect(escapeXml("lone \uD800 surrogate, \uFFFF")).toBe("lone \uFFFD surrogate, \uFFFD");
    expect(escapeXml("emoji 🎉 stays")).toBe("emoji 🎉 stays");
  });
});

describe("markdown job summary", () => {
  const md = toMarkdown(REPORT);
  const lines = md.split("\n");

  test("a heading with the total and a table with one row per exercise", () => {
    expect(lines[0]).toBe("## Autograding: 42/100");
    expect(md).toContain("1/3 exercises complete");
    const head = lines.indexOf("| | Exercise | Score | Status |");
    expect(lines[head + 1]).toBe("|---|---|---:|---|");
    expect(lines[head + 2]).toMatch(/^\| ❌ \| 01-download-files — .* \| 0\/35 \| could not be graded: /);
    expect(lines[head + 3]).toMatch(/^\| 🟡 \| 02-enrich-csv — .* \| 12\/35 \| 2 of 3 checks to go \|$/);
    expect(lines[head + 4]).toMatch(/^\| ✅ \| 03-retry-async — .* \| 30\/30 \| complete \|$/);
    expect(lines[head + 5]).toBe("| | **Total** | **42/100** | |");
  });

  test("every table row keeps its columns, whatever the messages hold", () => {
    for (const line of lines.filter((l) => l.startsWith("|"))) {
      const cells = line.replace(/\\\|/g, "").split("|").length - 2;
      expect(cells, line).toBe(4);
    }
    expect(md).not.toContain("<b ");
    expect(md).not.toContain("\u001b");
    expect(md).toContain("&lt;b class=\"x\"&gt;&amp;amp;&lt;/b&gt; it's \\| a pipe<br>red");
  });

  test("unfinished exercises list their checks in a details block; the next step and the hint command end it", () => {
    expect(md).toContain("<details><summary>02-enrich-csv: 12/35</summary>");
    expect(md).not.toContain("<summary>03-retry-async");
    expect(lines.at(-2)).toBe("**Next:** 01-download-files (stuck? `npm run hint -- 01`)");
  });

  test("full marks say so", () => {
    const done: GradeReport = { ...REPORT, score: 30, maxScore: 30, exercises: [REPORT.exercises[2]!] };
    expect(toMarkdown(done)).toContain("**03-retry-async complete. Well done!");
    const all: GradeReport = { ...REPORT, score: 100, exercises: REPORT.exercises.map((e) => ({ ...e, score: e.maxScore, status: "passed" as const, tests: [] })) };
    expect(toMarkdown(all)).toContain("**All exercises complete. Well done!**");
  });
});

describe("a leak (reported, not charged) in every format", () => {
  const leak = "⚠ leak: when retryAsync() resolved, 1 timer was still pending (setTimeout due in 400 ms).";
  const LEAKY: GradeReport = {
    ...REPORT,
    exercises: REPORT.exercises.map((e) => (e.id === "03-retry-async" ? { ...e, tests: e.tests.map((t, i) => (i === 0 ? { ...t, leak } : t)) } : e)),
  };

  test("Gradescope: the passed check keeps its score, its output names the leak", () => {
    const t = toGradescope(LEAKY).tests.find((x) => x.name === "03-retry-async: waits 100, 200, 400 ms")!;
    expect(t).toMatchObject({ status: "passed", score: 20, output: `passed\n${leak}` });
  });

  test("JUnit: the passed testcase carries it in system-out, with no failure", () => {
    const suite = parseXml(toJUnit(LEAKY)).children[2]!;
    const c = suite.children.find((x) => x.name === "testcase")!;
    expect(c.children.map((x) => x.name)).toEqual(["system-out"]);
    expect(c.children[0]!.text).toBe(leak);
    expect(suite.attrs).toMatchObject({ failures: "0", errors: "0" });
  });

  test("markdown: a complete exercise with a leak lists its checks, the leak beside the passed one", () => {
    const md = toMarkdown(LEAKY);
    expect(md).toContain("<details><summary>03-retry-async: 30/30</summary>");
    expect(md).toMatch(/\| ✓ \| waits 100, 200, 400 ms \| 20\/20 \| ⚠ leak: when retryAsync\(\) resolved/);
  });
});

describe("grade CLI options", () => {
  test("--format and --out", () => {
    expect(parseCli(["--format", "junit", "--out", "r.xml"])).toMatchObject({ format: "junit", out: "r.xml" });
    expect(parseCli(["--out", "r.json"])).toMatchObject({ format: "json", out: "r.json" });
    expect(parseCli([]).format).toBeUndefined();
    expect(() => parseCli(["--format", "xml"])).toThrow(UsageError);
    expect(() => parseCli(["--format", "xml"])).toThrow(/gradescope, junit, markdown/);
  });

  test("npm run grade -- --format junit --out <file> writes the report of a real grading", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "formats-")), "junit.xml");
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", "solutions", "--format", "junit", "--out", out, "03"], {
      cwd: REPO_ROOT,
      env: clean,
      encoding: "utf8",
    });
    expect(stdout).toContain("Total 30/30"); // with --out, the scoreboard is still printed
    const root = parseXml(readFileSync(out, "utf8"));
    expect(root.children.map((s) => s.attrs.name)).toEqual(["03-retry-async"]);
    expect(root.attrs.failures).toBe("0");
    expect(Number(root.attrs.tests)).toBeGreaterThanOrEqual(10);
  });
});
