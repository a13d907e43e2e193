/**
 * `npm run try`: the learner's function on real I/O, with a live timeline; a teaching tool, never a grade.
 *
 * npm run try -- 01|02|03 [--target <dir>] [--fast]
 *
 * Runs the learner's function against real I/O — a local HTTP server on 127.0.0.1 and a real temporary
 * folder — and prints a live timeline of the requests in flight and the waits. The graders use mocks and
 * a virtual clock; this shows the same code doing the same thing for real. --fast uses small latencies.
 * Exit code 0 when every outcome matches what the graders check.
 *
 * The learner's code runs in a child process with a time limit (GRADE_TRY_LIMIT_MS, default 60 s): a loop
 * that never ends is stopped, with everything it started, and said so.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { killTree, treeRoot } from "../../engine/process-tree.ts";
import { onShutdown } from "../../engine/shutdown.ts";
import { findExercise } from "../../core/exercises.ts";
import { DEFAULT_TARGET } from "../../core/paths.ts";
import { runTry } from "./run.ts";
import { exitAfterFlush, isEntryModule } from "../../core/entry.ts";
import { forTerminal } from "../../report/terminal.ts";

const USAGE = "usage: npm run try -- <exercise> [--target <dir>] [--fast]   (exercise: 01, 02 or 03)";

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { target: { type: "string" }, fast: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const info = positionals.length === 1 ? findExercise(positionals[0]!) : undefined;
  if (values.help || !info) {
    console.error(positionals.length === 1 ? `unknown exercise "${positionals[0]}"\n${USAGE}` : USAGE);
    return 2;
  }
  const target = path.resolve(values.target ?? DEFAULT_TARGET);
  const result = await runTry(info, target, { print: (line) => console.log(forTerminal(line)), fast: values.fast ?? false });
  return result.ok ? 0 : 1;
}

const CHILD_ENV = "GRADE_TRY_CHILD";
export const DEFAULT_LIMIT_MS = 60_000;

/** Runs this command again in a child process and stops it after `limitMs`; resolves with its exit code. */
export function bounded(argv: string[], limitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
      stdio: "inherit",
      env: { ...process.env, [CHILD_ENV]: "1" },
      ...treeRoot(),
    });
    const cancel = onShutdown(() => killTree(child));
    const timer = setTimeout(() => {
      killTree(child);
      console.log(
        forTerminal(
          `\n✗ stopped after ${Math.round(limitMs / 1000)} s: your code was still running. A loop that never ends? ` +
            "(`npm test` names the check that hangs.)",
        ),
      );
      cancel();
      resolve(1);
    }, limitMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      cancel();
      resolve(code ?? 1);
    });
  });
}

if (isEntryModule(import.meta.url)) {
  const argv = process.argv.slice(2);
  const limit = Number(process.env.GRADE_TRY_LIMIT_MS ?? DEFAULT_LIMIT_MS);
  await exitAfterFlush(process.env[CHILD_ENV] ? await main(argv) : await bounded(argv, limit > 0 ? limit : DEFAULT_LIMIT_MS));
}
