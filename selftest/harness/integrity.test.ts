import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { MANIFEST, computeManifest, gradingFiles, integrityNotice, modifiedFiles } from "../../graders/harness/core/integrity.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";

test("the committed manifest matches the graders (run `npm run manifest` after changing a grader)", () => {
  const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, MANIFEST), "utf8")) as Record<string, string>;
  expect(committed).toEqual(computeManifest());
  expect(modifiedFiles()).toEqual([]);
});

test("the manifest covers graders, harness and config, not known submissions or hints", () => {
  const files = gradingFiles();
  expect(files).toContain("graders/03-retry-async.test.ts");
  expect(files).toContain("graders/harness/authoring/grader.ts");
  expect(files).toContain("vitest.config.ts");
  expect(files.some((f) => f.includes("/submissions/") || f.includes("/hostile/") || f.endsWith("hints.md"))).toBe(false);
});

test("a changed, added or removed grading file is named", () => {
  const copy = mkdtempSync(path.join(tmpdir(), "integrity-"));
  for (const rel of [...gradingFiles(), MANIFEST]) cpSync(path.join(REPO_ROOT, rel), path.join(copy, rel), { recursive: true });
  expect(modifiedFiles(copy)).toEqual([]);
  const grader = path.join(copy, "graders/03-retry-async.test.ts");
  writeFileSync(grader, readFileSync(grader, "utf8").replace('"exact-backoff", "', '"exact-backoff", "edited: '));
  writeFileSync(path.join(copy, "graders/harness/extra.ts"), "export {};\n");
  expect(modifiedFiles(copy)).toEqual(["graders/03-retry-async.test.ts", "graders/harness/extra.ts"]);
  expect(integrityNotice(modifiedFiles(copy))).toMatch(/^modified tests: graders\/03-retry-async.test.ts, graders\/harness\/extra.ts differ/);
});

test("CRLF line endings alone are not a modification", () => {
  const copy = mkdtempSync(path.join(tmpdir(), "integrity-"));
  for (const rel of [...gradingFiles(), MANIFEST]) cpSync(path.join(REPO_ROOT, rel), path.join(copy, rel), { recursive: true });
  const file = path.join(copy, "vitest.config.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
  expect(modifiedFiles(copy)).toEqual([]);
});
