import { describe, expect, test } from "vitest";
import { buildReport, exerciseReport, isNotStarted, truncate, type ObservedModule } from "../../graders/harness/report/report.ts";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";

const retry = EXERCISES.find((e) => e.id === "03-retry-async")!;
const meta = (check: string, points: number) => ({ exercise: retry.id, check, points });

function module(checks: ObservedModule["checks"], errors: ObservedModule["errors"] = []): ObservedModule {
  return { file: "/repo/graders/03-retry-async.test.ts", checks, errors };
}

describe("exerciseReport", () => {
  test("scores passed checks, keeps failure messages without the error name", () => {
    const r = exerciseReport(retry, module([
      { name: "a", meta: meta("a", 20), state: "passed", errors: [] },
      { name: "b", meta: meta("b", 10), state: "failed", errors: [{ name: "CheckFailure", message: "CheckFailure: waited [1]; expected [2]" }] },
    ]));
    expect(r).toMatchObject({ id: "03-retry-async", score: 20, maxScore: 30, status: "failed" });
    expect(r.tests[1]).toEqual({ name: "b", id: "b", maxPoints: 10, points: 0, status: "failed", message: "waited [1]; expected [2]" });
  });

  test("a leak is reported, not charged: on a passed check as `leak`, on a failed one also at the end of its message", () => {
    const leak = "⚠ leak: when retryAsync() resolved, 1 timer was still pending (setTimeout due in 400 ms). Resolve only after…";
    const r = exerciseReport(retry, module([
      { name: "a", meta: meta("a", 20), state: "passed", errors: [], leak },
      { name: "b", meta: meta("b", 10), state: "failed", errors: [{ name: "CheckFailure", message: "waited [1]; expected [2]" }], leak },
    ]));
    expect(r.score).toBe(20);
    expect(r.tests[0]).toEqual({ name: "a", id: "a", maxPoints: 20, points: 20, status: "passed", leak });
    expect(r.tests[1]).toMatchObject({ status: "failed", leak, message: `waited [1]; expected [2]\n${leak}` });
  });

  test("full marks is status passed", () => {
    const r = exerciseReport(retry, module([{ name: "a", meta: meta("a", 30), state: "passed", errors: [] }]));
    expect(r).toMatchObject({ score: 30, status: "passed" });
  });

  test("a load error on every check makes the exercise an error with that message", () => {
    const err = { name: "GradingError", message: "exercises/03-retry-async.ts does not load: SyntaxError" };
    const r = exerciseReport(retry, module([
      { name: "a", meta: meta("a", 20), state: "failed", errors: [err] },
      { name: "b", meta: meta("b", 10), state: "failed", errors: [err] },
    ]));
    expect(r).toMatchObject({ score: 0, status: "error", message: err.message });
    expect(r.tests.map((t) => t.status)).toEqual(["error", "error"]);
  });

  test("a skipped or unfinished check is an error, never passed", () => {
    const r = exerciseReport(retry, module([
      { name: "a", meta: meta("a", 20), state: "passed", errors: [] },
      { name: "b", meta: meta("b", 10), state: "skipped", errors: [] },
    ]));
    expect(r.tests[1]).toMatchObject({ points: 0, status: "error" });
    expect(r.status).toBe("failed");
  });

  test("checks that do not add up to the exercise's points are reported (missing or changed checks)", () => {
    const r = exerciseReport(retry, module([{ name: "a", meta: meta("a", 20), state: "passed", errors: [] }]));
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/worth 20 points, but exercise 03-retry-async is worth 30/);
  });

  test("a grader that did not run scores 0 with an error", () => {
    expect(exerciseReport(retry, undefined)).toMatchObject({ score: 0, maxScore: 30, status: "error", tests: [] });
  });

  test("module errors (a crash outside any check) make the exercise an error", () => {
    const r = exerciseReport(retry, module([{ name: "a", meta: meta("a", 30), state: "passed", errors: [] }], [{ message: "Error: worker crashed" }]));
    expect(r).toMatchObject({ status: "error", message: "worker crashed" });
  });
});

describe("buildReport", () => {
  test("one entry per exercise asked for, totals over them", () => {
    const r = buildReport("/t", [module([{ name: "a", meta: meta("a", 30), state: "passed", errors: [] }])]);
    expect(r.exercises.map((e) => e.id)).toEqual(EXERCISES.map((e) => e.id));
    expect(r).toMatchObject({ target: "/t", score: 30, maxScore: 100 });
    const only = buildReport("/t", [module([{ name: "a", meta: meta("a", 30), state: "passed", errors: [] }])], ["03-retry-async"]);
    expect(only).toMatchObject({ score: 30, maxScore: 30 });
  });
});

test("truncate keeps short text and cuts long text with a count", () => {
  expect(truncate("abc", 10)).toBe("abc");
  const long = truncate("x".repeat(5000), 100);
  expect(long.length).toBeLessThan(140);
  expect(long).toMatch(/more characters\)$/);
});

test("isNotStarted needs every check to say so", () => {
  const t = (message: string) => ({ name: "n", id: "n", points: 0, maxPoints: 1, status: "failed" as const, message });
  expect(isNotStarted({ id: "x", score: 0, maxScore: 2, status: "failed", tests: [t("not started yet — open x"), t("not started yet — open x")] })).toBe(true);
  expect(isNotStarted({ id: "x", score: 0, maxScore: 2, status: "failed", tests: [t("not started yet — open x"), t("waited")] })).toBe(false);
});
