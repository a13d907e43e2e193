/**
 * Clean-up that must run however a command ends: normally, by `process.exit`, or by Ctrl-C / SIGTERM /
 * a closed terminal (SIGHUP). Node's default for those signals ends the process without running `exit`
 * listeners, which left the engine and its workers running until the watchdog fired, and `grade-*`
 * folders in the temp directory. Tasks are synchronous (kill a process tree, remove a folder).
 */
const tasks = new Set<() => void>();
let installed = false;

/** Exit codes of a process ended by a signal, as shells report them (128 + the signal's number). */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function runAll(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // one failing clean-up must not keep the others from running
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runAll);
  for (const [signal, code] of Object.entries(SIGNALS)) {
    process.on(signal as NodeJS.Signals, () => {
      runAll();
      process.exit(code);
    });
  }
}

/** Runs `task` once when the process ends, however it ends. Returns a function that cancels it. */
export function onShutdown(task: () => void): () => void {
  install();
  tasks.add(task);
  return () => void tasks.delete(task);
}
