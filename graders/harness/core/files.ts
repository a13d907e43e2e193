/** Writing the files a command produces (reports, the generated workflow); never used inside a grader worker. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes a report or generated file, making its folder first. */
export function writeFileMakingDirs(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}
