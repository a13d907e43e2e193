/**
 * Stops grader workers that hang in a synchronous loop, and names the check that hung.
 *
 * Stops grader workers that hang. vitest's testTimeout ends a check whose promise never settles, but a
 * synchronous infinite loop (or a busy-wait on a faked Date.now()) blocks the worker itself, so nothing
 * inside it can run. The watchdog reads the workers' progress logs (progress.ts) and kills a worker whose
 * check has been running longer than `hangMs`, so the run ends and the check is named.
 *
 * It stops a pid at most once, and only a running worker of its own pool: a progress log outlives its
 * worker, and by the next poll the pid may belong to another process.
 */
import { killTree } from "./process-tree.ts";
import { progressKey, readProgress, type ProgressEvent } from "../core/progress.ts";
import { isPoolWorker } from "./warm-pool.ts";

export interface Hung {
  run: string;
  file: string;
  check: string;
  pid: number;
  /** Every event the worker logged: how the checks before the hang ended. */
  events: ProgressEvent[];
}

export interface WatchdogHost {
  /** Stops a worker and what it started. */
  kill: (pid: number) => void;
  /** Whether a pid is a running worker of this grade's own pool. */
  owns: (pid: number) => boolean;
  now: () => number;
}

const NODE_HOST: WatchdogHost = { kill: (pid) => void killTree(pid), owns: isPoolWorker, now: () => performance.now() };

export class Watchdog {
  /** Hangs found and not yet reported (the reporter takes them with `splice`). */
  readonly hung: Hung[] = [];
  private readonly firstSeen = new Map<string, number>();
  /** Every pid this watchdog has stopped: never looked at again, whatever its old log says. */
  private readonly stopped = new Set<number>();
  private readonly host: WatchdogHost;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly hangMs: number,
    host: Partial<WatchdogHost> = {},
  ) {
    this.host = { ...NODE_HOST, ...host };
  }

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.poll(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.poll();
  }

  /** One look at the logs: kills workers stuck in the same check for longer than hangMs. */
  poll(): void {
    // Only the logs of this pool's running workers, never one already stopped.
    for (const [pid, events] of readProgress(this.dir, progressKey(), (pid) => !this.stopped.has(pid) && this.host.owns(pid))) {
      const last = events.at(-1);
      if (!last || last.event !== "start") continue;
      const key = `${pid}\u0000${events.length}`;
      const now = this.host.now();
      const first = this.firstSeen.get(key) ?? now;
      this.firstSeen.set(key, first);
      if (now - first < this.hangMs) continue;
      this.stopped.add(pid);
      this.host.kill(pid);
      this.hung.push({ run: last.run, file: last.file, check: last.check, pid, events });
    }
  }
}

export function hangMessage(check: string, hangMs: number): string {
  return (
    `the check "${check}" never finished: your code kept the process busy for ${Math.round(hangMs / 1000)} s and was stopped. ` +
    "Look for a loop that never ends — a busy-wait like `while (Date.now() < end)` never ends here, because the grader's clock only moves when your code waits with a timer"
  );
}
