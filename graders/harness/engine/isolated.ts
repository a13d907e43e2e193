/**
 * The engine in a child process of its own, with a deadline: learner output never reaches the terminal.
 *
 * Runs the grading engine in a child process of its own, the root of a process tree (process-tree.ts):
 * - nothing learner code writes to stdout/stderr (console, process.stdout.write, even fs.writeSync(1, …))
 *   reaches the terminal or a CI log, so it can never forge a scoreboard or a workflow command;
 * - a deadline, Ctrl-C or SIGTERM kills the whole tree (engine and every vitest worker) and removes the
 *   run's temporary folder (the engine's progress logs live in it too), so nothing outlives the command.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GradeOptions, GradeRun } from "./engine.ts";
import { EXERCISES } from "../core/exercises.ts";
import { REPO_ROOT } from "../core/paths.ts";
import { noNetworkPrefix } from "../sandbox/permissions.ts";
import { killTree, treeRoot } from "./process-tree.ts";
import { onShutdown } from "./shutdown.ts";
import { ungradedReport, type GradeReport } from "../report/report.ts";

export const CHILD_SCRIPT = path.join(REPO_ROOT, "graders", "harness", "engine", "engine-child.ts");
export const LAUNCHER = path.join(REPO_ROOT, "graders", "harness", "commands", "launch.mjs");

export class GradingTimeout extends Error {}

/** Keeps the last `max` characters written to a stream: enough to explain a crash, never unbounded. */
function tail(max: number) {
  let text = "";
  return {
    push: (chunk: Buffer) => {
      text = (text + chunk.toString("utf8")).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

/**
 * The engine's exit code, once it has exited and its output has been read. Waits for `exit`, not `close`:
 * a worker that escaped the kill (on Windows, one being started at that moment) can hold the inherited
 * pipes open forever, so after the exit the output gets a moment to drain and the pipes are then closed.
 */
async function exitOf(child: ChildProcess): Promise<number | null> {
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (exitCode) => resolve(exitCode));
  });
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  child.stdout?.destroy();
  child.stderr?.destroy();
  return code;
}

export interface IsolatedOptions extends GradeOptions {
  deadlineMs: number;
  /** Called as grader files finish: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The engine ended without a report, and not because of the deadline: learner code ended it. */
export class EngineDied extends Error {}

/**
 * Grades `runs` in one engine process. If learner code ends that process (process.kill(process.ppid), a
 * crash that takes it down), the exercises are graded again apart, each run on its own and then each
 * exercise on its own, so only the exercise whose code ends the engine again is charged, with a true
 * message. Everything stays within the one deadline.
 */
export async function gradeIsolated(runs: GradeRun[], options: IsolatedOptions): Promise<GradeReport[]> {
  const deadline = performance.now() + options.deadlineMs;
  try {
    return await gradeOnce(runs, options);
  } catch (error) {
    if (!(error instanceof EngineDied)) throw error;
    const reports: GradeReport[] = [];
    for (const run of runs) reports.push(await gradeApart(run, options, deadline, error));
    return reports;
  }
}

/** One run graded again in an engine of its own; if that dies too, each of its exercises apart. */
async function gradeApart(run: GradeRun, options: IsolatedOptions, deadline: number, first: EngineDied): Promise<GradeReport> {
  const left = () => Math.max(1_000, deadline - performance.now());
  const ids = run.exercises?.length ? run.exercises : EXERCISES.map((e) => e.id);
  const parts: GradeReport[] = [];
  for (const id of ids) {
    const checks = run.checks?.filter((c) => c.startsWith(`${id}/`));
    if (run.checks?.length && !checks?.length) continue;
    try {
      const [report] = await gradeOnce([{ ...run, exercises: [id], ...(checks ? { checks } : {}) }], { ...options, deadlineMs: left(), onProgress: undefined });
      parts.push(report!);
    } catch (error) {
      if (error instanceof GradingTimeout) parts.push(ungradedReport(path.resolve(run.target), error.message, [id]));
      else if (error instanceof EngineDied) parts.push(ungradedReport(path.resolve(run.target), `your code ended the grading process (${error.message || first.message}); a function must never end or kill the process that runs it`, [id]));
      else throw error;
    }
  }
  const exercises = parts.flatMap((p) => p.exercises);
  const modified = parts.find((p) => p.modified)?.modified;
  return {
    target: path.resolve(run.target),
    score: exercises.reduce((sum, e) => sum + e.score, 0),
    maxScore: exercises.reduce((sum, e) => sum + e.maxScore, 0),
    exercises,
    ...(modified ? { modified } : {}),
  };
}

async function gradeOnce(runs: GradeRun[], { deadlineMs, onProgress, ...options }: IsolatedOptions): Promise<GradeReport[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "grade-"));
  const request = path.join(dir, "request.json");
  const result = path.join(dir, "result.json");
  const workDir = path.join(dir, "work");
  mkdirSync(workDir);
  writeFileSync(request, JSON.stringify({ runs, options: { ...options, workDir } }));
  const output = tail(8_000);
  let child: ReturnType<typeof spawn> | undefined;
  const stop = () => killTree(child);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const cancelShutdown = onShutdown(() => {
    stop();
    removeDir();
  });
  try {
    // Without network where the system allows it (permissions.ts); `unshare` execs node in its own pid.
    const [command, ...args] = [...noNetworkPrefix(), process.execPath, LAUNCHER, CHILD_SCRIPT, request, result];
    child = spawn(command!, args, {
      cwd: REPO_ROOT,
      ...treeRoot(),
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    child.on("message", (message: { done?: number; total?: number }) => {
      if (typeof message.done === "number" && typeof message.total === "number") onProgress?.(message.done, message.total);
    });
    child.stdout!.on("data", output.push);
    child.stderr!.on("data", output.push);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, deadlineMs);
    const code = await exitOf(child);
    clearTimeout(timer);
    stop(); // workers a learner left behind
    let data: string;
    try {
      data = readFileSync(result, "utf8");
    } catch {
      if (timedOut) throw new GradingTimeout(`grading did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped`);
      throw new EngineDied(`the grading engine stopped (${code === null ? "killed" : `exit code ${code}`}) without a report${output.text.trim() ? `: ${output.text.trim().split("\n").at(-1)}` : ""}`);
    }
    return JSON.parse(data) as GradeReport[];
  } finally {
    cancelShutdown();
    removeDir();
  }
}
