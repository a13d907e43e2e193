/**
 * The one way the harness starts a process it may have to stop, and stops it with everything it started.
 *
 * POSIX: the child leads a process group of its own (`detached`), and the group is killed at once
 * (`kill(-pid)`): the engine, every vitest worker, anything learner code forked that did not leave the
 * group.
 * Windows: there are no process groups and `process.kill(-pid)` throws. The child stays attached (a
 * detached child gets a console window of its own) and `taskkill /pid N /T /F` kills it and its
 * descendants. `windowsHide` keeps every console window from flashing up.
 *
 * Synchronous on purpose: it runs from `exit` handlers and signal handlers, where nothing async runs.
 */
import { spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface Platform {
  platform: NodeJS.Platform;
  /** Sends a signal to a pid (negative: a process group), like process.kill. */
  kill: (pid: number, signal: NodeJS.Signals) => void;
  /** Runs a program to completion (taskkill), like spawnSync. */
  run: (command: string, args: string[]) => { status: number | null; error?: Error };
}

const NODE: Platform = {
  platform: process.platform,
  kill: (pid, signal) => process.kill(pid, signal),
  run: (command, args) => spawnSync(command, args, { stdio: "ignore", windowsHide: true, timeout: 10_000 }),
};

/** Spawn options for the root of a tree `killTree` can stop (merge into the other options). */
export function treeRoot(host: Pick<Platform, "platform"> = NODE): Pick<SpawnOptions, "detached" | "windowsHide"> {
  return { detached: host.platform !== "win32", windowsHide: true };
}

/**
 * Kills a process and every process it started, at once (SIGKILL / taskkill /F). Returns false when there
 * was nothing left to kill. Never throws: stopping is always the last resort of a caller that must go on.
 *
 * Given the ChildProcess (not just its pid), it is safe after the child has exited: on POSIX the group
 * outlives its leader, so workers it left behind are still killed; on Windows a finished child's pid may
 * already belong to someone else, so nothing is sent, and a running one falls back to its own handle.
 */
export function killTree(target: ChildProcess | number | undefined, host: Platform = NODE): boolean {
  const child = typeof target === "object" ? target : undefined;
  const pid = typeof target === "object" ? target.pid : target;
  if (!pid || pid <= 0) return false;
  if (host.platform === "win32") {
    if (child && (child.exitCode !== null || child.signalCode !== null)) return false;
    const { status, error } = host.run("taskkill", ["/pid", String(pid), "/T", "/F"]);
    if (!error && status === 0) return true;
    // taskkill missing or refused (Wine's rejects /T): at least the process itself. Its children that Node
    // started without `detached` die with it (libuv puts them in a kill-on-close job).
    return child ? child.kill("SIGKILL") : killOne(pid, host);
  }
  try {
    host.kill(-pid, "SIGKILL");
    return true;
  } catch {
    return killOne(pid, host); // not a group leader (or already gone)
  }
}

function killOne(pid: number, host: Platform): boolean {
  try {
    host.kill(pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}
