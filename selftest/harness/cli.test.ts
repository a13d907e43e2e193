import { expect, test } from "vitest";
import { checkVerdicts, parseCli, UsageError } from "../../graders/harness/commands/cli.ts";
import { DEFAULT_TARGET } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";

test("defaults: every exercise of exercises/", () => {
  expect(parseCli([])).toEqual({
    target: DEFAULT_TARGET,
    exercises: [],
    checks: [],
    json: undefined,
    html: false,
    format: undefined,
    out: undefined,
    also: [],
    classroom50Local: false,
    exitZero: false,
    verbose: false,
    deadlineSeconds: 120,
  });
});

test("--also <format>=<file> (repeatable), --exit-zero, --classroom50-local; a bad --also is a usage error", () => {
  const o = parseCli(["--also", "markdown=sum.md", "--also", "classroom=out.txt", "--exit-zero", "--classroom50-local"]);
  expect(o).toMatchObject({ also: [{ format: "markdown", file: "sum.md" }, { format: "classroom", file: "out.txt" }], exitZero: true, classroom50Local: true });
  expect(() => parseCli(["--also", "pdf=x"])).toThrow(UsageError);
  expect(() => parseCli(["--also", "markdown"])).toThrow(/--also takes <format>=<file>/);
});

test("exercises by number or name, in course order; checks imply their exercise", () => {
  expect(parseCli(["retry-async", "1"]).exercises).toEqual(["01-download-files", "03-retry-async"]);
  const o = parseCli(["--check", "3/exact-backoff", "--target", "/x", "--json", "r.json"]);
  expect(o).toMatchObject({ target: "/x", exercises: ["03-retry-async"], checks: ["03-retry-async/exact-backoff"], json: "r.json" });
});

test("usage errors are clear", () => {
  expect(() => parseCli(["04"])).toThrow(UsageError);
  expect(() => parseCli(["--check", "exact-backoff"])).toThrow(/<exercise>\/<check id>/);
  expect(() => parseCli(["--deadline", "soon"])).toThrow(/seconds/);
  expect(() => parseCli(["--nope"])).toThrow(UsageError);
});

test("--check verdict: ok only if every requested check ran and passed", () => {
  const report: GradeReport = { target: "/t", score: 5, maxScore: 30, exercises: [{ id: "03-retry-async", score: 5, maxScore: 30, status: "failed", tests: [
    { name: "backoff", id: "exact-backoff", points: 5, maxPoints: 5, status: "passed" },
    { name: "same", id: "same-error", points: 0, maxPoints: 3, status: "failed", message: "wrapped" },
  ] }] };
  expect(checkVerdicts(report, ["03-retry-async/exact-backoff"]).ok).toBe(true);
  expect(checkVerdicts(report, ["03-retry-async/exact-backoff", "03-retry-async/same-error"]).ok).toBe(false);
  const missing = checkVerdicts(report, ["03-retry-async/gone"]);
  expect(missing.ok).toBe(false);
  expect(missing.lines[0]).toMatch(/no such check ran/);
});

test("--html adds the HTML report (reports/grade.html); html is also a --format and an --also format", () => {
  expect(parseCli(["--html", "03"])).toMatchObject({ html: true, exercises: ["03-retry-async"] });
  expect(parseCli(["--format", "html", "--out", "r.html"])).toMatchObject({ format: "html", out: "r.html", html: false });
  expect(parseCli(["--also", "html=x.html"]).also).toEqual([{ format: "html", file: "x.html" }]);
  // `npm test --html` without `--` (PowerShell drops it): npm passes it on as npm_config_html.
  expect(parseCli([], { npm_config_html: "true" }).html).toBe(true);
  expect(parseCli([], {}).html).toBe(false);
});
