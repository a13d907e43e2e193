/**
 * npm run export: the learner template holds what learners need and nothing of the maintainers'; with this
 * repository's node_modules linked in (nothing installed), it grades the stubs at 0/100 and the solutions at
 * 100/100. The Gradescope variant grades a submission into results.json.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXERCISES } from "../../graders/harness/core/exercises.ts";
import { ExportRefused, exportTemplate, exportTemplateFrom, learnerGitignore, learnerLock, learnerPackageJson, learnerReadme, learnerTsconfig, main } from "../../tools/export.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import type { GradeReport } from "../../graders/harness/report/report.ts";

const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && !k.startsWith("npm_")));

/** Runs a command in `cwd`; returns its exit code and output instead of throwing. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string } {
  try {
    const out = execFileSync(command, args, { cwd, env: { ...clean, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number | null; stdout?: string; stderr?: string };
    return { code: e.status ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function listFiles(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const child = rel ? `${rel}/${d.name}` : d.name;
    if (d.name === "node_modules") return [];
    return d.isDirectory() ? listFiles(dir, child) : [child];
  });
}

describe("learner files", () => {
  test("package.json loses the maintainers' scripts and packages (Stryker), and keeps the other dependencies", () => {
    const pkg = {
      scripts: { test: "tsx graders/harness/commands/cli.ts", hint: "tsx graders/harness/help/hint.ts", selftest: "vitest", workflow: "x", export: "x", mutation: "x", bench: "x", lint: "node selftest/lint.ts" },
      devDependencies: { vitest: "~4.1", "@stryker-mutator/core": "9.6.1", "@stryker-mutator/vitest-runner": "9.6.1", msw: "^2.15.0" },
    };
    const out = JSON.parse(learnerPackageJson(JSON.stringify(pkg))) as typeof pkg;
    expect(Object.keys(out.scripts)).toEqual(["test", "hint"]);
    expect(out.devDependencies).toEqual({ vitest: "~4.1", msw: "^2.15.0" });
  });

  test("the lock file loses the maintainer packages and what only they need, found as Node finds it", () => {
    const lock = {
      name: "course",
      lockfileVersion: 3,
      packages: {
        "": { devDependencies: { a: "^1", "@stryker-mutator/core": "9.6.1" } },
        "node_modules/a": { version: "1.0.0", dependencies: { b: "^1", c: "^2" }, devDependencies: { "dev-only": "1" } },
        "node_modules/b": { version: "1.0.0" }, // hoisted: a finds it at the top
        "node_modules/a/node_modules/c": { version: "2.0.0", optionalDependencies: { e: "^1" } }, // nested under a
        "node_modules/c": { version: "1.0.0" }, // only Stryker uses c@1
        "node_modules/e": { version: "1.0.0", optional: true },
        "node_modules/dev-only": { version: "1.0.0" }, // a package's own devDependencies are never installed
        "node_modules/@stryker-mutator/core": { version: "9.6.1", dependencies: { b: "^1", c: "^1", d: "^1" } },
        "node_modules/d": { version: "1.0.0" },
      },
    };
    const out = JSON.parse(learnerLock(JSON.stringify(lock))) as typeof lock;
    expect(Object.keys(out.packages)).toEqual(["", "node_modules/a", "node_modules/b", "node_modules/a/node_modules/c", "node_modules/e"]);
    expect(out.packages[""]).toEqual({ devDependencies: { a: "^1" } });
    expect(out.packages["node_modules/a/node_modules/c"]).toEqual(lock.packages["node_modules/a/node_modules/c"]);
    expect(out).toMatchObject({ name: "course", lockfileVersion: 3 });
    expect(() => learnerLock(JSON.stringify({ lockfileVersion: 1, dependencies: {} }))).toThrow(/lockfile version 2/);
  });

  test("tsconfig keeps only the folders the template has; .gitignore ignores hint levels; README loses its maintainers' part", () => {
    const tsconfig = JSON.parse(learnerTsconfig(JSON.stringify({ include: ["exercises", "solutions", "selftest", "graders", "vitest.config.ts"] }), (d) => !["solutions", "selftest"].includes(d))) as { include: string[] };
    expect(tsconfig.include).toEqual(["exercises", "graders", "vitest.config.ts"]);
    expect(learnerGitignore("node_modules/\n/tmp/\n.stryker-tmp/\ncoverage/\nr.json\n")).toBe("node_modules/\nr.json\nreports/\n.hints.json\n");
    expect(learnerReadme("# Course\nlearn\n<!-- maintainers:start -->\n## Self-test\nnpm run selftest\n<!-- maintainers:end -->\n## More\n")).toBe("# Course\nlearn\n## More\n");
  });
});

describe("npm run export", () => {
  let dir: string;
  let files: string[];

  beforeAll(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), "export-")), "template");
    files = exportTemplate(dir);
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  });
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true })); // removes the link, not node_modules

  test("holds the stubs, graders, harness, fixtures, workflow and configs", () => {
    expect(listFiles(dir).sort()).toEqual([...files].sort());
    for (const { id } of EXERCISES) {
      expect(files).toContain(`exercises/${id}.ts`);
      expect(files).toContain(`graders/${id}.test.ts`);
      expect(readFileSync(path.join(dir, "exercises", `${id}.ts`), "utf8")).toBe(readFileSync(path.join(REPO_ROOT, "exercises", `${id}.ts`), "utf8"));
    }
    for (const f of ["graders/harness/commands/cli.ts", "graders/harness/engine/engine.ts", "graders/harness/help/hint.ts", "graders/harness/help/try/main.ts", "fixtures/03-retry-async/hints.md"]) expect(files).toContain(f);
    for (const f of [".github/workflows/classroom.yml", ".gitattributes", "package.json", "package-lock.json", "tsconfig.json", "vitest.config.ts", ".gitignore", "README.md"]) expect(files).toContain(f);
    expect(files, "the maintainers' CI workflow is never exported").not.toContain(".github/workflows/ci.yml");
    expect(readFileSync(path.join(dir, ".github/workflows/classroom.yml"), "utf8")).toBe(readFileSync(path.join(REPO_ROOT, ".github/workflows/classroom.yml"), "utf8"));
  });

  test("its lock file installs what learners need and no Stryker: npm finds it consistent with package.json", () => {
    const lock = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const course = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((k) => k.includes("stryker"))).toEqual([]);
    for (const [key, entry] of Object.entries(lock.packages)) if (key) expect(entry, key).toEqual(course.packages[key]);
    for (const name of ["node_modules/vitest", "node_modules/msw", "node_modules/memfs", "node_modules/@sinonjs/fake-timers", "node_modules/tsx", "node_modules/typescript"]) {
      expect(lock.packages, name).toHaveProperty([name]);
    }
    expect(Object.keys(lock.packages).length).toBeLessThan(Object.keys(course.packages).length);
    // `npm ls` reads only the lock here (offline): exit 0 means every dependency of every package is in it.
    const ls = run("npm", ["ls", "--package-lock-only", "--all"], dir);
    expect(ls.code, ls.out).toBe(0);
  });

  test("holds no solutions, self-test, CI, known submissions or maintainer tools", () => {
    for (const f of files) {
      expect(f).not.toMatch(/^(solutions|selftest|\.ci|gradescope|tmp)\//);
      expect(f).not.toMatch(/\/(submissions|hostile)\//);
      if (f.endsWith(".ts")) expect(readFileSync(path.join(dir, f), "utf8"), f).not.toMatch(/^\/\/ expect:/);
      expect(f).not.toMatch(/^graders\/harness\/(classroom|export)\.ts$/);
    }
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    expect(scripts).toEqual(expect.arrayContaining(["test", "grade", "hint", "try"]));
    for (const s of ["selftest", "export", "workflow", "mutation", "bench"]) expect(scripts).not.toContain(s);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toContain(".hints.json");
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).not.toContain(".stryker-tmp/");
    expect(files.some((f) => f.startsWith("classroom50/"))).toBe(false);
  });

  test("its README tells learners how to submit, lists their commands only, and every table holds together", () => {
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toContain("## Submitting");
    expect(readme).toMatch(/Commit and push\. Every push is graded on GitHub/);
    expect(readme).not.toContain("npm run grade");
    expect(readme).not.toContain("maintainers:");
    // A table is header, separator and rows with no blank line between them.
    const lines = readme.split("\n");
    lines.forEach((line, i) => {
      if (/^\|---/.test(line)) expect(lines[i - 1], `line ${i}: a separator needs its header`).toMatch(/^\|/);
      if (/^\|/.test(line) && /^\|/.test(lines[i - 2] ?? "") && lines[i - 1] === "") expect.fail(`a blank line splits the table at line ${i}`);
    });
  });

  test("type-checks as it is (the editor sees no error)", () => {
    const { code, out } = run(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."], dir);
    expect(out).toBe("");
    expect(code).toBe(0);
  });

  test("npm test grades the stubs at 0/100 (exit 1), then the solutions at 100/100 (exit 0)", () => {
    const stubs = run("npm", ["test", "--", "--json", "reports/stubs.json"], dir);
    expect(stubs.code, stubs.out).toBe(1);
    expect(stubs.out).toContain("Total 0/100");
    const before = JSON.parse(readFileSync(path.join(dir, "reports/stubs.json"), "utf8")) as GradeReport;
    expect([before.score, before.maxScore]).toEqual([0, 100]);
    expect(before.target).toBe(path.join(dir, "exercises"));

    for (const { id } of EXERCISES) cpSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), path.join(dir, "exercises", `${id}.ts`));
    const solved = run("npm", ["test", "--", "--json", "reports/solved.json"], dir);
    expect(solved.code, solved.out).toBe(0);
    expect(solved.out).toContain("Total 100/100");
    const after = JSON.parse(readFileSync(path.join(dir, "reports/solved.json"), "utf8")) as GradeReport;
    expect([after.score, after.maxScore]).toEqual([100, 100]);
  });

  test("refuses to write over a folder that is not empty", () => {
    expect(() => exportTemplate(dir)).toThrow(/not empty/);
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      expect(main([dir])).toBe(1);
      expect(main([])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/--force/);
  });
});

describe("an instructor who solved the exercises in their copy", () => {
  const root = mkdtempSync(path.join(tmpdir(), "export-solved-"));
  const course = path.join(root, "course");
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(() => {
    execFileSync("git", ["clone", "-q", REPO_ROOT, course], { stdio: "ignore" });
    for (const { id } of EXERCISES) cpSync(path.join(REPO_ROOT, "solutions", `${id}.ts`), path.join(course, "exercises", `${id}.ts`));
  });

  test("a git checkout: the template's exercises/ are the committed stubs, byte for byte, and export says so", () => {
    const out = path.join(root, "template");
    const { stubs } = exportTemplateFrom(out, {}, course);
    expect(stubs).toEqual({ from: "commit", differing: EXERCISES.map((e) => `exercises/${e.id}.ts`) });
    for (const { id } of EXERCISES) {
      const committed = execFileSync("git", ["cat-file", "blob", `HEAD:exercises/${id}.ts`], { cwd: course });
      expect(readFileSync(path.join(out, "exercises", `${id}.ts`)).equals(committed), `${id}.ts`).toBe(true);
    }
  });

  test("not a git checkout: export refuses, naming the files that are not stubs", () => {
    const plain = path.join(root, "plain");
    cpSync(course, plain, { recursive: true, filter: (src) => path.basename(src) !== ".git" });
    expect(() => exportTemplateFrom(path.join(root, "refused"), {}, plain)).toThrow(ExportRefused);
    expect(() => exportTemplateFrom(path.join(root, "refused"), {}, plain)).toThrow(/exercises\/01-download-files\.ts, .* are not stubs .* not a git checkout/);
    expect(existsSync(path.join(root, "refused"))).toBe(false);
    for (const { id } of EXERCISES) cpSync(path.join(REPO_ROOT, "exercises", `${id}.ts`), path.join(plain, "exercises", `${id}.ts`));
    expect(exportTemplateFrom(path.join(root, "restored"), {}, plain).stubs).toEqual({ from: "working copy", differing: [] });
  });
});

describe("Gradescope autograder (export --gradescope)", () => {
  test("run_autograder takes the submitted file, grades it and writes results.json", () => {
    const root = mkdtempSync(path.join(tmpdir(), "gradescope-"));
    const source = path.join(root, "source");
    const files = exportTemplate(source, { gradescope: true });
    expect(files).toEqual(expect.arrayContaining(["setup.sh", "run_autograder"]));
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(source, "node_modules"), "dir");
    // A learner uploads one finished exercise, in a folder of their own.
    mkdirSync(path.join(root, "submission", "my work"), { recursive: true });
    cpSync(path.join(REPO_ROOT, "solutions", "03-retry-async.ts"), path.join(root, "submission", "my work", "03-retry-async.ts"));
    writeFileSync(path.join(root, "submission", "notes.txt"), "done!");

    const { code, out } = run("bash", [path.join(source, "run_autograder")], root, { AUTOGRADER_ROOT: root });
    expect(code, out).toBe(0);
    expect(out).toContain("graded: my work/03-retry-async.ts");
    expect(out).toContain("not submitted: 01-download-files.ts");
    const results = JSON.parse(readFileSync(path.join(root, "results", "results.json"), "utf8")) as { score: number; tests: { name: string; score: number; max_score: number; status: string }[] };
    expect(results.score).toBe(30);
    expect(results.tests.reduce((s, t) => s + t.max_score, 0)).toBe(100);
    expect(results.tests.filter((t) => t.name.startsWith("03-retry-async")).every((t) => t.status === "passed")).toBe(true);
    expect(results.tests.filter((t) => t.name.startsWith("01-download-files")).every((t) => t.status === "failed")).toBe(true);
    expect(existsSync(path.join(source, "exercises", "01-download-files.ts"))).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});
