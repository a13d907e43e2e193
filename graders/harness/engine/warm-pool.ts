/**
 * A vitest pool for watch mode: vitest's `forks` pool, plus one spare worker process kept booted.
 *
 * Each grader file runs in a fresh forked process (the isolation the watchdog relies on: a learner's
 * infinite loop is stopped by killing that process). In watch mode every save paid for that process to
 * start: Node, vitest's worker runtime, then the heavy libraries the graders use (MSW, memfs,
 * fake-timers). Here, when a worker finishes, a spare is forked at once with those libraries already
 * imported (`--import` of warm-imports.mjs), while the learner is typing. The next save adopts the spare:
 * still a fresh process nobody has run code in, only already started. Libraries imported natively are
 * cached per process, so the grader's own imports of them cost nothing.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ForksPoolWorker, type PoolOptions, type PoolWorker } from "vitest/node";
import { REPO_ROOT } from "../core/paths.ts";
import { killTree } from "./process-tree.ts";

/** A file URL, not a path: `--import C:\…` would read as a URL scheme on Windows. */
export const WARM_IMPORTS = pathToFileURL(path.join(REPO_ROOT, "graders/harness/engine/warm-imports.mjs")).href;

interface Spare {
  key: string;
  child: ChildProcess;
}

let spare: Spare | undefined;
let closed = false;
/** Pids of the worker processes this pool forked that are still running (the watchdog kills only these). */
const live = new Set<number>();

/** True for a running worker process of this pool: never a pid reused by someone else. */
export function isPoolWorker(pid: number): boolean {
  return live.has(pid);
}

function keyOf(entrypoint: string, execArgv: readonly string[], env: Partial<NodeJS.ProcessEnv>): string {
  return JSON.stringify([entrypoint, execArgv, env]);
}

/** Forks a worker process the way vitest's ForksPoolWorker does (with the libraries preloaded for a spare). */
function forkWorker(entrypoint: string, execArgv: readonly string[], env: Partial<NodeJS.ProcessEnv>, preload: boolean): ChildProcess {
  const child = fork(entrypoint, [], {
    env,
    execArgv: preload ? [...execArgv, "--import", WARM_IMPORTS] : [...execArgv],
    stdio: "pipe",
    serialization: "advanced",
  });
  const pid = child.pid;
  if (pid) {
    live.add(pid);
    child.once("exit", () => live.delete(pid));
  }
  return child;
}

/** Kills the spare (when vitest closes, or before replacing it). */
function dropSpare(): void {
  killTree(spare?.child);
  spare = undefined;
}

/** Stops making spares: the pool is closing. */
export function closeWarmPool(): void {
  closed = true;
  dropSpare();
}

class WarmForksPoolWorker extends ForksPoolWorker implements PoolWorker {
  override readonly name = "warm-forks";
  /**
   * Transformed modules reach the worker by IPC, not as files in vitest's temporary folder: a worker under
   * the permission model (permissions.ts) reads only the course and the graded files.
   */
  override readonly cacheFs = false;
  private readonly key: string;

  constructor(
    options: PoolOptions,
    private readonly keepSpare: boolean,
  ) {
    super(options);
    this.key = keyOf(this.entrypoint, this.execArgv, this.env);
  }

  override async start(): Promise<void> {
    const self = this as unknown as { _fork?: ChildProcess };
    if (!self._fork) {
      const ready = spare?.key === this.key && spare.child.exitCode === null && !spare.child.killed ? spare.child : undefined;
      if (ready) spare = undefined;
      self._fork = ready ?? forkWorker(this.entrypoint, this.execArgv, this.env, this.keepSpare);
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (closed || !this.keepSpare) return;
    if (spare && spare.key === this.key && spare.child.exitCode === null) return;
    dropSpare();
    const child = forkWorker(this.entrypoint, this.execArgv, this.env, true);
    child.stdout?.resume(); // nothing runs in it yet; never let a full pipe block it
    child.stderr?.resume();
    child.once("exit", () => {
      if (spare?.child === child) spare = undefined;
    });
    spare = { key: this.key, child };
  }
}

/**
 * `pool: warmForks()` in a project's test config. `spare: false` (the one-shot engine) forks workers just as
 * vitest's forks pool does, but still through this pool, so the watchdog knows which pids are its own.
 */
export function warmForks({ spare: keepSpare = true }: { spare?: boolean } = {}) {
  closed = false;
  return { name: "warm-forks", createPoolWorker: (options: PoolOptions): PoolWorker => new WarmForksPoolWorker(options, keepSpare) };
}
