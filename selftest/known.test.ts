/**
 * Known submissions given as mutations of the reference solution (fixtures/<id>/submissions/mutations.json,
 * see known.ts): a mutation whose `find` no longer occurs exactly once in the solution is rejected, naming it,
 * so a change to the solution cannot silently defuse a wrong submission.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import { lf } from "../graders/harness/core/text.ts";
import { knownSubmissions, MUTATIONS_FILE } from "./known.ts";

const ID = "03-retry-async";
const SOLUTION = lf(readFileSync(path.join(REPO_ROOT, "solutions", `${ID}.ts`), "utf8"));
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A scratch course root with 03's solution (CRLF, as a Windows checkout may have it), these mutations and these files. */
function course(mutations: unknown, files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "known-test-"));
  roots.push(root);
  mkdirSync(path.join(root, "solutions"));
  writeFileSync(path.join(root, "solutions", `${ID}.ts`), SOLUTION.replace(/\n/g, "\r\n"));
  const dir = path.join(root, "fixtures", ID, "submissions");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MUTATIONS_FILE), JSON.stringify(mutations));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return root;
}

const linear = { name: "wrong-linear", why: "Waits backoffMs * attempt.", expect: "fails exact-backoff, other-base", find: "2 ** (attempt - 1)", replace: "attempt" };

describe("mutations.json", () => {
  test("a mutation becomes a known submission like a file: its verdict, and a file holding the mutated solution", () => {
    const [s, ...rest] = knownSubmissions(course([{ ...linear, leaks: ["b", "a"] }]));
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ exercise: ID, name: "wrong-linear", kind: "submissions", fails: ["exact-backoff", "other-base"], leaks: ["a", "b"] });
    expect(path.basename(s!.file)).toBe("wrong-linear.ts");
    const text = readFileSync(s!.file, "utf8");
    expect(text.startsWith("// expect: fails exact-backoff, other-base\n// leaks: a, b\n")).toBe(true);
    expect(text).toContain("await sleep(backoffMs * attempt);");
    expect(text).not.toContain("2 ** (attempt - 1)");
    expect(text).not.toContain("\r");
  });

  test("files and mutations come out together, sorted by name", () => {
    const root = course([linear], { "correct-x.ts": "// expect: full marks\n", "wrong-z.ts": "// expect: fails all\n" });
    expect(knownSubmissions(root).map((s) => s.name)).toEqual(["correct-x", "wrong-linear", "wrong-z"]);
  });

  test("a `find` the solution does not contain is rejected, naming the mutation", () => {
    const root = course([{ ...linear, find: "2 ** attempt" }]);
    expect(() => knownSubmissions(root)).toThrow(`fixtures/${ID}/submissions/${MUTATIONS_FILE}: mutation "wrong-linear": its "find" text occurs nowhere in solutions/${ID}.ts; it must occur exactly once`);
  });

  test("a `find` that occurs more than once is rejected, naming the mutation (and which edit)", () => {
    expect(() => knownSubmissions(course([{ ...linear, find: "attempt", replace: "n" }]))).toThrow(/mutation "wrong-linear": its "find" text occurs \d+ times in solutions\/03-retry-async\.ts; it must occur exactly once \(give more of the surrounding lines\)/);
    const twoEdits = { name: "wrong-two", why: "Two edits.", expect: "fails all", edits: [{ find: "2 ** (attempt - 1)", replace: "2" }, { find: "throw", replace: "return" }] };
    expect(() => knownSubmissions(course([twoEdits]))).toThrow(/mutation "wrong-two" \(edit 2\): its "find" text occurs \d+ times/);
  });

  test("a multi-line `find` (array of lines) matches a CRLF solution", () => {
    const find = ["      if (attempt >= maxAttempts) throw error;", "      await sleep(backoffMs * 2 ** (attempt - 1));"];
    const [s] = knownSubmissions(course([{ ...linear, find, replace: [find[1], find[0]] }]));
    expect(readFileSync(s!.file, "utf8")).toContain(`${find[1]}\n${find[0]}`);
  });

  test.each([
    ["a verdict of full marks", { ...linear, expect: "full marks" }, /"expect" must be "fails all" or "fails <check ids>"/],
    ["no why", { ...linear, why: "" }, /"why" must be one line/],
    ["a name that is not wrong-*", { ...linear, name: "correct-linear" }, /"name" must be "wrong-<words>"/],
    ["find and edits both", { ...linear, edits: [] }, /give either "find" and "replace", or "edits"/],
    ["a replace equal to find", { ...linear, replace: linear.find }, /"replace" is the same as "find"/],
    ["an unknown field", { ...linear, expected: "fails all" }, /unknown field\(s\) expected/],
  ])("%s is rejected", (_, mutation, message) => {
    expect(() => knownSubmissions(course([mutation]))).toThrow(message);
  });

  test("a mutation named like a submission file is rejected", () => {
    const root = course([linear], { "wrong-linear.ts": "// expect: fails all\n" });
    expect(() => knownSubmissions(root)).toThrow(`mutation "wrong-linear" has the name of a submission file too`);
  });

  test("two mutations with the same name are rejected", () => {
    expect(() => knownSubmissions(course([linear, linear]))).toThrow(`mutation "wrong-linear": named twice`);
  });
});

describe("the course's own mutations", () => {
  const all = knownSubmissions();
  const fromMutations = all.filter((s) => !s.file.startsWith(path.join(REPO_ROOT, "fixtures")));

  test("every one applies to its solution (knownSubmissions() did not throw), and every exercise has some", () => {
    for (const { id } of EXERCISES) expect(fromMutations.some((s) => s.exercise === id), id).toBe(true);
  });

  test("each is a wrong-* submission whose file differs from the solution", () => {
    for (const s of fromMutations) {
      expect(s.name).toMatch(/^wrong-/);
      expect(s.fails.length, s.name).toBeGreaterThan(0);
      const solution = lf(readFileSync(path.join(REPO_ROOT, "solutions", `${s.exercise}.ts`), "utf8"));
      expect(readFileSync(s.file, "utf8").endsWith(solution), `${s.exercise}/${s.name} is the solution unchanged`).toBe(false);
    }
  });

  test("a second call gives the same files with the same bytes (reused, not rewritten differently)", () => {
    const again = knownSubmissions();
    expect(again.map((s) => `${s.name} ${s.file} ${readFileSync(s.file, "utf8").length}`)).toEqual(all.map((s) => `${s.name} ${s.file} ${readFileSync(s.file, "utf8").length}`));
  });
});
