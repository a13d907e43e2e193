/**
 * Runs the grading engine in a child process of its own, in its own process group:
 * - nothing learner code writes to stdout/stderr (console, process.stdout.write, even fs.writeSync(1, …))
 *   reaches the terminal or a CI log, so it can never forge a scoreboard or a workflow command;
 * - a deadline kills the whole group (engine and every vitest worker), so nothing outlives the command.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GradeOptions, GradeRun } from "./engine.ts";
import { REPO_ROOT } from "./paths.ts";
import type { GradeReport } from "./report.ts";

export const CHILD_SCRIPT = path.join(REPO_ROOT, "graders", "harness", "engine-child.ts");
export const LAUNCHER = path.join(REPO_ROOT, "graders", "harness", "launch.mjs");

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

export interface IsolatedOptions extends GradeOptions {
  deadlineMs: number;
  /** Called as grader files finish: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export async function gradeIsolated(runs: GradeRun[], { deadlineMs, onProgress, ...options }: IsolatedOptions): Promise<GradeReport[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "grade-"));
  const request = path.join(dir, "request.json");
  const result = path.join(dir, "result.json");
  writeFileSync(request, JSON.stringify({ runs, options }));
  const output = tail(8_000);
  try {
    const child = spawn(process.execPath, [LAUNCHER, CHILD_SCRIPT, request, result], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    child.on("message", (message: { done?: number; total?: number }) => {
      if (typeof message.done === "number" && typeof message.total === "number") onProgress?.(message.done, message.total);
    });
    child.stdout!.on("data", output.push);
    child.stderr!.on("data", output.push);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", killGroup);
    const timer = setTimeout(killGroup, deadlineMs);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    killGroup(); // workers a learner left behind
    process.removeListener("exit", killGroup);
    let data: string;
    try {
      data = readFileSync(result, "utf8");
    } catch {
      if (code === null) throw new GradingTimeout(`grading did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped`);
      throw new Error(`the grading engine stopped (exit code ${code}) without a report:\n${output.text}`);
    }
    return JSON.parse(data) as GradeReport[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
