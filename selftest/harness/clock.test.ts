import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { VirtualClock, harnessDelay, settle, stateOf } from "../../graders/harness/authoring/clock.ts";
import { findLeaks } from "../../graders/harness/authoring/leaks.ts";
import { liveBuiltin } from "../../graders/harness/sandbox/live-module.ts";

/** What a grader's `import { setTimeout } from "node:timers/promises"` sees (the setup file's facade). */
const timersPromises = liveBuiltin("timers/promises") as unknown as typeof import("node:timers/promises");

const clock = new VirtualClock();
beforeAll(() => clock.install());
beforeEach(() => clock.reset());
afterAll(() => clock.uninstall());

test("run drives virtual time until the promise settles and reports when", async () => {
  const started = performance.now();
  const o = await clock.run(async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    await new Promise((r) => setTimeout(r, 500));
    return "done";
  });
  expect(o).toEqual({ state: "fulfilled", value: "done", at: 1_500 });
  expect(performance.now() - started).toBeLessThan(1_000);
});

test("timers/promises, seen through the live facade, runs on the virtual clock too", async () => {
  const o = await clock.run(() => timersPromises.setTimeout(250, "v"));
  expect(o).toEqual({ state: "fulfilled", value: "v", at: 250 });
});

test("rejections, synchronous throws, stuck and runaway promises are told apart", async () => {
  const boom = new Error("boom");
  expect(await clock.run(() => Promise.reject(boom))).toEqual({ state: "rejected", reason: boom, at: 0 });
  expect(await clock.run(() => { throw boom; })).toEqual({ state: "threw", error: boom, at: 0 });
  expect(await clock.run(() => new Promise(() => {}))).toMatchObject({ state: "pending", why: "stuck" });
  const forever = () => new Promise(() => setInterval(() => {}, 10));
  expect(await clock.run(forever, { maxTimers: 50 })).toMatchObject({ state: "pending", why: "runaway" });
});

test("advance fires the timers due within the window, in order, and stops there", async () => {
  const fired: number[] = [];
  for (const ms of [30, 10, 50, 20]) setTimeout(() => fired.push(ms), ms);
  await clock.advance(35);
  expect(fired).toEqual([10, 20, 30]);
  expect(clock.now()).toBe(35);
  await clock.advance(15);
  expect(fired).toEqual([10, 20, 30, 50]);
  expect(clock.pendingTimers()).toBe(0);
});

test("reset sets time back to 0 and clears timers", async () => {
  setTimeout(() => {}, 100);
  expect(clock.pendingTimers()).toBe(1);
  await clock.advance(40);
  expect(clock.now()).toBe(40);
  clock.reset();
  expect(clock.now()).toBe(0);
  expect(clock.pendingTimers()).toBe(0);
});

test("settle lets chained promises and immediates finish without a timer", async () => {
  let done = false;
  void Promise.resolve().then(() => new Promise((r) => setImmediate(r))).then(() => (done = true));
  await settle();
  expect(done).toBe(true);
});

test("a leak probe names the learner's pending timers, not the grader's own (harnessDelay)", async () => {
  expect(clock.describePending()).toBeUndefined();
  const ours = harnessDelay(1_000);
  expect(clock.describePending()).toBeUndefined();
  const learners = setTimeout(() => {}, 400);
  const ticker = setInterval(() => {}, 100);
  expect(clock.describePending()).toBe("2 timers were still pending (setTimeout due in 400 ms, setInterval every 100 ms)");
  expect(findLeaks()).toEqual([clock.describePending()]);
  clearTimeout(learners);
  clearInterval(ticker);
  expect(clock.describePending()).toBeUndefined();
  await clock.advance(1_000);
  await ours;
});

test("observe watches a promise live, without awaiting it: pending, then settled in place with the virtual time", async () => {
  let resolve!: (v: string) => void;
  const live = clock.observe(new Promise<string>((r) => (resolve = r)));
  await clock.advance(250);
  expect(live).toEqual({ state: "pending" });
  resolve("late");
  await settle();
  expect(live).toEqual({ state: "fulfilled", value: "late", at: 250 });
  const boom = new Error("boom");
  const rejected = clock.observe(Promise.reject(boom));
  expect(stateOf(rejected)).toBe("pending");
  await settle();
  expect(rejected).toEqual({ state: "rejected", reason: boom, at: 0 });
  // A plain value is a promise already resolved; one that never settles stays pending, and nothing hangs.
  const plain = clock.observe(42);
  const never = clock.observe(new Promise(() => {}));
  await clock.advance(1_000);
  expect(plain).toEqual({ state: "fulfilled", value: 42, at: 0 });
  expect(never).toEqual({ state: "pending" });
});

test("observe runs onFulfilled at the moment the promise resolves, before code awaiting it goes on", async () => {
  let state = "before";
  const seen: string[] = [];
  const promise = harnessDelay(100).then(() => "done");
  clock.observe(promise, (value) => seen.push(`${value} while ${state}`));
  void promise.then(() => (state = "after"));
  await clock.advance(100);
  expect(seen).toEqual(["done while before"]);
});

test("start catches a synchronous throw as the outcome threw; observe leaves it to the caller", async () => {
  const boom = new Error("sync");
  expect(clock.start(() => { throw boom; })).toEqual({ state: "threw", error: boom, at: 0 });
  const live = clock.start(() => harnessDelay(40).then(() => "ok"));
  await clock.advance(40);
  expect(live).toEqual({ state: "fulfilled", value: "ok", at: 40 });
  const thrower = (): Promise<never> => { throw boom; };
  expect(() => clock.observe(thrower())).toThrow(boom);
});
