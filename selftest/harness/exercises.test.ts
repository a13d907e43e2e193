import { expect, test } from "vitest";
import { EXERCISES, MAX_SCORE, exerciseOfGraderFile, findExercise } from "../../graders/harness/core/exercises.ts";

test("the course is worth 100 points: 35 + 35 + 30", () => {
  expect(MAX_SCORE).toBe(100);
  expect(EXERCISES.map((e) => [e.id, e.maxScore])).toEqual([["01-download-files", 35], ["02-enrich-csv", 35], ["03-retry-async", 30]]);
});

test("findExercise accepts a number, a name or an id", () => {
  for (const key of ["3", "03", "retry-async", "03-retry-async", "03-retry-async.ts", "03-retry-async.test.ts"]) {
    expect(findExercise(key)?.id, key).toBe("03-retry-async");
  }
  expect(findExercise("04")).toBeUndefined();
  expect(findExercise("nope")).toBeUndefined();
});

test("exerciseOfGraderFile", () => {
  expect(exerciseOfGraderFile("/x/graders/01-download-files.test.ts")?.id).toBe("01-download-files");
  expect(exerciseOfGraderFile("/x/graders/other.test.ts")).toBeUndefined();
});
