/**
 * npm test / npm run grade: grades a folder of exercise files and prints the scoreboard.
 *
 *   npm test                                   grade exercises/
 *   npm test -- 03                             only exercise 03 (number, name or id)
 *   npm run grade -- --target solutions        grade another folder (inside or outside the repo)
 *   npm run grade -- --target solutions --json r.json   also write the JSON report
 *
 * Exit code: 0 only at full marks for what was graded, 1 otherwise, 2 for a usage error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { gradeRuns } from "./engine.ts";
import { findExercise } from "./exercises.ts";
import { DEFAULT_TARGET } from "./paths.ts";
import { renderScoreboard } from "./scoreboard.ts";

const USAGE = `usage: npm test [-- <exercise>...]
       npm run grade -- [--target <dir>] [--json <file>] [--verbose] [<exercise>...]`;

export interface CliOptions {
  target: string;
  exercises: string[];
  json?: string;
  verbose: boolean;
}

export function parseCli(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: "string" },
      json: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  const exercises = positionals.map((p) => {
    const info = findExercise(p);
    if (!info) throw new UsageError(`unknown exercise "${p}": use a number (01), a name (retry-async) or an id (03-retry-async)`);
    return info.id;
  });
  return { target: path.resolve(values.target ?? DEFAULT_TARGET), exercises, json: values.json, verbose: values.verbose ?? false };
}

export class UsageError extends Error {}

function writeJson(file: string, data: unknown): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const [report] = await gradeRuns([{ label: "grade", target: options.target, exercises: options.exercises }]);
  if (options.json) writeJson(options.json, report);
  console.log(renderScoreboard(report!, { color: process.stdout.isTTY, verbose: options.verbose }));
  return report!.score === report!.maxScore ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("cli.ts")) {
  process.exitCode = await main(process.argv.slice(2));
}
