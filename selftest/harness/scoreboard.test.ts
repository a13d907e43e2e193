import { expect, test } from "vitest";
import { wrap, firstMiss, progressBar, renderScoreboard } from "../../graders/harness/report/scoreboard.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";

const report: GradeReport = {
  target: "/somewhere/exercises",
  score: 33,
  maxScore: 100,
  exercises: [
    { id: "01-download-files", score: 0, maxScore: 35, status: "failed", tests: [{ name: "window", id: "w", points: 0, maxPoints: 35, status: "failed", message: "not started yet — open exercises/01-download-files.ts" }] },
    { id: "02-enrich-csv", score: 3, maxScore: 35, status: "failed", tests: [
      { name: "fifo", id: "f", points: 3, maxPoints: 3, status: "passed" },
      { name: "drain", id: "d", points: 0, maxPoints: 32, status: "failed", message: "resolved at 3000 ms; expected 1000 ms\nhint: run workers at once" },
    ] },
    { id: "03-retry-async", score: 30, maxScore: 30, status: "passed", tests: [{ name: "backoff", id: "b", points: 30, maxPoints: 30, status: "passed" }] },
  ],
};

test("shows each exercise, failing checks with their message and hint, the total and what is next", () => {
  const text = renderScoreboard(report);
  expect(text).toContain("01-download-files");
  expect(text).toContain("not started yet — open exercises/01-download-files.ts");
  expect(text).toMatch(/✗ +0\/32 +drain/);
  expect(text).toContain("hint: run workers at once");
  expect(text).toMatch(/03-retry-async .*30\/30 +complete/);
  expect(text).toContain("Total 33/100");
  expect(text).toContain("1/3 exercises complete");
  expect(text).toContain("next: 01-download-files");
  expect(text).not.toContain("\x1b[");
});

test("the progress bar is the points (33/100 → a third full), whatever the exercises complete", () => {
  expect(renderScoreboard(report)).toContain("Total 33/100   [███████░░░░░░░░░░░░░] 1/3 exercises complete");
  const nearly = { ...report, score: 76, exercises: report.exercises.map((e) => ({ ...e, status: "failed" as const })) };
  expect(renderScoreboard(nearly)).toMatch(/Total 76\/100 {3}\[█{15}░{5}\] 0\/3 exercises complete/);
});

test("colors only when asked", () => {
  expect(renderScoreboard(report, { color: true })).toContain("\x1b[");
});

test("a notice line is shown when given", () => {
  expect(renderScoreboard(report, { notice: "graders modified" })).toContain("⚠ graders modified");
});

test("full marks congratulates", () => {
  const done: GradeReport = { ...report, score: 30, maxScore: 30, exercises: [report.exercises[2]!] };
  expect(renderScoreboard(done)).toContain("03-retry-async complete. Well done!");
  expect(firstMiss(done)).toBeUndefined();
  const all: GradeReport = { ...report, score: 100, exercises: report.exercises.map((e) => ({ ...e, score: e.maxScore, status: "passed" as const, tests: [] })) };
  expect(renderScoreboard(all)).toContain("All exercises complete. Well done!");
});

test("progressBar", () => {
  expect(progressBar(1, 2, 4)).toBe("[██░░]");
  expect(progressBar(0, 0, 2)).toBe("[░░]");
});

test("a leak shows under its check, even in a complete exercise; watch mode counts them on the exercise's line", () => {
  const leak = "⚠ leak: when retryAsync() resolved, 1 timer was still pending (setTimeout due in 400 ms).";
  const leaky: GradeReport = {
    ...report,
    exercises: report.exercises.map((e) => (e.id === "03-retry-async" ? { ...e, tests: e.tests.map((t) => ({ ...t, leak })) } : e)),
  };
  const text = renderScoreboard(leaky);
  expect(text).toMatch(/03-retry-async .*30\/30 +complete\n +⚠ +30\/30 +backoff\n +⚠ leak: when retryAsync\(\) resolved/);
  expect(renderScoreboard(leaky, { compact: true })).toMatch(/30\/30 +complete +⚠ 1 check reports a leak\n +backoff:\n +⚠ leak: when retryAsync\(\) resolved/);
  expect(renderScoreboard(report)).not.toContain("leak");
});

test("a focused grade that is complete says which exercise, not 'all exercises'", () => {
  const only03 = { ...report, score: 30, maxScore: 30, exercises: report.exercises.filter((e) => e.id === "03-retry-async") };
  const text = renderScoreboard(only03);
  expect(text).not.toContain("All exercises complete");
  expect(text).toContain("03-retry-async complete. Well done! (01-download-files and 02-enrich-csv were not graded here: `npm test` grades everything.)");
});

test("after a hang the reason is said once, and the checks not run are one line", () => {
  const hang = "the check \"b\" never finished: your code kept the process busy for 10 s and was stopped.";
  const notRun = 'not run: the check "b" hung and the grader had to stop this exercise';
  const hung: GradeReport = {
    target: "/t",
    score: 2,
    maxScore: 30,
    exercises: [
      {
        id: "03-retry-async",
        score: 2,
        maxScore: 30,
        status: "error",
        message: hang,
        tests: [
          { name: "a", id: "a", points: 2, maxPoints: 2, status: "passed" },
          { name: "b", id: "b", points: 0, maxPoints: 3, status: "failed", message: hang },
          ...["c", "d", "e"].map((id) => ({ name: id, id, points: 0, maxPoints: 5, status: "failed" as const, message: notRun })),
        ],
      },
    ],
  };
  const text = renderScoreboard(hung);
  expect(text.split(hang).length - 1).toBe(1);
  expect(text.split("not run").length - 1).toBe(1);
  expect(text).toMatch(/✗ +0\/15 +3 more checks, not run: the check "b" hung/);
  expect(text).toMatch(/✗ +0\/3 +b\n/);
});

test("in a terminal, long messages wrap under their check; without a width they stay whole", () => {
  const message = "with 12 URLs and no options: in flight: 1 2 3 4 5 1 2 3 4 5 1 2 (limit 5); expected in flight: 1 2 3 4 5 5 5 5 5 5 5 5\nhint: start the next download as soon as any one finishes";
  const long: GradeReport = { ...report, exercises: [{ id: "01-download-files", score: 0, maxScore: 3, status: "failed", tests: [{ name: "window", id: "w", points: 0, maxPoints: 3, status: "failed", message }] }] };
  const text = renderScoreboard(long, { width: 60 });
  for (const line of text.split("\n")) if (line.startsWith("               ")) expect(line.length, line).toBeLessThanOrEqual(60);
  expect(renderScoreboard(long)).toContain(message.split("\n")[0]!);
  expect(text.split("\n").length, "some message was long enough to wrap").toBeGreaterThan(renderScoreboard(long).split("\n").length);
  expect(wrap("a b c d e f g h i j k l m n o p q r s t u v w x y z", 20)).toEqual(["a b c d e f g h i j", "k l m n o p q r s t", "u v w x y z"]);
  expect(wrap("x".repeat(50), 20)).toEqual(["x".repeat(20), "x".repeat(20), "x".repeat(10)]);
});
