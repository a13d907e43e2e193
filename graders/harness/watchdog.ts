/**
 * Stops grader workers that hang. vitest's testTimeout ends a check whose promise never settles, but a
 * synchronous infinite loop (or a busy-wait on a faked Date.now()) blocks the worker itself, so nothing
 * inside it can run. The watchdog reads the workers' progress logs (progress.ts) and kills a worker whose
 * check has been running longer than `hangMs`, so the run ends and the check is named.
 */
import { readProgress, type ProgressEvent } from "./progress.ts";

export interface Hung {
  run: string;
  file: string;
  check: string;
  pid: number;
  /** Every event the worker logged: how the checks before the hang ended. */
  events: ProgressEvent[];
}

export class Watchdog {
  readonly hung: Hung[] = [];
  private readonly firstSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly hangMs: number,
    private readonly kill: (pid: number) => void = (pid) => process.kill(pid, "SIGKILL"),
    private readonly now: () => number = () => performance.now(),
  ) {}

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
    for (const [pid, events] of readProgress(this.dir)) {
      const last = events.at(-1);
      if (!last || last.event !== "start" || this.hung.some((h) => h.pid === pid)) continue;
      const key = `${pid}\u0000${events.length}`;
      const first = this.firstSeen.get(key) ?? this.now();
      this.firstSeen.set(key, first);
      if (this.now() - first < this.hangMs) continue;
      try {
        this.kill(pid);
      } catch {
        continue; // already gone
      }
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
