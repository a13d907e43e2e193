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

const require = createRequire(import.meta.url);

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
  return require(name) as Record<string, unknown>;
}

/** A facade over a builtin's CommonJS object, so ESM imports follow its patches. */
export function liveBuiltin(name: string): Record<string, unknown> {
  const real = builtin(name);
  return liveModule(() => real, Object.keys(real));
}
