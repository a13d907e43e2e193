/**
 * ESM facades whose every export is read at access time from a live object.
 *
 * Learner code may import a builtin in any style: `import fs from "fs"`, `import * as fs from "node:fs"`,
 * `import { writeFile } from "node:fs/promises"`. Node's own ESM namespace of a builtin keeps the original
 * functions, so patches made by MSW (http) or fake-timers (timers) would be missed, and memfs could not be
 * swapped in. vitest transforms named imports into property reads on the module object, so a facade with
 * getters sees the current function on every call.
 */
import { createRequire } from "node:module";
import { CLOSED } from "./doors.ts";

const require = createRequire(import.meta.url);

/**
 * The real builtins the sandbox serves or stands in for, captured when this module loads: the setup file
 * imports it before any learner code runs, while `require` still gives real modules (doors.ts).
 */
const REAL = new Map<string, Record<string, unknown>>(
  ["fs", "fs/promises", "http", "https", "timers", "timers/promises", "module", ...Object.keys(CLOSED)].map((name) => [name, require(name) as Record<string, unknown>]),
);

/** A module facade: named exports and `default` all forward to `current()` at access time. */
export function liveModule(current: () => object, keys: Iterable<string>): Record<string, unknown> {
  const facade: Record<string, unknown> = {};
  const names = new Set(keys);
  names.delete("default");
  for (const key of names) {
    Object.defineProperty(facade, key, {
      enumerable: true,
      get: () => (current() as Record<string, unknown>)[key],
    });
  }
  const defaultExport = new Proxy(
    {},
    {
      get: (_t, key) => Reflect.get(current(), key),
      set: (_t, key, value) => Reflect.set(current(), key, value),
      has: (_t, key) => Reflect.has(current(), key),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_t, key) => {
        const d = Reflect.getOwnPropertyDescriptor(current(), key);
        return d ? { ...d, configurable: true } : undefined;
      },
    },
  );
  Object.defineProperty(facade, "default", { enumerable: true, get: () => defaultExport });
  return facade;
}

/** The CommonJS object of a builtin: the one MSW and fake-timers patch in place. */
export function builtin(name: string): Record<string, unknown> {
  const real = REAL.get(name);
  if (!real) throw new Error(`live-module: ${name} was not captured at start-up`);
  return real;
}

/** A facade over a builtin's CommonJS object, so ESM imports follow its patches. */
export function liveBuiltin(name: string): Record<string, unknown> {
  const real = name === "timers/promises" ? timersPromises() : builtin(name);
  return liveModule(() => real, Object.keys(real));
}

/**
 * `timers/promises` whose `scheduler.wait(ms)` is its `setTimeout(ms)` (what Node documents it to be):
 * fake-timers patches `setTimeout`, `setInterval` and `setImmediate` there, but not `scheduler`, so a
 * retry loop built on scheduler.wait would wait in real time. Everything else is the module itself.
 */
export function timersPromises(): Record<string, unknown> {
  const real = builtin("timers/promises") as { setTimeout: (ms?: number, value?: unknown, options?: object) => Promise<unknown>; scheduler?: object };
  const scheduler = real.scheduler;
  if (!scheduler) return real;
  const live = Object.create(scheduler) as Record<string, unknown>;
  live.wait = (delay?: number, options?: object) => real.setTimeout(delay, undefined, options);
  return new Proxy(real, { get: (target, key) => (key === "scheduler" ? live : Reflect.get(target, key)) });
}
