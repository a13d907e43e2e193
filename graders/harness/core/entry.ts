/**
 * Running a harness module as a command: "am I the entry module?" and "exit once the output is out".
 *
 * The entry check compares file paths, never URL text: `new URL(import.meta.url).pathname` is
 * percent-encoded (`My%20Courses`, `Zo%C3%AB`) and reads `/C:/…` on Windows, so comparing it with
 * `process.argv[1]` made every command silently do nothing there. Both sides go through realpath, because
 * Node resolves the entry's symlinks (macOS `/tmp` → `/private/tmp`) while argv[1] keeps what was typed,
 * and Windows compares paths without regard to case.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function canonical(file: string, platform: NodeJS.Platform): string {
  let real = file;
  try {
    real = realpathSync.native(file);
  } catch {
    // not on disk (a test's made-up path): compare as given
  }
  return platform === "win32" ? real.toLowerCase() : real;
}

/** True when the module whose `import.meta.url` is given is the script Node was started with. */
export function isEntryModule(moduleUrl: string, argv1: string | undefined = process.argv[1], platform: NodeJS.Platform = process.platform): boolean {
  if (!argv1) return false;
  const p = platform === "win32" ? path.win32 : path.posix;
  return canonical(p.resolve(argv1), platform) === canonical(p.resolve(fileURLToPath(moduleUrl, { windows: platform === "win32" })), platform);
}

/** Waits until everything written to a stream so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write("", () => resolve());
  });
}

/**
 * Ends the process with `code` after stdout and stderr are flushed. Writes to a pipe or a terminal are
 * asynchronous on Windows: a bare `process.exit()` right after `console.log` can cut the scoreboard off.
 * Exiting explicitly (rather than letting the event loop empty) matters too: a learner's leftover timer
 * or socket must not keep a command from finishing.
 */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
