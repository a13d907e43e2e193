/**
 * npm run try -- 01|02|03 [--target <dir>] [--fast]
 *
 * Runs the learner's function against real I/O — a local HTTP server on 127.0.0.1 and a real temporary
 * folder — and prints a live timeline of the requests in flight and the waits. The graders use mocks and
 * a virtual clock; this shows the same code doing the same thing for real. --fast uses small latencies.
 * Exit code 0 when every outcome matches what the graders check.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { findExercise } from "../exercises.ts";
import { DEFAULT_TARGET } from "../paths.ts";
import { runTry } from "./run.ts";
import { exitAfterFlush, isEntryModule } from "../entry.ts";
import { forTerminal } from "../terminal.ts";

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

if (isEntryModule(import.meta.url)) {
  await exitAfterFlush(await main(process.argv.slice(2)));
}
