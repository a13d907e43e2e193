/**
 * JavaScript's built-ins, as they were before learner code ran.
 *
 * Learner code shares its realm with the harness: replacing `Promise.race`, `Array.prototype.every` or
 * `JSON.stringify` would change what the grader sees and decides. So:
 *   - `snapshotIntrinsics()` records, before learner code loads, every property of the built-ins below
 *     (the global bindings, their statics and prototypes, and the process methods the harness uses);
 *   - `changedIntrinsics()` names the ones that were replaced or deleted since; the check (or the load)
 *     during which that happened fails, and `restoreIntrinsics()` puts them back for the next check;
 *   - the harness calls the few it needs while deciding through `race` below, built from captured parts.
 * Adding a property is allowed (a polyfill such as `Promise.withResolvers ??= …` on an older Node).
 * Globals the sandbox itself replaces (timers, Date, fetch) are not watched here.
 */

const capturedThen = Promise.prototype.then;
const apply = Reflect.apply;
const NativePromise = Promise;

/** `Promise.race` from captured parts: what learner code does to Promise afterwards cannot change it. */
export function race<T>(promises: readonly Promise<T>[]): Promise<T> {
  return new NativePromise<T>((resolve, reject) => {
    for (const p of promises) apply(capturedThen, p, [resolve, reject]);
  });
}

const TypedArray = Object.getPrototypeOf(Uint8Array) as object;

/** The built-ins watched, by the name a learner would know them by. */
const WATCHED: ReadonlyArray<readonly [string, object]> = [
  ["globalThis", globalThis],
  ...(
    [
      ["Object", Object],
      ["Function", Function],
      ["Array", Array],
      ["Promise", Promise],
      ["Reflect", Reflect],
      ["JSON", JSON],
      ["Math", Math],
      ["String", String],
      ["Number", Number],
      ["Boolean", Boolean],
      ["Symbol", Symbol],
      ["Map", Map],
      ["Set", Set],
      ["WeakMap", WeakMap],
      ["WeakSet", WeakSet],
      ["RegExp", RegExp],
      ["Error", Error],
      ["Proxy", Proxy],
      ["ArrayBuffer", ArrayBuffer],
      ["TypedArray", TypedArray],
      ["Uint8Array", Uint8Array],
      ["TextEncoder", TextEncoder],
      ["TextDecoder", TextDecoder],
    ] as const
  ).flatMap(([name, value]): Array<readonly [string, object]> => {
    const prototype = (value as { prototype?: unknown }).prototype;
    return typeof prototype === "object" && prototype !== null ? [[name, value], [`${name}.prototype`, prototype]] : [[name, value]];
  }),
  ["process", process],
];

/**
 * V8's stack-trace hooks, which test tooling sets. (Globals the sandbox replaces, such as timers, Date and
 * fetch, are not watched at all: only the global bindings named in WATCHED are.)
 */
const UNWATCHED = new Set(["Error.prepareStackTrace", "Error.stackTraceLimit"]);
/** The process methods the harness relies on (the rest of `process` is the learner's to use). */
const PROCESS_KEYS = new Set(["send", "kill", "on", "once", "emit", "exit", "reallyExit", "abort", "getBuiltinModule", "binding", "_linkedBinding", "env", "pid", "ppid"]);

interface Entry {
  name: string;
  owner: object;
  key: string | symbol;
  descriptor: PropertyDescriptor;
}

let snapshot: Entry[] | undefined;

function keyName(key: string | symbol): string {
  return typeof key === "symbol" ? `[${key.description ?? "symbol"}]` : key;
}

/** Records the built-ins as they are now. Call before learner code loads (the setup file does). */
export function snapshotIntrinsics(): void {
  const entries: Entry[] = [];
  for (const [name, owner] of WATCHED) {
    for (const key of Reflect.ownKeys(owner)) {
      if (name === "process" && !PROCESS_KEYS.has(String(key))) continue;
      const full = name === "globalThis" && typeof key === "string" ? `globalThis.${key}` : `${name}.${keyName(key)}`;
      if (UNWATCHED.has(full)) continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(owner, key);
      if (!descriptor) continue;
      // On the global object, only the JavaScript built-ins: everything else there is the program's own.
      if (name === "globalThis" && !WATCHED.some(([n]) => n === key)) continue;
      entries.push({ name: full.replace(/^globalThis\./, ""), owner, key, descriptor });
    }
  }
  snapshot = entries;
}

function same(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return !!b && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set;
}

/** The built-ins replaced or deleted since the snapshot ("Promise.race", "Array.prototype.map"). */
export function changedIntrinsics(): string[] {
  return (snapshot ?? []).filter((e) => !same(e.descriptor, Reflect.getOwnPropertyDescriptor(e.owner, e.key))).map((e) => e.name);
}

/** Puts back every changed built-in that can be put back. */
export function restoreIntrinsics(): void {
  for (const e of snapshot ?? []) {
    if (same(e.descriptor, Reflect.getOwnPropertyDescriptor(e.owner, e.key))) continue;
    try {
      Reflect.defineProperty(e.owner, e.key, e.descriptor);
    } catch {
      // non-configurable: it cannot have changed either
    }
  }
}

/** The failure message for code that changed built-ins. */
export function intrinsicsMessage(changed: readonly string[], when: string): string {
  const shown = changed.slice(0, 3).join(", ") + (changed.length > 3 ? ` and ${changed.length - 3} more` : "");
  return (
    `your code changed JavaScript's built-in ${shown} ${when}; the grader cannot trust what it observes with changed built-ins, so this does not count` +
    "\nhint: leave the built-ins as they are: write your own helper function instead of replacing or patching one"
  );
}
