/**
 * The doors to real builtins, closed for learner code whatever the import style.
 *
 * The setup file routes `import`s (static, and dynamic with any computed name) of fs, http(s) and timers
 * to the sandbox, of the modules in CLOSED to stand-ins, and of `node:module` to `moduleFacade`. The other
 * ways to reach a builtin are closed by `closeDoors`, once the grader file's own modules have loaded (the
 * harness keeps the real modules it captured then):
 *   - `createRequire`, `Module.createRequire`, `Module._load`, `Module.prototype.require`, and
 *     `process.getBuiltinModule` (Node 20.16+) hand out the sandbox's modules;
 *   - `process.binding(…)` / `process._linkedBinding(…)` throw.
 * Stand-ins (sockets, processes, threads, the debugger): every export throws, with a message saying why.
 */
import { GradingError } from "../core/errors.ts";

/** Builtins learner code never gets, and what they would have given it. */
export const CLOSED: Readonly<Record<string, string>> = {
  net: "sockets",
  tls: "sockets",
  dgram: "sockets",
  http2: "sockets",
  dns: "network look-ups",
  "dns/promises": "network look-ups",
  child_process: "processes",
  cluster: "processes",
  worker_threads: "threads",
  // An inspector session evaluates code in the grading process itself (and hands out the real require).
  inspector: "debugger",
  "inspector/promises": "debugger",
};

/** "node:fs" → "fs" */
function bareName(id: string): string {
  return id.startsWith("node:") ? id.slice(5) : id;
}

function closedMessage(name: string, what: string): string {
  return `the grader gives your code no ${what}: node:${name} is not available while grading. The exercises need none — use fetch (or node:http) and node:fs`;
}

/** A module whose every export (named, default, and anything reached through them) throws when used. */
export function standIn(name: string, real: object): Record<string, unknown> {
  const what = CLOSED[name] ?? "access to this module";
  const fail = (): never => {
    throw new GradingError(closedMessage(name, what));
  };
  const thrower: object = new Proxy(fail, {
    get: (_t, key) => (key === Symbol.toPrimitive || key === "then" ? undefined : thrower),
    apply: fail,
    construct: fail,
  });
  return Object.fromEntries([...Object.keys(real), "default"].map((key) => [key, thrower]));
}

let closed = false;
/** The module learner code gets for a builtin, once the doors are closed (set by closeDoors). */
let sandboxed: (name: string) => unknown = () => undefined;

/**
 * Closes the doors that are not imports. `sandboxed(name)` gives the module learner code may have for a
 * builtin (`undefined`: the real one is harmless, e.g. path, url, events).
 */
export function closeDoors(learnerBuiltin: (name: string) => unknown): void {
  if (closed) return;
  closed = true;
  sandboxed = learnerBuiltin;
  const proc = process as unknown as Record<string, unknown>;
  const getBuiltinModule = proc.getBuiltinModule as ((id: string) => unknown) | undefined;
  if (getBuiltinModule) {
    proc.getBuiltinModule = (id: string) => sandboxed(bareName(String(id))) ?? getBuiltinModule.call(process, id);
  }
  for (const key of ["binding", "_linkedBinding"]) {
    if (typeof proc[key] !== "function") continue;
    proc[key] = (name: unknown) => {
      throw new GradingError(`the grader gives your code no access to Node's internals: process.${key}(${JSON.stringify(name)}) is not available while grading`);
    };
  }
}

type Require = (id: string) => unknown;

/** A require that hands out the sandbox's builtins once the doors are closed. */
function guarded(real: Require): Require {
  const require = (id: string): unknown => (closed && sandboxed(bareName(String(id)))) || real(id);
  return Object.assign(require, real);
}

/**
 * `node:module` for learner code: `createRequire`, `Module.createRequire`, `Module._load` and
 * `Module.prototype.require` hand out the sandbox's builtins once the doors are closed (the harness's own
 * modules capture what they need while loading, before that).
 */
export function moduleFacade(real: Record<string, unknown>): Record<string, unknown> {
  const Module = real.default as Record<string, unknown> & { prototype: Record<string, unknown> };
  const createRequire = (filename: string | URL) => guarded((Module.createRequire as (f: string | URL) => Require)(filename));
  const originalRequire = Module.prototype.require as (this: unknown, id: string) => unknown;
  const prototype = new Proxy(Module.prototype, {
    get: (target, key) =>
      key === "require"
        ? function (this: unknown, id: string) {
            return (closed && sandboxed(bareName(String(id)))) || originalRequire.call(this, id);
          }
        : Reflect.get(target, key),
  });
  const load = Module._load as (request: string, ...rest: unknown[]) => unknown;
  const facade = new Proxy(Module, {
    get: (target, key) => {
      if (key === "createRequire") return createRequire;
      if (key === "prototype") return prototype;
      if (key === "_load") return (request: string, ...rest: unknown[]) => (closed && sandboxed(bareName(String(request)))) || load.call(target, request, ...rest);
      return Reflect.get(target, key);
    },
  });
  return { ...real, default: facade, Module: facade, createRequire };
}
