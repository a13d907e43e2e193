/**
 * The learner's type errors are warnings next to the score (engine/typecheck.ts): found in their files
 * only, never in the graders, never costing a point. Watch mode is covered in watch.test.ts; the cost
 * (at most ~0.5 s on npm test) is measured by npm run bench, not here.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { TypeChecker, parseDiagnostics } from "../../graders/harness/engine/typecheck.ts";
import { forTerminal } from "../../graders/harness/report/terminal.ts";

const dir = mkdtempSync(path.join(tmpdir(), "typecheck-"));
const checker = new TypeChecker();
afterAll(() => {
  checker.close();
  rmSync(dir, { recursive: true, force: true });
});
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
const solution = (id: string) => readFileSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), "utf8");

test("the reference solutions have no type error, also in a folder outside the course (no package.json there)", async () => {
  for (const id of ["01-download-files", "02-enrich-csv", "03-retry-async"]) copyFileSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), path.join(dir, `${id}.ts`));
  expect(await checker.check(["01-download-files", "02-enrich-csv", "03-retry-async"].map((id) => path.join(dir, `${id}.ts`)))).toEqual([]);
}, 60_000);

test("a type error is reported with its file, line, column and TypeScript's message; as TypeScript words it", async () => {
  const file = path.join(dir, "03-retry-async.ts");
  writeFileSync(file, `${solution("03-retry-async")}\nconst label: number = "attempts";\n`);
  const line = solution("03-retry-async").split("\n").length + 1;
  const [warning, ...rest] = await checker.check([file]);
  expect(rest).toEqual([]);
  expect(warning).toMatchObject({ line, column: 7, code: 2322, message: "Type 'string' is not assignable to type 'number'." });
  expect(warning!.file.endsWith("03-retry-async.ts")).toBe(true);
}, 60_000);

test("npm test: full marks with a type error in the learner's file, and the error as a warning line with file:line", () => {
  const target = mkdtempSync(path.join(dir, "course-"));
  writeFileSync(path.join(target, "03-retry-async.ts"), `const label: number = "attempts";\n${solution("03-retry-async")}`);
  // exit 0: full marks for the exercise graded
  const out = execFileSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--target", target, "03"], { cwd: REPO_ROOT, env: clean, encoding: "utf8" });
  expect(out).toMatch(/03-retry-async .* 30\/30 +complete/);
  // forTerminal: the child prints "!" for "⚠" where the terminal cannot draw it (legacy Windows console, TERM=linux).
  expect(out).toContain(forTerminal("⚠ TypeScript finds 1 type error in your code (it costs no points, but fix it):"));
  expect(out).toContain("03-retry-async.ts:1:7  Type 'string' is not assignable to type 'number'.");
}, 120_000);

test("the compiler's output is read line by line: file, line, column, code, and a message continued on indented lines", () => {
  const out = "../x/03-retry-async.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'.\r\n" +
    "exercises/01-download-files.ts(10,3): error TS2345: Argument of type 'number' is not assignable\n  to parameter of type 'string'.\n";
  expect(parseDiagnostics(out, path.join(REPO_ROOT, "sub"))).toEqual([
    { file: "x/03-retry-async.ts", line: 4, column: 7, code: 2322, message: "Type 'string' is not assignable to type 'number'." },
    { file: "sub/exercises/01-download-files.ts", line: 10, column: 3, code: 2345, message: "Argument of type 'number' is not assignable to parameter of type 'string'." },
  ]);
});

test("the compiler is started as its native executable where this platform has one, else through its Node wrapper", async () => {
  const { compilerCommand } = await import("../../graders/harness/engine/typecheck.ts");
  const here = compilerCommand()!;
  expect(path.basename(here.command)).toMatch(/^tsc(\.exe)?$/);
  expect(here.args).toEqual([]);
  const elsewhere = compilerCommand("aix", "ppc64")!;
  expect(elsewhere.command).toBe(process.execPath);
  expect(elsewhere.args[0]!.endsWith(path.join("bin", "tsc"))).toBe(true);
});
