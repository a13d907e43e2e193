import path from "node:path";
import { expect, test } from "vitest";
import { DEFAULT_TARGET, REPO_ROOT, displayPath } from "../../graders/harness/core/paths.ts";
import { exerciseFile, fileOverrides, targetDir } from "../../graders/harness/core/contract.ts";

test("default target is exercises/", () => {
  expect(targetDir({})).toBe(DEFAULT_TARGET);
  expect(exerciseFile("03-retry-async", {})).toBe(path.join(REPO_ROOT, "exercises", "03-retry-async.ts"));
});

test("GRADE_TARGET picks any folder, GRADE_FILES overrides single files", () => {
  const env = { GRADE_TARGET: "/elsewhere/copy", GRADE_FILES: JSON.stringify({ "03-retry-async": "/subs/x.ts" }) };
  // path.resolve: on Windows the same folders carry the current drive (C:\elsewhere\copy).
  expect(exerciseFile("01-download-files", env)).toBe(path.join(path.resolve("/elsewhere/copy"), "01-download-files.ts"));
  expect(exerciseFile("03-retry-async", env)).toBe(path.resolve("/subs/x.ts"));
  expect(() => fileOverrides({ GRADE_FILES: "3" })).toThrow(/JSON object/);
});

test("displayPath is relative inside the repo, absolute outside", () => {
  expect(displayPath(path.join(REPO_ROOT, "exercises", "a.ts"))).toBe("exercises/a.ts");
  expect(displayPath("/elsewhere/a.ts")).toBe("/elsewhere/a.ts");
});
