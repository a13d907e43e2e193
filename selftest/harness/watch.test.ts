/**
 * npm run watch, as a learner uses it: start it, save a file, see the score change.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { REPO_ROOT } from "../../graders/harness/paths.ts";

const target = mkdtempSync(path.join(tmpdir(), "watch-test-"));
copyFileSync(path.join(REPO_ROOT, "exercises/03-retry-async.ts"), path.join(target, "03-retry-async.ts"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
const child = spawn(process.execPath, ["graders/harness/launch.mjs", "graders/harness/watch.ts", "03"], {
  cwd: REPO_ROOT,
  env: { ...clean, GRADE_TARGET: target },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
child.stdout.on("data", (d: Buffer) => (output += d.toString()));
child.stderr.on("data", (d: Buffer) => (output += d.toString()));
afterAll(() => {
  child.kill("SIGKILL");
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

  copyFileSync(path.join(REPO_ROOT, "solutions/03-retry-async.ts"), path.join(target, "03-retry-async.ts"));
  const second = await scoreboard(2);
  expect(second).toMatch(/30\/30 +complete/);
  expect(second).toContain("1/1 exercises complete");

  copyFileSync(path.join(REPO_ROOT, "fixtures/03-retry-async/submissions/wrong-linear-backoff.ts"), path.join(target, "03-retry-async.ts"));
  const third = await scoreboard(3);
  expect(third).toMatch(/22\/30/);
  expect(third).toMatch(/next: 03-retry-async — waits 100, 200, 400 ms/);
  expect(third).toContain("hint:");
}, 180_000);
