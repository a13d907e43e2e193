/**
 * The course works from any folder a learner clones it into, and from a checkout with CRLF line ends:
 * `npm test`, `npm run hint` and `npm run try` there, as a learner runs them.
 *   - a folder whose path has a space and a non-ASCII letter (`file:` URLs percent-encode both);
 *   - every text file with CRLF line ends (Git for Windows without .gitattributes, a Windows editor);
 *   - a `git -c core.autocrlf=true` clone checks out LF anyway (.gitattributes).
 * Each copy holds the course's files (committed or not) and links the course's node_modules.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The course's files (tracked and new, not ignored), relative to the repository root. */
function courseFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && !f.startsWith("node_modules/"));
}

const TEXT = /\.(ts|mjs|js|json|md|csv|yml|sh)$/;

/** A copy of the course in `<temp>/<folder>`, its node_modules linked, text files through `transform`. */
function copyCourse(folder: string, transform: (text: string) => string = (t) => t): string {
  const root = mkdtempSync(path.join(tmpdir(), "course-copy-"));
  roots.push(root);
  const dir = path.join(root, folder);
  for (const file of courseFiles()) {
    const from = path.join(REPO_ROOT, file);
    const to = path.join(dir, file);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      if (TEXT.test(file)) writeFileSync(to, transform(readFileSync(from, "utf8")));
      else copyFileSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted but not yet committed
    }
  }
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), process.platform === "win32" ? "junction" : "dir");
  return dir;
}

const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && !k.startsWith("npm_")));

/** Runs an npm script as a learner does; returns its exit code and everything it printed. */
function npm(cwd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync("npm", args, { cwd, env: { ...clean, NO_COLOR: "1" }, encoding: "utf8", timeout: 180_000, shell: process.platform === "win32" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function useSolutions(dir: string): void {
  for (const { id } of EXERCISES) copyFileSync(path.join(dir, "solutions", `${id}.ts`), path.join(dir, "exercises", `${id}.ts`));
}

describe("a folder whose path has a space and a non-ASCII letter", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyCourse(path.join("My Courses", "Zoë's async-ts"));
  });

  test("npm test prints the scoreboard and exits 1 on the stubs", () => {
    const { code, out } = npm(dir, ["test"]);
    expect(out).toContain("Async TypeScript — scoreboard for exercises/");
    expect(out).toMatch(/Total 0\/100/);
    expect(code).toBe(1);
  });

  test("npm run hint prints the first hint", () => {
    const { code, out } = npm(dir, ["run", "hint", "--", "03"]);
    expect(out).toMatch(/Hint 1/);
    expect(code).toBe(0);
  });

  test("npm run try runs the learner's code (stub: not started, exit 1)", () => {
    const { code, out } = npm(dir, ["run", "try", "--", "03", "--fast"]);
    expect(out).toContain("not started yet — open exercises/03-retry-async.ts");
    expect(code).toBe(1);
  });

  test("with the solutions: npm test exits 0 at 100/100, try exits 0", () => {
    useSolutions(dir);
    const test = npm(dir, ["test"]);
    expect(test.out).toMatch(/Total 100\/100/);
    expect(test.out).not.toContain("modified tests");
    expect(test.code).toBe(0);
    const tried = npm(dir, ["run", "try", "--", "03", "--fast"]);
    expect(tried.out).toContain("For real, your code does what the graders check.");
    expect(tried.code).toBe(0);
  });
});

describe("a checkout with CRLF line ends", () => {
  test("the solutions get 100/100, with no 'modified tests' warning, and hints read", () => {
    const dir = copyCourse("crlf", (text) => text.replace(/\r?\n/g, "\r\n"));
    expect(readFileSync(path.join(dir, "fixtures/02-enrich-csv/people.csv"), "utf8")).toContain("\r\n");
    useSolutions(dir);
    const { code, out } = npm(dir, ["test"]);
    expect(out).toMatch(/Total 100\/100/);
    expect(out).not.toContain("modified tests");
    expect(code).toBe(0);
    const hint = npm(dir, ["run", "hint", "--", "02"]);
    expect(hint.out).toMatch(/Hint 1/);
    expect(hint.out).not.toContain("\r");
  });

  test("a core.autocrlf=true clone checks text out with LF (.gitattributes), binary fixtures untouched", () => {
    const root = mkdtempSync(path.join(tmpdir(), "crlf-clone-"));
    roots.push(root);
    execFileSync("git", ["-c", "core.autocrlf=true", "clone", "-q", "--no-hardlinks", REPO_ROOT, root], { stdio: "ignore" });
    for (const file of ["fixtures/02-enrich-csv/people.csv", "fixtures/03-retry-async/hints.md", "graders/03-retry-async.test.ts"]) {
      expect(readFileSync(path.join(root, file), "utf8"), file).not.toContain("\r\n");
    }
    expect(readFileSync(path.join(root, "fixtures/01-download-files/files/logo.png"))).toEqual(readFileSync(path.join(REPO_ROOT, "fixtures/01-download-files/files/logo.png")));
  });
});
