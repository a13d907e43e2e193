/**
 * Virtual time for graders, on @sinonjs/fake-timers. Only timers and Date are faked (faking
 * queueMicrotask or nextTick would stall promise-based code). One clock per grader file, installed before
 * the learner's module loads (so a module that keeps a reference to setTimeout still uses the fake one)
 * and reset to 0 before every check. fake-timers also patches the `timers` and `timers/promises` modules,
 * which the setup file exposes to ESM imports, so every timer API a learner may pick runs on this clock.
 */
import * as FakeTimers from "@sinonjs/fake-timers";

type InstalledClock = FakeTimers.Clock;
import { afterAll, beforeAll, beforeEach } from "vitest";
import { listSome, plural, show, showError } from "../core/text.ts";
import { addLeakProbe } from "./leaks.ts";

/** Captured before any clock is installed: the real event loop, used to let I/O settle. */
const realSetImmediate = globalThis.setImmediate;

export const FAKED = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] as const;

export type Outcome<T> =
  | { state: "fulfilled"; value: T; at: number }
  | { state: "rejected"; reason: unknown; at: number }
  /** The call threw instead of returning a promise. */
  | { state: "threw"; error: unknown; at: number }
  /** Still pending: `stuck` = no timer left to fire; `runaway` = the step or time budget ran out. */
  | { state: "pending"; why: "stuck" | "runaway"; at: number; timers: number };

/** A settled outcome: how a promise ended, and when. */
export type Settled<T> = Exclude<Outcome<T>, { state: "pending" }>;

/**
 * An outcome watched live (`VirtualClock.observe`, `VirtualClock.start`): `{ state: "pending" }` until the
 * promise settles, then, in place, the settled outcome. A check reads it whenever it likes and never awaits
 * learner code, so a promise that never settles cannot hang the check.
 */
export type LiveOutcome<T> = Settled<T> | { state: "pending" };

/** Reads a live outcome's state through a call, so TypeScript does not keep a narrowing across awaits. */
export function stateOf(o: LiveOutcome<unknown>): LiveOutcome<unknown>["state"] {
  return o.state;
}

export interface RunOptions {
  /** Most timers to fire before giving up (default 10 000). */
  maxTimers?: number;
  /** Most virtual ms to advance before giving up (default 1 hour). */
  maxMs?: number;
  /** Called after I/O settled and before each timer fires: lets a grader sample state at every instant. */
  onStep?: (now: number) => void;
}

/** Lets promise chains and in-memory I/O run to quiescence, on the real event loop, with no wall-clock wait. */
export async function settle(turns = 25): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Callbacks of the graders' own timers (harnessDelay): never reported as a leak of learner code. */
const harnessCallbacks = new WeakSet<object>();

/**
 * A wait on the virtual clock that belongs to the grader (a mock API's latency, a marker timer), not to
 * learner code: it runs on the same clock, but a leak report never counts it.
 */
export function harnessDelay(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => resolve();
    harnessCallbacks.add(done);
    setTimeout(done, ms);
  });
}

/** What fake-timers keeps for each timer (in a Map; older versions used an object). */
interface FakeTimer {
  func?: unknown;
  type?: string;
  callAt: number;
  interval?: number;
}

export class VirtualClock {
  private clock: InstalledClock | undefined;
  private removeProbe: (() => void) | undefined;

  install(): void {
    this.clock ??= FakeTimers.install({ toFake: [...FAKED], now: 0, loopLimit: 100_000 });
    this.removeProbe ??= addLeakProbe(() => this.describePending());
  }

  uninstall(): void {
    this.removeProbe?.();
    this.removeProbe = undefined;
    this.clock?.uninstall();
    this.clock = undefined;
  }

  /** "1 timer was still pending (setTimeout due in 400 ms)", or undefined when none is. */
  describePending(): string | undefined {
    if (!this.clock) return undefined;
    const now = this.clock.now;
    const timers = this.timerList().filter((t) => !(typeof t.func === "function" && harnessCallbacks.has(t.func)));
    if (!timers.length) return undefined;
    const shown = timers.map((t) => (t.type === "Interval" ? `setInterval every ${t.interval} ms` : `setTimeout due in ${t.callAt - now} ms`));
    return `${plural(timers.length, "timer")} ${timers.length === 1 ? "was" : "were"} still pending (${listSome(shown)})`;
  }

  /** Clears every timer and sets virtual time back to 0. */
  reset(): void {
    this.installed.reset();
  }

  /** Virtual milliseconds since the last reset. */
  now(): number {
    return this.installed.now;
  }

  pendingTimers(): number {
    return this.installed.countTimers();
  }

  /**
   * Fires, at once, every timer due within `ms` of virtual time (fake-timers' tick: no I/O settles between
   * them). For a grader that must fire short polls but never a far-off timer such as a request timeout.
   */
  tick(ms: number): void {
    this.installed.tick(ms);
  }

  /** Fires timers due within `ms` of virtual time, letting I/O settle between them. */
  async advance(ms: number): Promise<void> {
    const until = this.now() + ms;
    await settle();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined || next > until) break;
      this.installed.next();
      await settle();
    }
    // tick, not setSystemTime: setSystemTime would move the pending timers along with the clock.
    if (until > this.now()) this.installed.tick(until - this.now());
  }

  /**
   * Watches `value` (a promise, or any value) without awaiting it: the outcome returned turns from pending
   * to fulfilled or rejected, in place, when it settles; `at` is the virtual time since this call.
   * `onFulfilled` runs at that very moment (to see the disk as it was when the promise resolved).
   * A synchronous throw while computing `value` is the caller's: it is not caught here (see `start`).
   */
  observe<T>(value: PromiseLike<T> | T, onFulfilled?: (value: T) => void): LiveOutcome<T> {
    // The fake-timers clock itself, not `this.installed`: a promise settling after the clock is uninstalled
    // must not throw from here.
    const clock = this.installed;
    const t0 = clock.now;
    const live: LiveOutcome<T> = { state: "pending" };
    Promise.resolve(value).then(
      (result) => {
        Object.assign(live, { state: "fulfilled", value: result, at: clock.now - t0 });
        onFulfilled?.(result);
      },
      (reason: unknown) => void Object.assign(live, { state: "rejected", reason, at: clock.now - t0 }),
    );
    return live;
  }

  /** Calls `start` and watches what it returns (`observe`); a synchronous throw is the outcome `threw`. */
  start<T>(start: () => PromiseLike<T> | T, onFulfilled?: (value: T) => void): LiveOutcome<T> {
    let value: PromiseLike<T> | T;
    try {
      value = start();
    } catch (error) {
      return { state: "threw", error, at: 0 };
    }
    return this.observe(value, onFulfilled);
  }

  /**
   * Calls `start` and drives virtual time until the promise it returns settles: let I/O settle, fire the
   * next timer, repeat. Stops, reporting `pending`, when nothing is left to fire or a budget runs out.
   */
  async run<T>(start: () => PromiseLike<T> | T, options: RunOptions = {}): Promise<Outcome<T>> {
    const { maxTimers = 10_000, maxMs = 3_600_000, onStep } = options;
    const clock = this.installed;
    const t0 = clock.now;
    const live = this.start(start);
    if (live.state === "threw") return live;
    for (let fired = 0; ; fired++) {
      await settle();
      if (stateOf(live) !== "pending") return live as Settled<T>;
      onStep?.(clock.now - t0);
      const timers = clock.countTimers();
      if (timers === 0) return { state: "pending", why: "stuck", at: clock.now - t0, timers };
      if (fired >= maxTimers || clock.now - t0 > maxMs) return { state: "pending", why: "runaway", at: clock.now - t0, timers };
      clock.next();
    }
  }

  /** When the next timer is due. */
  private nextTimerAt(): number | undefined {
    const list = this.timerList();
    return list.length ? Math.min(...list.map((t) => t.callAt)) : undefined;
  }

  private timerList(): FakeTimer[] {
    const timers = (this.installed as unknown as { timers?: Map<unknown, FakeTimer> | Record<string, FakeTimer> }).timers;
    return timers instanceof Map ? [...timers.values()] : Object.values(timers ?? {});
  }

  private get installed(): InstalledClock {
    if (!this.clock) throw new Error("virtual clock not installed: call useVirtualClock() at the top of the grader");
    return this.clock;
  }
}

/** Installs one virtual clock for this grader file, reset to 0 before every check. */
export function useVirtualClock(): VirtualClock {
  const clock = new VirtualClock();
  beforeAll(() => clock.install());
  beforeEach(() => clock.reset());
  afterAll(() => clock.uninstall());
  return clock;
}

/**
 * What a run driven in virtual time did, for an `observed:` line: "resolved with 42 at 300 ms",
 * "rejected with RangeError(…) at 0 ms", "never settled (…)". `ask` is the question a pending run raises
 * for this exercise: why nothing was left to fire (stuck), or why timers kept firing (runaway).
 */
export function describeOutcome(o: Outcome<unknown>, ask: { stuck: string; runaway: string }): string {
  switch (o.state) {
    case "fulfilled":
      return `resolved with ${show(o.value)} at ${o.at} ms`;
    case "rejected":
      return `rejected with ${showError(o.reason)} at ${o.at} ms`;
    case "threw":
      return `threw ${showError(o.error)} synchronously instead of returning a promise`;
    case "pending":
      return o.why === "stuck"
        ? `never settled (stuck at ${o.at} ms of virtual time with no timer pending — ${ask.stuck})`
        : `was still pending after ${o.at} ms of virtual time (${plural(o.timers, "timer")} still set — ${ask.runaway})`;
  }
}
