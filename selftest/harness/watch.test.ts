/**
 * npm run watch, as a learner uses it: start it, save a file, see the score change.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { HTML_REPORT, REPO_ROOT } from "../../graders/harness/core/paths.ts";
import { killTree, treeRoot } from "../../graders/harness/engine/process-tree.ts";
import { forTerminal } from "../../graders/harness/report/terminal.ts";

const target = mkdtempSync(path.join(tmpdir(), "watch-test-"));
/** watch.ts's own temporary folder (its progress log: one <pid>.jsonl per worker process that ran checks). */
const childTmp = mkdtempSync(path.join(tmpdir(), "watch-test-tmp-"));
copyFileSync(path.join(REPO_ROOT, "exercises/03-retry-async.ts"), path.join(target, "03-retry-async.ts"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
const child = spawn(process.execPath, ["graders/harness/commands/launch.mjs", "graders/harness/commands/watch.ts", "03"], {
  cwd: REPO_ROOT,
  ...treeRoot(),
  env: { ...clean, GRADE_TARGET: target, TMPDIR: childTmp },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
child.stdout.on("data", (d: Buffer) => (output += d.toString()));
child.stderr.on("data", (d: Buffer) => (output += d.toString()));
afterAll(() => {
  killTree(child);
});

/** Waits (really: this test drives a person's terminal session) until the n-th scoreboard is printed. */
async function scoreboard(n: number, timeoutMs = 60_000): Promise<string> {
  const started = Date.now();
  while (output.split("graded in").length - 1 < n) {
    if (Date.now() - started > timeoutMs) throw new Error(`no scoreboard #${n} after ${timeoutMs} ms:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return output.split("Async TypeScript — scoreboard").at(-1)!;
}

test("shows the scoreboard, then the new score after every save", async () => {
  const first = await scoreboard(1);
  expect(first).toMatch(/03-retry-async .* 0\/30 +not started yet/);
  expect(first).toContain("next: 03-retry-async");
  expect(first).toContain("0/1 exercises complete");

  // The solution with a type error on line 1: full marks, and the error as a warning.
  writeFileSync(path.join(target, "03-retry-async.ts"), `const label: number = "attempts";\n${readFileSync(path.join(REPO_ROOT, "solutions/03-retry-async.ts"), "utf8")}`);
  const second = await scoreboard(2);
  expect(second).toContain(forTerminal("⚠ TypeScript finds 1 type error in your code (it costs no points, but fix it):"));
  expect(second).toContain("03-retry-async.ts:1:7  Type 'string' is not assignable to type 'number'.");
  // Between the save and the new score, the old one was marked as stale.
  const between = output.split("graded in")[1]!.split("Async TypeScript — scoreboard")[0]!;
  expect(between).toContain("⟳ grading 03-retry-async… (the result above is from before your save)");
  expect(second).toMatch(/30\/30 +complete/);
  expect(second).toContain("1/1 exercises complete");
  // The HTML report follows the grade, and reloads itself while watch mode runs.
  expect(second).toContain("Pictures of your code's timelines: reports/grade.html");
  await until("the HTML report of the second grade", () => {
    const html = existsSync(HTML_REPORT) ? readFileSync(HTML_REPORT, "utf8") : "";
    return html.includes("<h1>Grade: 30/30</h1>") && html.includes("location.reload()") ? true : undefined;
  });

  copyFileSync(path.join(REPO_ROOT, "fixtures/03-retry-async/submissions/wrong-linear-backoff.ts"), path.join(target, "03-retry-async.ts"));
  const third = await scoreboard(3);
  expect(third).toMatch(/22\/30/);
  expect(third, "the warning goes once the type error is fixed").not.toContain("TypeScript finds");
  expect(third).toMatch(/next: 03-retry-async — waits 100, 200, 400 ms/);
  expect(third).toContain("hint:");
}, 180_000);

/** Pids of watch mode's spare worker processes (forked with warm-imports.mjs, see warm-pool.ts). */
function spares(): number[] {
  let ps = "";
  try {
    ps = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(child.pid)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when the process has no children
  }
  return ps.split("\n").filter((line) => line.includes("warm-imports.mjs")).map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** Pids of the worker processes that have run checks (their progress logs). */
function gradingPids(): number[] {
  const dir = readdirSync(childTmp).find((name) => name.startsWith("grade-watch-"));
  if (!dir || !existsSync(path.join(childTmp, dir))) return [];
  return readdirSync(path.join(childTmp, dir)).map((name) => Number(name.replace(/\.jsonl$/, "")));
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.runIf(process.platform === "linux")("a save is graded by a worker process that was already started while the learner typed", async () => {
  await scoreboard(3);
  const spare = await until("a spare worker process is waiting", () => spares()[0]);
  expect(gradingPids()).not.toContain(spare);
  copyFileSync(path.join(REPO_ROOT, "solutions/03-retry-async.ts"), path.join(target, "03-retry-async.ts"));
  expect(await scoreboard(4)).toMatch(/30\/30 +complete/);
  expect(gradingPids(), "the spare graded the save").toContain(spare);
  const next = await until("a new spare replaces the one used", () => spares().find((pid) => pid !== spare));
  expect(next).not.toBe(spare);
}, 120_000);

test("after a hang is reported and the file fixed, the next save shows the fixed score (no stale hang)", async () => {
  await scoreboard(3);
  const before = output.split("graded in").length - 1;
  copyFileSync(path.join(REPO_ROOT, "fixtures/03-retry-async/hostile/sync-infinite-loop.ts"), path.join(target, "03-retry-async.ts"));
  const hung = await scoreboard(before + 1, 90_000);
  expect(hung).toMatch(/never finished/);
  copyFileSync(path.join(REPO_ROOT, "solutions/03-retry-async.ts"), path.join(target, "03-retry-async.ts"));
  expect(await scoreboard(before + 2)).toMatch(/30\/30 +complete/);
  // The watchdog's old log of the stopped worker must not mark a later run as hung either.
  await new Promise((r) => setTimeout(r, 1_500));
  copyFileSync(path.join(REPO_ROOT, "fixtures/03-retry-async/submissions/wrong-linear-backoff.ts"), path.join(target, "03-retry-async.ts"));
  const later = await scoreboard(before + 3);
  expect(later).toMatch(/22\/30/);
  expect(later).not.toMatch(/never finished|hung/);
}, 180_000);

/** util-linux `script` gives the command a real pseudo-terminal: stdin is a TTY, so watch mode reads keys raw. */
const hasScript = process.platform === "linux" && (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Starts a watch session of its own (through a pipe, or in a pseudo-terminal), waits for its first
 * scoreboard, types `keys`, and checks it quit: exit 0, "watch stopped.", no process left in its group,
 * no temporary folder left, and the HTML report left without its reload.
 */
async function quitsOn(keys: string, terminal: boolean): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), "watch-quit-tmp-"));
  const watchArgs = [process.execPath, "graders/harness/commands/launch.mjs", "graders/harness/commands/watch.ts", "03"];
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const [command, ...args] = terminal ? ["script", "--quiet", "--return", "--flush", "--command", watchArgs.map(quote).join(" "), "/dev/null"] : watchArgs;
  const session = spawn(command!, args, {
    cwd: REPO_ROOT,
    ...treeRoot(),
    env: { ...clean, GRADE_TARGET: target, TMPDIR: tmp },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  session.stdout.on("data", (d: Buffer) => (out += d.toString()));
  session.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => session.once("exit", (code) => resolve(code)));
  try {
    await until("the first scoreboard", () => (out.includes("q to quit") ? true : undefined), 60_000);
    session.stdin.write(keys);
    expect(await exited).toBe(0);
    expect(out).toContain("watch stopped.");
    const groupAlive = () => {
      try {
        process.kill(-session.pid!, 0);
        return true;
      } catch {
        return undefined;
      }
    };
    if (process.platform !== "win32") await until("the process group to be gone", () => (groupAlive() ? undefined : true), 10_000);
    expect(readdirSync(tmp).filter((name) => name.startsWith("grade-watch-"))).toEqual([]);
    // The HTML report stays, without its self-reload (nothing rewrites it any more).
    const html = readFileSync(HTML_REPORT, "utf8");
    expect(html).toContain("<h1>Grade: ");
    expect(html).not.toContain("location.reload()");
  } finally {
    killTree(session);
  }
}

test("q (a line, from a pipe) quits: exit 0, no process left in its group, no temporary folder left", () => quitsOn("q\n", false), 120_000);

for (const [key, name] of [["q", "q"], ["\u0003", "Ctrl-C"]] as const) {
  test.runIf(hasScript)(`in a terminal, ${name} quits at once (one key, no Enter): exit 0, no process left, no temporary folder left`, () => quitsOn(key, true), 120_000);
}
