import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { findSubmissions, gradebookCsv, parseShard, shard } from "../../graders/harness/engine/batch.ts";
import { exportTemplate } from "../../tools/export.ts";
import { REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { buildReport } from "../../graders/harness/report/report.ts";

test("each subfolder is a learner; a whole repository is graded through its exercises/", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "class-"));
  mkdirSync(path.join(dir, "bo"));
  mkdirSync(path.join(dir, "al", "exercises"), { recursive: true });
  mkdirSync(path.join(dir, ".git"));
  expect(findSubmissions(dir)).toEqual([
    { name: "al", target: path.join(dir, "al", "exercises"), repository: path.join(dir, "al") },
    { name: "bo", target: path.join(dir, "bo") },
  ]);
  expect(() => findSubmissions(path.join(dir, "nope"))).toThrow(/not a folder/);
});

test("shards split a class into balanced, disjoint shares that cover it", () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  const shares = [1, 2, 3].map((i) => shard(items, `${i}/3`));
  expect(shares).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
  expect(shard(items)).toEqual(items);
  expect(() => parseShard("0/3")).toThrow(/i\/n/);
  expect(() => parseShard("4/3")).toThrow();
  expect(() => parseShard("x")).toThrow();
});

test("gradebook.csv: one row per learner, quoted where needed", () => {
  const report = buildReport("/t", []);
  const csv = gradebookCsv([{ name: 'o"brien, k', report }]);
  const [header, row] = csv.trim().split("\n");
  expect(header).toBe("learner,01-download-files,02-enrich-csv,03-retry-async,total,max,status,01-download-files status,02-enrich-csv status,03-retry-async status,modified");
  expect(row).toBe('"o""brien, k",0,0,0,0,100,error,error,error,error,');
  expect(gradebookCsv([{ name: "a", report }], false).split("\n")[0]).toMatch(/^a,/);
});

test("npm run grade -- --submissions grades a mixed class right, in bounded time", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "class-"));
  const out = mkdtempSync(path.join(tmpdir(), "gradebook-"));
  const put = (learner: string, from: string, ...files: string[]) => {
    mkdirSync(path.join(dir, learner), { recursive: true });
    for (const f of files) cpSync(path.join(REPO_ROOT, from, f), path.join(dir, learner, path.basename(f)));
  };
  const all = ["01-download-files.ts", "02-enrich-csv.ts", "03-retry-async.ts"];
  put("correct", "solutions", ...all);
  put("stubs", "exercises", ...all);
  put("hostile", "solutions", "01-download-files.ts", "02-enrich-csv.ts");
  cpSync(path.join(REPO_ROOT, "fixtures/03-retry-async/hostile/sync-infinite-loop.ts"), path.join(dir, "hostile/03-retry-async.ts"));
  put("repo/exercises", "solutions", ...all);
  cpSync(path.join(REPO_ROOT, "fixtures/03-retry-async/submissions/wrong-linear-backoff.ts"), path.join(dir, "repo/exercises/03-retry-async.ts"));
  // A whole learner repository whose grader was edited: graded with the course's graders, the edit listed.
  exportTemplate(path.join(dir, "edited"));
  put("edited/exercises", "solutions", ...all);
  cpSync(path.join(REPO_ROOT, "fixtures/03-retry-async/submissions/wrong-linear-backoff.ts"), path.join(dir, "edited/exercises/03-retry-async.ts"));
  appendFileSync(path.join(dir, "edited/graders/03-retry-async.test.ts"), "\n// made easier\n");
  const started = performance.now();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  execFileSync(process.execPath, ["--import", "tsx", "graders/harness/commands/cli.ts", "--submissions", dir, "--out", out], { cwd: REPO_ROOT, env: clean, stdio: "pipe" });
  const seconds = (performance.now() - started) / 1000;
  const lines = readFileSync(path.join(out, "gradebook.csv"), "utf8").trim().split("\n").slice(1);
  expect(lines.map((line) => line.split(",").slice(0, 7).join(","))).toEqual([
    "correct,35,35,30,100,100,passed",
    "edited,35,35,22,92,100,failed",
    "hostile,35,35,0,70,100,error",
    "repo,35,35,22,92,100,failed",
    "stubs,0,0,0,0,100,failed",
  ]);
  // The modified column: the edited repository's grader, nobody else's.
  expect(lines.map((line) => `${line.split(",")[0]}:${line.split(",").at(-1)}`)).toEqual(["correct:", "edited:graders/03-retry-async.test.ts", "hostile:", "repo:", "stubs:"]);
  const hostile = JSON.parse(readFileSync(path.join(out, "hostile.json"), "utf8")) as { exercises: { id: string; message?: string }[] };
  expect(hostile.exercises[2]!.message).toMatch(/never finished/);
  expect(seconds).toBeLessThan(90);
});
