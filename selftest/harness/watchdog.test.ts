import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { UNCONFIRMED, applyHang, confirmPasses } from "../../graders/harness/engine/engine.ts";
import { progressKey, readProgress, signedLine, type ProgressEvent } from "../../graders/harness/core/progress.ts";
import { Watchdog } from "../../graders/harness/engine/watchdog.ts";

/** Appends events as a worker does: signed with the engine's key (progress.ts). */
function log(dir: string, pid: number, ...events: object[]) {
  for (const e of events) appendFileSync(path.join(dir, `${pid}.jsonl`), signedLine(progressKey(), pid, e as ProgressEvent));
}

test("kills a worker whose check runs longer than the limit, and only that one", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-"));
  const base = { run: "r", file: "/g/03.test.ts" };
  log(dir, 11, { event: "start", check: "a", ...base }, { event: "end", check: "a", state: "passed", ...base }, { event: "start", check: "b", ...base });
  log(dir, 12, { event: "start", check: "x", ...base }, { event: "end", check: "x", state: "passed", ...base });
  let now = 0;
  const killed: number[] = [];
  const dog = new Watchdog(dir, 1_000, { kill: (pid) => void killed.push(pid), owns: () => true, now: () => now });
  dog.poll();
  now = 999;
  dog.poll();
  expect(killed).toEqual([]);
  now = 1_001;
  dog.poll();
  dog.poll();
  expect(killed).toEqual([11]);
  expect(dog.hung).toMatchObject([{ pid: 11, check: "b", run: "r", file: "/g/03.test.ts" }]);
  expect(readProgress(dir).get(12)).toHaveLength(2);
});

test("a worker moving on to the next check restarts its clock", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-"));
  const base = { run: "r", file: "/g" };
  log(dir, 5, { event: "start", check: "a", ...base });
  let now = 0;
  const killed: number[] = [];
  const dog = new Watchdog(dir, 1_000, { kill: (pid) => void killed.push(pid), owns: () => true, now: () => now });
  dog.poll();
  now = 900;
  log(dir, 5, { event: "end", check: "a", state: "passed", ...base }, { event: "start", check: "b", ...base });
  dog.poll();
  now = 1_500;
  dog.poll();
  expect(killed).toEqual([]);
});

test("stops a pid once: after its hang is reported, the stale log never gets it (or a process that reused it) killed again", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-"));
  log(dir, 21, { event: "start", check: "loop", run: "r", file: "/g" });
  let now = 0;
  const killed: number[] = [];
  const dog = new Watchdog(dir, 1_000, { kill: (pid) => void killed.push(pid), owns: () => true, now: () => now });
  dog.poll();
  now = 1_500;
  dog.poll();
  expect(dog.hung.splice(0).map((h) => h.pid)).toEqual([21]); // watch mode reports it and clears the list
  for (now = 1_600; now < 30_000; now += 100) dog.poll();
  expect(killed).toEqual([21]);
  expect(dog.hung).toEqual([]);
});

test("kills only workers of its own pool", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-"));
  log(dir, 31, { event: "start", check: "a", run: "r", file: "/g" });
  log(dir, 32, { event: "start", check: "b", run: "r", file: "/g" });
  let now = 0;
  const killed: number[] = [];
  const dog = new Watchdog(dir, 1_000, { kill: (pid) => void killed.push(pid), owns: (pid) => pid === 32, now: () => now });
  dog.poll();
  now = 2_000;
  dog.poll();
  expect(killed).toEqual([32]);
  expect(dog.hung.map((h) => h.pid)).toEqual([32]);
});

test("applyHang keeps verdicts logged before the hang, names the hung check, marks the rest not run", () => {
  const file = "/g/03.test.ts";
  const modules = [{ file, errors: [], checks: ["a", "b", "c"].map((name) => ({ name, state: "pending" as const, errors: [] })) }];
  applyHang(modules, { run: "r", file, check: "b", pid: 1, events: [
    { event: "start", run: "r", file, check: "a" },
    { event: "end", run: "r", file, check: "a", state: "failed", error: { name: "CheckFailure", message: "wrong" } },
    { event: "start", run: "r", file, check: "b" },
  ] }, 8_000);
  const [m] = modules;
  expect(m!.checks.map((c) => [c.name, c.state, (c.errors as { message: string }[])[0]?.message.slice(0, 30)])).toEqual([
    ["a", "failed", "wrong"],
    ["b", "failed", 'the check "b" never finished: '],
    ["c", "failed", 'not run: the check "b" hung an'],
  ]);
  expect(m!.errors).toHaveLength(1);
});

test("a line without a valid signature is not read: forged, copied from another pid, or signed with another key", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-"));
  const passed = { event: "end", check: "a", state: "passed", run: "r", file: "/g" } as const;
  log(dir, 31, { event: "start", check: "a", run: "r", file: "/g" });
  appendFileSync(path.join(dir, "31.jsonl"), JSON.stringify(passed) + "\n"); // no signature
  appendFileSync(path.join(dir, "31.jsonl"), signedLine(progressKey(), 32, passed)); // another worker's line
  appendFileSync(path.join(dir, "31.jsonl"), signedLine("not the key", 31, passed));
  appendFileSync(path.join(dir, "31.jsonl"), signedLine(progressKey(), 31, passed).replace('"passed"', '"failed"')); // altered
  expect(readProgress(dir).get(31)).toEqual([{ event: "start", check: "a", run: "r", file: "/g" }]);
  log(dir, 31, passed);
  expect(readProgress(dir).get(31)).toHaveLength(2);
});

test("confirmPasses: a check vitest saw pass counts only with its worker's logged pass for this run and file", () => {
  const file = "/g/03.test.ts";
  const check = (name: string) => ({ name, state: "passed" as const, errors: [] });
  const modules = [{ file, errors: [], checks: [check("logged"), check("not logged"), check("other run"), check("other file")] }];
  const end = (name: string, run = "r", f = file) => ({ event: "end" as const, check: name, state: "passed" as const, run, file: f });
  confirmPasses(modules, [end("logged"), end("other run", "r2"), end("other file", "r", "/g/01.test.ts")], "r");
  expect(modules[0]!.checks.map((c) => c.state)).toEqual(["passed", "failed", "failed", "failed"]);
  expect(modules[0]!.checks[1]!.errors).toEqual([{ name: "GradingError", message: UNCONFIRMED }]);
});
