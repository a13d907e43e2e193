/**
 * Grader for exercise 02 — AsyncQueue and enrichCsv (35 points).
 * The queue is graded directly. enrichCsv reads and writes an in-memory disk (memfs) and calls a mock API
 * (MSW): requests are held on gates to count exactly how many are in flight, or answered after 100 ms of
 * virtual time to measure how long the whole run takes. Nothing waits in real time.
 * Nothing of the learner's class is patched: backpressure counts the calls of its `put` through V8's own
 * debugger (countCalls), which sees them however the class is written (methods, class fields, bound or
 * destructured references).
 * A promise of the learner's is watched live (clock.observe), never awaited: one that never settles cannot
 * hang a check. How the checks drive the queue and enrichCsv is in graders/support/02-enrich-csv.ts.
 */
import type * as Exercise from "../exercises/02-enrich-csv.ts";
import { countCalls } from "./harness/authoring/call-counter.ts";
import { settle, type LiveOutcome, useVirtualClock } from "./harness/authoring/clock.ts";
import { diskExists, writeDiskFile } from "./harness/sandbox/disk.ts";
import { expectThat, plural, show, showError } from "./harness/authoring/feedback.ts";
import { defineExercise } from "./harness/authoring/grader.ts";
import { recordTimeline } from "./harness/authoring/timeline.ts";
import { HttpResponse, http, useNetwork } from "./harness/authoring/network.ts";
import {
  ENRICH, IN, OUT, apiBody, canon, csvText, describe, describeWatched, drainTimeline, expectedOutput, fixture, is, list, parseLines, people, readOut,
  releaseEverything, sameIds, sameReport, thrownBy, untilStill, useEnrich, valueOf, windowTimeline, type Options, type Row, type Run,
} from "./support/02-enrich-csv.ts";

const { check, load } = defineExercise<typeof Exercise>("02-enrich-csv");
const clock = useVirtualClock();
// A correct solution may drop the body of a 500 with `await res.body?.cancel()`: MSW's copy must not block it.
const net = useNetwork({ drainResponseCopies: true });
const { advanceBy, idle, enrichApi, gatedApi, runEnrich, startGated, drainGates, sampleBackpressure } = useEnrich({ load, net, clock });

// ---------------------------------------------------------------------------------------------------------
// AsyncQueue
// ---------------------------------------------------------------------------------------------------------

check("queue-fifo", "AsyncQueue: get returns the items in the order they were put (FIFO), whatever they are (0, \"\", null, undefined, false)", 1, async () => {
  const { AsyncQueue } = await load();
  const q = new AsyncQueue<number>();
  const puts = [1, 2, 3, 4, 5].map((n) => clock.observe(q.put(n)));
  await idle();
  const stuck = puts.findIndex((p) => p.state !== "fulfilled");
  expectThat(stuck < 0, {
    observed: `on an unbounded queue, put(${stuck + 1}) is ${describeWatched(puts[stuck] ?? { state: "pending" })}`,
    expected: "every put to resolve at once while there is room",
    hint: "put only waits when maxSize > 0 and the queue already holds maxSize items",
  });
  const gets = [1, 2, 3, 4, 5].map(() => clock.observe(q.get()));
  await idle();
  const got = gets.map((g) => (is(g, "fulfilled") ? valueOf(g) : describeWatched(g)));
  expectThat(list(got) === list([1, 2, 3, 4, 5]), {
    observed: `after put(1) … put(5), five get() calls gave ${list(got)}`,
    expected: "[1, 2, 3, 4, 5] (first in, first out)",
    hint: "add items at the back (push) and take them from the front (shift)",
  });
  const order: unknown[] = [];
  for (const step of ["put 6", "put 7", "get", "put 8", "get", "get"]) {
    const g = step === "get" ? clock.observe(q.get()) : clock.observe(q.put(Number(step.slice(4))));
    await idle();
    if (step === "get") order.push(is(g, "fulfilled") ? valueOf(g) : describeWatched(g));
  }
  expectThat(list(order) === list([6, 7, 8]), {
    observed: `put(6), put(7), get(), put(8), get(), get() gave ${list(order)}`,
    expected: "[6, 7, 8]",
    hint: "the oldest item always leaves first, however puts and gets interleave",
  });
  // Items that are falsy are items too: stored first, then handed to getters already waiting.
  const falsy: unknown[] = [0, "", null, undefined, false];
  const stored = new AsyncQueue<unknown>();
  for (const item of falsy) clock.observe(stored.put(item));
  await idle();
  const fromStore = falsy.map(() => clock.observe(stored.get()));
  await idle();
  const handed = new AsyncQueue<unknown>();
  const waiting: LiveOutcome<unknown>[] = [];
  for (const item of falsy) {
    const g = clock.observe(handed.get());
    await idle();
    clock.observe(handed.put(item));
    await idle();
    waiting.push(g);
  }
  for (const [how, gets] of [
    ["put first, then five get() calls", fromStore],
    ["each put to a get() already waiting", waiting],
  ] as const) {
    const got = gets.map((g) => (is(g, "fulfilled") ? valueOf(g) : `(${describeWatched(g)})`));
    expectThat(gets.every((g) => is(g, "fulfilled")) && list(got) === list(falsy), {
      observed: `put(0), put(""), put(null), put(undefined), put(false) (${how}) gave ${list(got)}`,
      expected: `${list(falsy)}: every value is an item, falsy ones included`,
      hint: "decide whether the queue is empty from its length (items.length === 0), never from the value you took out (`if (item)` or `item === undefined`)",
    });
  }
});

check("queue-put-waits", "AsyncQueue: put waits while the queue is full; blocked putters get in in call order, before any later put", 3, async () => {
  const { AsyncQueue } = await load();
  const q = new AsyncQueue<string>(2);
  const names = ["a", "b", "c", "d"];
  const puts = names.map((x) => clock.observe(q.put(x)));
  await idle();
  const states = () => names.map((x, i) => `put("${x}") ${describeWatched(puts[i]!)}`).join(", ");
  expectThat(is(puts[0]!, "fulfilled") && is(puts[1]!, "fulfilled"), {
    observed: `on new AsyncQueue(2): ${states()}`,
    expected: `put("a") and put("b") to resolve: the queue has room for 2`,
    hint: "put resolves at once while the queue holds fewer than maxSize items",
  });
  expectThat(is(puts[2]!, "pending") && is(puts[3]!, "pending"), {
    observed: `on new AsyncQueue(2) holding "a" and "b": ${states()}`,
    expected: `put("c") and put("d") to wait: the queue is full`,
    hint: "when the queue is full, return a promise that resolves only once get() makes room (keep its resolve function)",
  });
  const first = clock.observe(q.get());
  await idle();
  expectThat(valueOf(first) === "a" && is(puts[2]!, "fulfilled") && is(puts[3]!, "pending"), {
    observed: `after one get() (${describeWatched(first)}): ${states()}`,
    expected: `get() to resolve with "a", then put("c") to get in and put("d") to keep waiting`,
    hint: "each get() makes room for one item: let the putter that has waited longest in, and only that one",
  });
  const rest = [clock.observe(q.get()), clock.observe(q.get()), clock.observe(q.get())];
  await idle();
  const order = [first, ...rest].map((g) => (is(g, "fulfilled") ? valueOf(g) : describeWatched(g)));
  expectThat(list(order) === list(names) && is(puts[3]!, "fulfilled"), {
    observed: `four get() calls gave ${list(order)}; ${states()}`,
    expected: `["a", "b", "c", "d"] and every put resolved`,
    hint: "blocked putters get into the queue in the order they called put, behind the items already there",
  });
  // A put() called right after the get() that made room must not overtake the putter already waiting.
  const r = new AsyncQueue<string>(1);
  const early = clock.observe(r.put("p1"));
  const blocked = clock.observe(r.put("p2"));
  await idle();
  const taken = clock.observe(r.get());
  const late = clock.observe(r.put("p3")); // same tick as the get()
  await idle();
  const now = () => `get() ${describeWatched(taken)}, put("p2") ${describeWatched(blocked)}, put("p3") ${describeWatched(late)}`;
  expectThat(is(early, "fulfilled") && valueOf(taken) === "p1" && is(blocked, "fulfilled") && is(late, "pending"), {
    observed: `on new AsyncQueue(1) holding "p1" with put("p2") waiting, get() then put("p3") at once: ${now()}`,
    expected: `get() to resolve with "p1", put("p2") to get in (it was waiting first) and put("p3") to wait`,
    hint: "when get() makes room, hand the room to the oldest waiting putter right there (move its item into the queue and resolve it) instead of waking it to check again: a put() called in between would take the room",
  });
  const after = [clock.observe(r.get())];
  await idle();
  after.push(clock.observe(r.get()));
  await idle();
  const rest2 = after.map((g) => (is(g, "fulfilled") ? valueOf(g) : describeWatched(g)));
  expectThat(list(rest2) === list(["p2", "p3"]), {
    observed: `the next two get() calls gave ${list(rest2)}`,
    expected: `["p2", "p3"]: putters get in in the order they called put`,
    hint: "keep blocked putters in a first-in first-out list and let them in from its front",
  });
});

check("queue-get-waits", "AsyncQueue: get waits while the queue is empty; waiting getters are served in call order, before any later get", 2, async () => {
  const { AsyncQueue } = await load();
  const q = new AsyncQueue<string>();
  const gets = [clock.observe(q.get()), clock.observe(q.get()), clock.observe(q.get())];
  await idle();
  const states = () => gets.map((g, i) => `get #${i + 1} ${describeWatched(g)}`).join(", ");
  expectThat(gets.every((g) => is(g, "pending")), {
    observed: `three get() calls on an empty queue: ${states()}`,
    expected: "all three to wait until an item is put",
    hint: "when the queue is empty, return a promise and keep its resolve function for the next put",
  });
  clock.observe(q.put("x"));
  await idle();
  expectThat(valueOf(gets[0]!) === "x" && is(gets[1]!, "pending") && is(gets[2]!, "pending"), {
    observed: `after put("x"): ${states()}`,
    expected: `get #1 to resolve with "x" and the other two to keep waiting`,
    hint: "hand a new item to the getter that has waited longest, and to that one only",
  });
  clock.observe(q.put("y"));
  clock.observe(q.put("z"));
  await idle();
  expectThat(valueOf(gets[1]!) === "y" && valueOf(gets[2]!) === "z", {
    observed: `after put("y") and put("z"): ${states()}`,
    expected: `get #2 to resolve with "y" and get #3 with "z" (getters served in call order)`,
    hint: "keep waiting getters in a first-in first-out list",
  });
  // A get() called right after a put() must not take the item from the getter already waiting.
  const r = new AsyncQueue<string>();
  const first = clock.observe(r.get());
  await idle();
  clock.observe(r.put("m"));
  const late = clock.observe(r.get()); // same tick as the put()
  await idle();
  expectThat(valueOf(first) === "m" && is(late, "pending"), {
    observed: `with get #1 waiting on an empty queue, put("m") then get #2 at once: get #1 ${describeWatched(first)}, get #2 ${describeWatched(late)}`,
    expected: `get #1 (waiting first) to resolve with "m" and get #2 to wait`,
    hint: "when an item is put and getters are waiting, hand it to the oldest one right there (resolve it with the item) instead of storing it and waking the getter to look again: a get() called in between would take it",
  });
  clock.observe(r.put("n"));
  await idle();
  expectThat(valueOf(late) === "n", {
    observed: `after put("n"): get #2 ${describeWatched(late)}`,
    expected: `get #2 to resolve with "n"`,
    hint: "each item goes to exactly one getter, oldest getter first",
  });
});

check("queue-size", "AsyncQueue: size counts the items in the queue, not the blocked putters", 1, async () => {
  const { AsyncQueue } = await load();
  const q = new AsyncQueue<string>(2);
  const steps: [string, () => unknown][] = [
    ["new AsyncQueue(2)", () => undefined],
    ['put("a")', () => clock.observe(q.put("a"))],
    ['put("b")', () => clock.observe(q.put("b"))],
    ['put("c") (blocked)', () => clock.observe(q.put("c"))],
    ["get()", () => clock.observe(q.get())],
    ["get()", () => clock.observe(q.get())],
    ["get()", () => clock.observe(q.get())],
    ["get() (waiting)", () => clock.observe(q.get())],
    ['put("d") (to the waiting getter)', () => clock.observe(q.put("d"))],
  ];
  const sizes: number[] = [];
  for (const [, step] of steps) {
    step();
    await idle();
    sizes.push(q.size);
  }
  const expected = [0, 1, 2, 2, 2, 1, 0, 0, 0];
  expectThat(list(sizes) === list(expected), {
    observed: `size after each of ${steps.map(([name]) => name).join(", ")} was ${list(sizes)}`,
    expected: list(expected),
    hint: "size is the number of items stored right now: a blocked putter's item is not in the queue until get makes room",
  });
});

check("queue-task-done", "AsyncQueue: taskDone throws when called more times than items were put (taken with get or not)", 1, async () => {
  const { AsyncQueue } = await load();
  const fresh = new AsyncQueue<string>();
  const early = thrownBy(() => fresh.taskDone());
  expectThat(early !== undefined && early.error instanceof Error, {
    observed: `taskDone() on a new, empty queue ${early ? `threw ${showError(early.error)}` : "did not throw"}`,
    expected: "an Error: no item was put, so none can be done",
    hint: "count the unfinished items: +1 on every put, -1 on every taskDone; throw if it would go below 0",
  });
  const q = new AsyncQueue<string>();
  clock.observe(q.put("a"));
  clock.observe(q.put("b"));
  await idle();
  clock.observe(q.get());
  clock.observe(q.get());
  await idle();
  const ok = [thrownBy(() => q.taskDone()), thrownBy(() => q.taskDone())];
  const bad = ok.findIndex((t) => t !== undefined);
  expectThat(bad < 0, {
    observed: `after 2 puts and 2 gets, taskDone() call #${bad + 1} threw ${showError(ok[bad]?.error)}`,
    expected: "2 calls of taskDone() to succeed",
    hint: "each item put may be marked done once",
  });
  const third = thrownBy(() => q.taskDone());
  expectThat(third !== undefined && third.error instanceof Error, {
    observed: `after 2 puts, a third taskDone() ${third ? `threw ${showError(third.error)}` : "did not throw"}`,
    expected: "the third call to throw an Error",
    hint: "throw new Error(...) when taskDone is called more times than items were put",
  });
  // The limit is the number of items put, whether or not they were taken with get().
  const untaken = new AsyncQueue<string>();
  clock.observe(untaken.put("a"));
  clock.observe(untaken.put("b"));
  await idle();
  const before = [thrownBy(() => untaken.taskDone()), thrownBy(() => untaken.taskDone())];
  const early2 = before.findIndex((t) => t !== undefined);
  expectThat(early2 < 0, {
    observed: `after put("a"), put("b") and no get(), taskDone() call #${early2 + 1} threw ${showError(before[early2]?.error)}`,
    expected: "2 calls of taskDone() to succeed: 2 items were put",
    hint: "count the items put (+1 in put), not the items taken with get()",
  });
  const extra = thrownBy(() => untaken.taskDone());
  expectThat(extra !== undefined && extra.error instanceof Error, {
    observed: `after 2 puts (no get), a third taskDone() ${extra ? `threw ${showError(extra.error)}` : "did not throw"}`,
    expected: "the third call to throw an Error",
    hint: "throw when taskDone is called more times than items were put",
  });
});

check("queue-join", "AsyncQueue: join resolves once every item put has been marked done, round after round", 2, async () => {
  const { AsyncQueue } = await load();
  const empty = new AsyncQueue<string>();
  const atOnce = clock.observe(empty.join());
  await idle();
  expectThat(is(atOnce, "fulfilled"), {
    observed: `join() on a queue where nothing was put ${describeWatched(atOnce)}`,
    expected: "to resolve at once: nothing is unfinished",
    hint: "join waits only while some item put has not been marked done",
  });
  const q = new AsyncQueue<string>();
  clock.observe(q.put("a"));
  clock.observe(q.put("b"));
  await idle();
  const early = clock.observe(q.join());
  await idle();
  expectThat(is(early, "pending"), {
    observed: `after put("a"), put("b"): join() ${describeWatched(early)}`,
    expected: "join() to wait until both items are marked done",
    hint: "join returns a promise you resolve later, when the count of unfinished items reaches 0",
  });
  clock.observe(q.get());
  await idle();
  thrownBy(() => q.taskDone());
  clock.observe(q.get());
  await idle();
  const afterGet = clock.observe(q.join());
  await idle();
  expectThat(is(early, "pending") && is(afterGet, "pending"), {
    observed: `with both items taken by get() but only "a" marked done, the first join() ${describeWatched(early)} and a join() called after the gets ${describeWatched(afterGet)}`,
    expected: "both to wait: an empty queue is not the same as every item done",
    hint: "count unfinished items (put +1, taskDone -1), not the items still in the queue",
  });
  thrownBy(() => q.taskDone());
  await idle();
  expectThat(is(early, "fulfilled") && is(afterGet, "fulfilled"), {
    observed: `after the second taskDone(), the first join() ${describeWatched(early)} and the second ${describeWatched(afterGet)}`,
    expected: "both to resolve: every item put is done",
    hint: "keep every waiting join's resolve function and call them all when the count reaches 0",
  });
  // A second round on the same queue: join waits again for the new items.
  clock.observe(q.put("c"));
  await idle();
  const again = clock.observe(q.join());
  await idle();
  expectThat(is(again, "pending"), {
    observed: `after a first round (a and b put, taken and done, join resolved), put("c") and then join() ${describeWatched(again)}`,
    expected: "join() to wait again: c is not done yet",
    hint: "a join() promise is for the items unfinished when it is called: once resolved, do not hand it out again; make a new one when new items are put",
  });
  clock.observe(q.get());
  await idle();
  thrownBy(() => q.taskDone());
  await idle();
  const idleAgain = clock.observe(q.join());
  await idle();
  expectThat(is(again, "fulfilled") && is(idleAgain, "fulfilled"), {
    observed: `after get() and taskDone() for c: the second round's join() ${describeWatched(again)}, a new join() ${describeWatched(idleAgain)}`,
    expected: "both to resolve",
    hint: "resolve every waiting join when the count of unfinished items reaches 0, in every round",
  });
});

check("queue-no-polling", "AsyncQueue: a waiting get, put or join is woken directly when the queue changes, without timers", 1, async () => {
  const { AsyncQueue } = await load();
  const q = new AsyncQueue<string>(1);
  const steps: { label: string; start: () => LiveOutcome<unknown>; wake: () => void; wakeLabel: string }[] = [
    { label: "get() on an empty queue", start: () => clock.observe(q.get()), wake: () => void clock.observe(q.put("x")), wakeLabel: 'put("x")' },
    {
      label: 'put("b") on a full AsyncQueue(1)',
      start: () => {
        clock.observe(q.put("a"));
        return clock.observe(q.put("b"));
      },
      wake: () => void clock.observe(q.get()),
      wakeLabel: "get()",
    },
    {
      label: "join() with the 3 items put taken by get() but not done",
      start: () => {
        clock.observe(q.get());
        return clock.observe(q.join());
      },
      wake: () => [0, 1, 2].forEach(() => thrownBy(() => q.taskDone())),
      wakeLabel: "three taskDone() calls",
    },
  ];
  for (const { label, start, wake, wakeLabel } of steps) {
    const waiting = start();
    await settle();
    const timers = clock.pendingTimers();
    // (Whether it should wait at all is for the other queue checks: here only how it waits counts.)
    expectThat(timers === 0, {
      observed: `${label}: ${describeWatched(waiting)}, with ${plural(timers, "timer")} set while it waits`,
      expected: "no timer set: a waiting promise is resolved by the call that changes the queue",
      hint: "keep the waiting promise's resolve function in a list, and call it from put / get / taskDone; never check again with setTimeout or setInterval",
    });
    wake();
    await settle(); // no virtual time passes
    expectThat(is(waiting, "fulfilled"), {
      observed: `${label}, then ${wakeLabel}: without any time passing it ${describeWatched(waiting)}`,
      expected: "it to resolve right away, with no time passing",
      hint: "resolve the waiting promise from the call that changed the queue, not from a timer that checks later",
    });
  }
  const leftover = clock.pendingTimers();
  expectThat(leftover === 0, {
    observed: `after the queue was used, ${plural(leftover, "timer")} still set`,
    expected: "no timer: a queue needs none",
    hint: "remove the setTimeout / setInterval from the queue",
  });
});

check("queue-validation", "AsyncQueue: a maxSize that is not a non-negative integer throws RangeError; 0 means unbounded", 1, async () => {
  const { AsyncQueue } = await load();
  for (const bad of [-1, 1.5, NaN, Infinity, -Infinity]) {
    const t = thrownBy(() => new AsyncQueue<number>(bad));
    expectThat(t !== undefined && t.error instanceof RangeError, {
      observed: `new AsyncQueue(${bad}) ${t ? `threw ${showError(t.error)}` : "did not throw"}`,
      expected: "a RangeError",
      hint: "in the constructor: if (!Number.isInteger(maxSize) || maxSize < 0) throw new RangeError(...)",
    });
  }
  for (const [label, make] of [
    ["new AsyncQueue(0)", () => new AsyncQueue<number>(0)],
    ["new AsyncQueue()", () => new AsyncQueue<number>()],
  ] as const) {
    const q = make();
    const puts = Array.from({ length: 50 }, (_, i) => clock.observe(q.put(i)));
    await idle();
    const done = puts.filter((p) => is(p, "fulfilled")).length;
    expectThat(done === 50, {
      observed: `on ${label}, ${done} of 50 put() calls resolved`,
      expected: "all 50: maxSize 0 (or omitted) means unbounded",
      hint: "treat maxSize 0 as \"no limit\"",
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// enrichCsv: expectations shared by its checks
// ---------------------------------------------------------------------------------------------------------

/** Fails unless the run resolved; returns the report. */
function resolved(run: Run, what: string): Exercise.EnrichReport {
  const o = run.outcome;
  expectThat(o.state === "fulfilled", {
    observed: `${what}: enrichCsv ${describe(o)}`,
    expected: "to resolve with a report { read, written, failed }",
    hint:
      o.state === "pending"
        ? "after the last row, tell every worker to stop (one end marker per worker, or a closed flag) and await them all"
        : "catch each row's error inside the worker: a failed row goes to `failed`, the run goes on",
  });
  return o.value;
}

/** Compares the output file with the rows expected in it (any order). */
function expectOutput(text: string | undefined, expected: Row[], what: string, hint: string, file = OUT): void {
  expectThat(text !== undefined, {
    observed: `${what}: no output file at ${file}`,
    expected: `${plural(expected.length, "JSON line")} at ${file}`,
    hint: "create the output file (fs.createWriteStream(outputPath), or writeFile/appendFile)",
  });
  const parsed = parseLines(text);
  expectThat(parsed.bad.length === 0, {
    observed: `${what}: the output has lines that are not JSON objects: ${show(parsed.bad.slice(0, 3))}`,
    expected: "one JSON object per line, each line ended by \\n",
    hint: "write JSON.stringify({ ...row, ...body }) + \"\\n\" for each row",
  });
  expectThat(canon(parsed.objects) === canon(expected), {
    observed: `${what}: the output holds ${show(parsed.objects)}`,
    expected: `${plural(expected.length, "line")} (any order): ${show(expected)}`,
    hint,
  });
}

// ---------------------------------------------------------------------------------------------------------
// enrichCsv: results
// ---------------------------------------------------------------------------------------------------------

check("enrich-output", "enrichCsv: writes each row merged with the API's answer as one JSON line, and reports the counts", 2, async () => {
  const input = fixture("people.csv");
  const lines = input.trim().split("\n").map((l) => l.split(","));
  const [header, ...rows] = lines as [string[], ...string[][]];
  const api = enrichApi();
  const run = await runEnrich(input);
  const report = resolved(run, "with 7 rows (the id in the second column) and an API answering every id");
  const ids = rows.map((r) => r[header.indexOf("id")]!);
  expectThat(sameIds(api.ids, ids), {
    observed: `the API received the ids ${list(api.ids)}`,
    expected: `one request per row: ${list(ids)}`,
    hint: "take the id from the column named id (row.id, wherever it is in the header) and request GET `${apiUrl}/enrich?id=${encodeURIComponent(row.id)}` once per row",
  });
  expectOutput(
    run.output,
    expectedOutput(header, rows),
    "with 7 rows",
    "each line is the row (header → value, all strings) with the API's JSON object merged over it: { ...row, ...body }",
  );
  expectThat(sameReport(report, 7, 7, []), {
    observed: `enrichCsv resolved with ${show(report)}`,
    expected: "{ read: 7, written: 7, failed: [] }",
    hint: "count data rows read (not the header), lines written, and list failed rows",
  });
  // The id in the last column, values that look like numbers, booleans or nothing: all stay strings.
  const typedHeader = ["name", "zip", "price", "active", "note", "id"];
  const typedRows = [
    ["Ada", "02134", "3.50", "true", "", "n-1"],
    ["Bob", "", "0", "false", "x y", "n-2"],
    ["Cy", "1e3", "-0", "null", "", "007"],
  ];
  const typedApi = enrichApi();
  const typed = await runEnrich(csvText(typedHeader, typedRows), {}, { input: "/data/typed.csv", output: "/data/typed.jsonl" });
  const typedReport = resolved(typed, "with 3 rows whose id is in the last column");
  const typedIds = typedRows.map((r) => r.at(-1)!);
  expectThat(sameIds(typedApi.ids, typedIds), {
    observed: `with the header ${typedHeader.join(",")}, the API received the ids ${list(typedApi.ids)}`,
    expected: `one request per row: ${list(typedIds)}`,
    hint: "take the id from the column named id, wherever it is in the header, exactly as written in the file",
  });
  expectOutput(
    typed.output,
    expectedOutput(typedHeader, typedRows),
    `with values such as "02134", "3.50", "true", "" and the id "007"`,
    "every value of the row is the string from the file, as is: do not convert numbers, booleans or empty fields",
    "/data/typed.jsonl",
  );
  expectThat(sameReport(typedReport, 3, 3, []), {
    observed: `enrichCsv resolved with ${show(typedReport)}`,
    expected: "{ read: 3, written: 3, failed: [] }",
    hint: "count data rows read (not the header), lines written, and list failed rows",
  });
});

check("in-flight-default", "enrichCsv: keeps exactly 3 requests in flight by default (workers and queueSize left out or undefined)", 1, async () => {
  for (const [label, options] of [
    ["no `workers` or `queueSize` option", {}],
    ["{ workers: undefined, queueSize: undefined }", { workers: undefined, queueSize: undefined }],
  ] as const) {
    const gates = gatedApi();
    const { header, rows } = people(10);
    const run = await startGated(csvText(header, rows), options);
    const initially = gates.inFlight;
    const rejected = is(run, "rejected") ? ` (enrichCsv ${describeWatched(run)})` : "";
    // Answered one by one before judging, so the picture of the run is there when a check fails.
    await drainGates(gates);
    recordTimeline(windowTimeline(`10 rows, ${label}, the oldest request answered first`, gates, rows.map((r) => r[0]!), 3));
    expectThat(initially === 3, {
      observed: `with 10 rows, ${label} and every request held, ${plural(initially, "request")} in flight${rejected}`,
      expected: "exactly 3 (the default number of workers)",
      hint:
        initially > 3
          ? "start `workers` workers, each taking one row at a time from the queue — not one request per row"
          : rejected
            ? "an option that is undefined takes its default, as in `const { workers = 3, queueSize = 10 } = options` (a spread `{ workers: 3, ...options }` copies the undefined)"
            : "default workers to 3 and start them all before waiting for any of them",
    });
    expectThat(gates.peak <= 3, {
      observed: `with ${label}, while the requests were answered one by one, the in-flight counts were ${gates.describeTimeline(3)}`,
      expected: "never more than 3 at once",
      hint: "a worker starts its next request only after its current one is finished",
    });
  }
});

check("in-flight-workers", "enrichCsv: keeps exactly `workers` requests in flight (1 and 5), fewer only when fewer rows remain", 1, async () => {
  for (const [workers, n] of [
    [1, 6],
    [5, 12],
    [5, 2],
  ] as const) {
    const gates = gatedApi();
    const { header, rows } = people(n);
    await startGated(csvText(header, rows), { workers });
    const initially = gates.inFlight;
    const want = Math.min(workers, n);
    await drainGates(gates);
    recordTimeline(windowTimeline(`${n} rows, workers: ${workers}, the oldest request answered first`, gates, rows.map((r) => r[0]!), workers));
    expectThat(initially === want, {
      observed: `with workers: ${workers}, ${n} rows and every request held, ${plural(initially, "request")} in flight`,
      expected: `exactly ${want}${n < workers ? ` (only ${n} rows)` : ""}`,
      hint: "start options.workers workers, each taking one row at a time from the queue",
    });
    expectThat(gates.peak <= workers, {
      observed: `with workers: ${workers}, the in-flight counts were ${gates.describeTimeline(workers)}`,
      expected: `never more than ${workers} at once`,
      hint: "each worker has at most one request running",
    });
  }
});

check("sliding-window", "enrichCsv: starts the next row as soon as any request finishes (a sliding window, not batches)", 2, async () => {
  const gates = gatedApi();
  const { header, rows } = people(8);
  await startGated(csvText(header, rows), { workers: 3 });
  const counts = [gates.inFlight, ...(await drainGates(gates, { newestFirst: true, patient: true }))];
  recordTimeline(windowTimeline("8 rows, 3 workers, the newest request answered first", gates, rows.map((r) => r[0]!), 3, true));
  const expected = [3, 3, 3, 3, 3, 3, 2, 1, 0];
  expectThat(list(counts) === list(expected), {
    observed: `with 3 workers and 8 rows, answering the newest request each time, the requests in flight were ${list(counts)} (initially, then after each answer)`,
    expected: `${list(expected)}: min(3, rows remaining) at every moment`,
    hint: "let each worker loop on its own (take a row, await its request, repeat) instead of awaiting a whole batch with Promise.all",
  });
});

check("drain-timing", "enrichCsv: 30 rows × 100 ms with 3 workers resolve at exactly 1000 ms of virtual time, every line written", 2, async () => {
  const api = enrichApi(100);
  const { header, rows } = people(30);
  const run = await runEnrich(csvText(header, rows), { workers: 3 });
  recordTimeline(drainTimeline("30 rows, every API call 100 ms, 3 workers", api, run, rows.map((r) => r[0]!), 3, 100));
  const o = run.outcome;
  expectThat(o.state === "fulfilled", {
    observed: `with 30 rows, every API call taking 100 ms and 3 workers, enrichCsv ${describe(o)}`,
    expected: "to resolve at 1000 ms",
    hint: "after the last row, stop every worker and await them all before resolving",
  });
  const atLines = parseLines(run.atResolve).objects.length;
  expectThat(o.at === 1000, {
    observed: `with 30 rows, every API call taking 100 ms and 3 workers, enrichCsv resolved at ${o.at} ms of virtual time${atLines < 30 ? ` with only ${atLines} of 30 lines in the output` : ""}`,
    expected: "1000 ms: 30 × 100 ms of calls shared by 3 workers",
    hint:
      o.at >= 3000
        ? "are the workers running one after another? Start all of them, then await them together"
        : o.at <= 100
          ? "all rows at once? Only `workers` requests may run at the same time"
          : o.at < 1000
            ? "it resolved before every row was handled: await every worker (and the output) before resolving"
            : "some workers sat idle: each worker should take its next row as soon as it finishes one",
  });
  expectThat(sameReport(o.value, 30, 30, []), {
    observed: `enrichCsv resolved with ${show(o.value)}`,
    expected: "{ read: 30, written: 30, failed: [] }",
    hint: "count every row read and every line written",
  });
  expectThat(atLines === 30, {
    observed: `when the promise resolved, the output held ${plural(atLines, "complete line")}${run.output !== run.atResolve ? ` (${parseLines(run.output).objects.length} a moment later)` : ""}`,
    expected: "all 30 lines already written when the promise resolves",
    hint: "wait until the output is complete before resolving: await each write, then end the stream and wait for it to finish (stream.end(callback))",
  });
});

check("backpressure", "enrichCsv: backpressure — the producer puts each row into an AsyncQueue of maxSize queueSize and stays at most queueSize + workers rows ahead", 2, async () => {
  const { AsyncQueue } = await load();
  // put's code, from an instance: a class field exists only on instances, a method is the prototype's.
  const counter = countCalls(new AsyncQueue<unknown>(1).put);
  expectThat(counter !== undefined, {
    observed: "AsyncQueue's put is not a JavaScript function the grader can observe",
    expected: "put to be a method or a function-valued field of AsyncQueue",
    hint: "define put as a method (`put(item) { … }`) or a class field (`put = async (item) => { … }`)",
  });
  try {
    for (const [label, options, queueSize, workers, tag] of [
      ["queueSize: 4, workers: 2", { queueSize: 4, workers: 2 }, 4, 2, "a"],
      ["the defaults (queueSize 10, workers 3)", {}, 10, 3, "b"],
    ] as const) {
      const gates = gatedApi();
      const rows = Array.from({ length: 40 }, (_, i) => [`bp-${tag}-${i + 1}`, `Name ${i + 1}`]);
      const before = counter.calls;
      const run = await startGated(csvText(["id", "name"], rows), options);
      // Let a producer that is still filling the queue get there: wait until nothing moves any more.
      await untilStill(() => counter.calls + gates.requests.length);
      const calls = counter.calls - before;
      // Each request is a row a worker took out of the queue.
      const taken = gates.requests.length;
      recordTimeline(await sampleBackpressure(`40 rows, ${label}, the oldest request answered first`, gates, () => counter.calls - before, queueSize));
      await releaseEverything(gates);
      await idle();
      expectThat(calls > 0, {
        observed: `with 40 rows and ${label}, enrichCsv never called put on an AsyncQueue (enrichCsv ${describeWatched(run)})`,
        expected: "the producer to put each row into an AsyncQueue (its `put` method)",
        hint: "create `new AsyncQueue(queueSize)` in enrichCsv, and have the producer `await queue.put(row)` for each row",
      });
      const ahead = calls - taken;
      expectThat(ahead >= queueSize && ahead <= queueSize + 1, {
        observed: `with 40 rows, ${label} and every request held, the producer had called put() ${plural(calls, "time")} (end markers count too) while the workers had taken ${plural(taken, "row")}: ${ahead > queueSize + 1 ? `${ahead} puts beyond what the workers took, in the queue or waiting to get in` : `${plural(ahead, "put")} beyond what the workers took`}`,
        expected: `${queueSize} rows in the queue (its maxSize is queueSize) and at most one more put() waiting: at most ${queueSize + workers + 1} put() calls in all`,
        hint:
          ahead > queueSize + 1
            ? "create the queue with maxSize = queueSize, make put wait while the queue is full, and await each put before reading or putting the next row"
            : "create the queue with maxSize = queueSize: while the workers are busy it fills up to queueSize rows",
      });
    }
  } finally {
    counter.stop();
  }
});

// ---------------------------------------------------------------------------------------------------------
// enrichCsv: the CSV format
// ---------------------------------------------------------------------------------------------------------

check("csv-crlf", "enrichCsv: reads CRLF line endings without keeping the \\r", 1, async () => {
  const header = ["id", "name", "city"];
  const rows = [
    ["c1", "Ada", "London"],
    ["c2", "Grace", "Arlington"],
    ["c3", "Linus", "Portland"],
  ];
  const api = enrichApi();
  const run = await runEnrich(csvText(header, rows, { eol: "\r\n" }));
  resolved(run, "with a CRLF file of 3 rows");
  expectThat(sameIds(api.ids, ["c1", "c2", "c3"]), {
    observed: `with \\r\\n line endings, the API received the ids ${list(api.ids)}`,
    expected: '["c1", "c2", "c3"]',
    hint: "strip a trailing \\r from each line (or split on /\\r?\\n/)",
  });
  expectOutput(
    run.output,
    expectedOutput(header, rows),
    "with \\r\\n line endings",
    "no key or value may end with \\r: strip the \\r of each CRLF line, the header's included",
  );
});

check("csv-blank-lines", "enrichCsv: skips blank lines (in LF and in CRLF files)", 1, async () => {
  for (const [label, eol, output] of [
    ["LF", "\n", "/data/out-lf.jsonl"],
    ["CRLF", "\r\n", "/data/out-crlf.jsonl"],
  ] as const) {
    const input = ["id,name", "", "b1,Ada", "", "", "b2,Grace", "b3,Linus", "", "", ""].join(eol);
    const api = enrichApi();
    const run = await runEnrich(input, {}, { input: IN, output });
    const report = resolved(run, `with blank lines between and after the rows (${label} line endings)`);
    expectThat(sameIds(api.ids, ["b1", "b2", "b3"]), {
      observed: `with blank lines in a file with ${label} line endings, the API received the ids ${list(api.ids)}`,
      expected: '["b1", "b2", "b3"]: one request per data row',
      hint: eol === "\n" ? "skip empty lines before turning a line into a row" : 'in a CRLF file a blank line is "\\r\\n": remove the line ending (\\r included) first, then skip the line if it is empty',
    });
    expectThat(sameReport(report, 3, 3, []), {
      observed: `with blank lines (${label}), enrichCsv resolved with ${show(report)}`,
      expected: "{ read: 3, written: 3, failed: [] }: blank lines are not rows",
      hint: "skip empty lines before counting or queueing a row",
    });
    // (Whether a \r stays in the values is csv-crlf's business: only the LF file's output is compared here.)
    if (eol === "\n") expectOutput(readOut(output), expectedOutput(["id", "name"], [["b1", "Ada"], ["b2", "Grace"], ["b3", "Linus"]]), "with blank lines", "blank lines are not rows", output);
  }
});

check("csv-last-line", "enrichCsv: reads the last row when the file does not end with a newline (LF or CRLF file)", 1, async () => {
  const header = ["id", "name"];
  const rows = [
    ["r1", "Ada"],
    ["r2", "Grace"],
    ["r3", "Linus"],
    ["r4", "Barbara"],
  ];
  const api = enrichApi();
  const run = await runEnrich(csvText(header, rows, { trailing: false }));
  const report = resolved(run, "with no newline after the last row");
  expectThat(sameIds(api.ids, ["r1", "r2", "r3", "r4"]) && sameReport(report, 4, 4, []), {
    observed: `with no newline after the last row ("r4,Barbara"), the API received ${list(api.ids)} and enrichCsv resolved with ${show(report)}`,
    expected: "all 4 rows requested and { read: 4, written: 4, failed: [] }",
    hint: "the text after the last newline is a line too: handle what is left in your buffer when the input ends",
  });
  expectOutput(run.output, expectedOutput(header, rows), "with no newline after the last row", "the last row counts even without a final newline");
  // The same in a CRLF file: the last line has no \r\n at all, so nothing may be cut from it.
  // (Whether a \r stays in keys or values is csv-crlf's business: a trailing \r is ignored here.)
  const crlfHeader = ["id", "name", "city"];
  const crlfRows = [
    ["q1", "Ada", "London"],
    ["q2", "Grace", "Arlington"],
    ["q3", "Linus", "Portland"],
  ];
  const crlfApi = enrichApi();
  const crlf = await runEnrich(csvText(crlfHeader, crlfRows, { eol: "\r\n", trailing: false }), {}, { input: IN, output: "/data/out-crlf.jsonl" });
  const crlfReport = resolved(crlf, "with CRLF line endings and no line ending after the last row");
  const unCR = (text: string) => text.replace(/\r$/, "");
  const written = parseLines(crlf.output).objects.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [unCR(k), typeof v === "string" ? unCR(v) : v])));
  const wanted = expectedOutput(crlfHeader, crlfRows);
  expectThat(sameIds(crlfApi.ids.map(unCR), ["q1", "q2", "q3"]) && sameReport(crlfReport, 3, 3, []) && canon(written) === canon(wanted), {
    observed: `with CRLF line endings and no line ending after the last row ("q3,Linus,Portland"), the API received ${list(crlfApi.ids)}, enrichCsv resolved with ${show(crlfReport)} and the output holds ${show(written)}`,
    expected: `the 3 rows requested, { read: 3, written: 3, failed: [] } and ${show(wanted)}`,
    hint: "remove a \\r only where there is one (line.endsWith(\"\\r\")): the last line of a file may end with no line break at all",
  });
});

check("header-only", "enrichCsv: a header-only input gives { read: 0, written: 0, failed: [] } and an empty output file", 1, async () => {
  for (const [label, input, out] of [
    ["a header line", "id,name\n", "/data/out-1.jsonl"],
    ["a header without a newline", "id,name", "/data/out-2.jsonl"],
  ] as const) {
    const api = enrichApi();
    const run = await runEnrich(input, {}, { input: IN, output: out });
    const report = resolved(run, `with only ${label}`);
    expectThat(sameReport(report, 0, 0, []) && api.ids.length === 0, {
      observed: `with only ${label}, enrichCsv resolved with ${show(report)} after ${plural(api.ids.length, "request")}`,
      expected: "{ read: 0, written: 0, failed: [] } and no request",
      hint: "the first line is the header, not a row",
    });
    expectThat(diskExists(out) && readOut(out) === "", {
      observed: `with only ${label}, the output file ${diskExists(out) ? `holds ${show(readOut(out))}` : "was never created"}`,
      expected: "an empty output file",
      hint: "create (or truncate) the output file even when there is no row to write",
    });
  }
});

check("output-replaced", "enrichCsv: an existing output file is replaced, never appended to", 1, async () => {
  const old = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `old-${i + 1}`, note: "from an earlier run, longer than the new output" })).join("\n") + "\n";
  writeDiskFile(OUT, old);
  const header = ["id", "name"];
  const rows = [
    ["n1", "Ada"],
    ["n2", "Grace"],
    ["n3", "Linus"],
  ];
  enrichApi();
  const run = await runEnrich(csvText(header, rows));
  resolved(run, `with 3 rows and ${OUT} already holding 20 lines`);
  const parsed = parseLines(run.output);
  const stale = [...parsed.objects.map((o) => String(o.id)), ...parsed.bad].filter((v) => !["n1", "n2", "n3"].includes(v));
  expectThat(stale.length === 0 && parsed.bad.length === 0, {
    observed: `with ${OUT} already holding 20 lines from an earlier run, after enrichCsv it holds ${plural(parsed.objects.length + parsed.bad.length, "line")}${stale.length ? `, ${stale.length} of them not from this run (${show(stale.slice(0, 2))}…)` : ""}`,
    expected: "only the 3 lines of this run: the output file is created or replaced (truncated), never appended to",
    hint: "open the output for writing, not appending: createWriteStream(outputPath) or open(outputPath, \"w\") (not the \"a\" or \"r+\" flags), or writeFile, which replaces the file",
  });
  expectOutput(run.output, expectedOutput(header, rows), `with ${OUT} already holding 20 lines`, "write this run's rows, and only those");
});

check("missing-file", "enrichCsv: a missing input file rejects with ENOENT without any request", 1, async () => {
  const api = enrichApi();
  const run = await runEnrich(undefined, {}, { input: "/data/no-such-file.csv", output: OUT });
  const o = run.outcome;
  const code = o.state === "rejected" ? (o.reason as { code?: unknown } | null)?.code : undefined;
  expectThat(o.state === "rejected" && code === "ENOENT", {
    observed: `with a missing input file, enrichCsv ${describe(o)}${o.state === "rejected" ? ` (code ${show(code)})` : ""}`,
    expected: "to reject with the file system's ENOENT error (error.code === \"ENOENT\")",
    hint: "let the error from opening the input reach the returned promise: with a read stream, wait for 'open' (events.once) or iterate it with for await",
  });
  const requests = api.ids.length + net.unexpected.length;
  expectThat(requests === 0, {
    observed: `with a missing input file, ${plural(requests, "request")} reached the network`,
    expected: "no request",
    hint: "nothing to enrich: fail before any worker calls the API",
  });
});

// ---------------------------------------------------------------------------------------------------------
// enrichCsv: failures, ids, validation, cleanup
// ---------------------------------------------------------------------------------------------------------

check("failed-rows", "enrichCsv: rows failing with a non-2xx status (300, 404, 500), a network error or a body that is not a JSON object (204 included) are listed in failed; the others are written", 2, async () => {
  const answers: Record<string, () => Response> = {
    boom: () => HttpResponse.json({ error: "server exploded" }, { status: 500 }),
    gone: () => new HttpResponse("not found", { status: 404 }),
    choice: () => HttpResponse.json({ pick: "one of these" }, { status: 300 }),
    down: () => HttpResponse.error(),
    list: () => HttpResponse.json([1, 2, 3]),
    word: () => HttpResponse.text("not json at all"),
    null: () => HttpResponse.json(null),
    number: () => HttpResponse.json(42),
    empty: () => new HttpResponse(null, { status: 204 }),
  };
  const seen: string[] = [];
  net.use(
    http.get(ENRICH, ({ request }) => {
      const id = new URL(request.url).searchParams.get("id") ?? "";
      seen.push(id);
      return answers[id]?.() ?? HttpResponse.json(apiBody(id));
    }),
  );
  const header = ["id", "name"];
  const rows = ["ok1", "boom", "ok2", "down", "ok3", "gone", "list", "ok4", "word", "choice", "null", "ok5", "number", "empty"].map((id) => [id, `Name of ${id}`]);
  const run = await runEnrich(csvText(header, rows), { workers: 2 });
  const o = run.outcome;
  expectThat(o.state === "fulfilled", {
    observed: `with 14 rows of which boom (500), gone (404), choice (300), down (network error) and 5 bodies that are not JSON objects fail, enrichCsv ${describe(o)}`,
    expected: "to resolve, listing the failed rows in `failed`",
    hint: "catch each row's error inside the worker (try/catch around the request), record it, and go on with the next row",
  });
  const report = o.value;
  const failedIds = Array.isArray(report?.failed) ? report.failed.map((f) => f?.id) : [];
  const httpFailures = ["boom", "gone", "choice", "down"];
  const missedHttp = httpFailures.filter((id) => !failedIds.includes(id));
  expectThat(missedHttp.length === 0, {
    observed: `failed lists ${show(report?.failed)}; not ${list(missedHttp)}`,
    expected: `the ids ${list(httpFailures)} among the failed rows (a 500, a 404, a 300 with a JSON object body, a network error)`,
    hint: missedHttp.includes("choice") && missedHttp.length === 1
      ? "only 200–299 is a success: a 300 (or any 3xx) is not, even with a JSON object body; check response.ok (or 200 <= status && status < 300), not status < 400"
      : "a request fails when fetch rejects or when response.ok is false (status outside 200–299)",
  });
  const notObjects = ["list", "word", "null", "number", "empty"];
  expectThat(notObjects.every((id) => failedIds.includes(id)), {
    observed: `2xx answers of [1, 2, 3] (id list), of the text "not json at all" (id word), of the JSON null (id null), of the JSON 42 (id number) and a 204 with no body (id empty): failed lists ${show(report.failed)}`,
    expected: `the ids ${list(notObjects)} among the failed rows: a 2xx body that is not a JSON object fails the row`,
    hint: "parse the body inside the try block, and fail the row unless it is a non-null object that is not an array",
  });
  const allFailed = [...httpFailures, ...notObjects];
  const ok = rows.filter(([id]) => !allFailed.includes(id!));
  expectThat(
    sameReport(report, 14, 5, allFailed) && report.failed.every((f) => typeof f.reason === "string"),
    {
      observed: `enrichCsv resolved with ${show(report)}`,
      expected: `{ read: 14, written: 5, failed: [9 × { id, reason: string }] } (failed ids ${list(allFailed)}), read === written + failed.length`,
      hint: "every row read is either written or listed in failed, exactly once",
    },
  );
  const unexplained = report.failed.filter((f) => f.reason.trim() === "").map((f) => f.id);
  expectThat(unexplained.length === 0, {
    observed: `the failed rows ${list(unexplained)} have an empty reason: ${show(report.failed)}`,
    expected: "every failed row with a reason that says what went wrong (a non-empty string, e.g. \"HTTP 500\")",
    hint: "use the caught error's message, or `HTTP ${response.status}` for a non-2xx answer",
  });
  expectOutput(run.output, expectedOutput(header, ok), "with 9 rows failing", "write the rows that succeeded, and only those");
  expectThat(sameIds(seen, rows.map(([id]) => id!)), {
    observed: `the API received ${list(seen)}`,
    expected: "one request per row, failures included (the exercise does not retry)",
    hint: "request each row once",
  });
});

check("any-2xx", "enrichCsv: any 2xx answer whose body is a JSON object is a success (200, 201, 202, 203, 207, 299)", 1, async () => {
  const statuses = [200, 201, 202, 203, 207, 299];
  net.use(
    http.get(ENRICH, ({ request }) => {
      const id = new URL(request.url).searchParams.get("id") ?? "";
      return HttpResponse.json(apiBody(id), { status: Number(id.slice(2)) || 200 });
    }),
  );
  const header = ["id", "name"];
  const rows = statuses.map((status) => [`s-${status}`, `Answered ${status}`]);
  const run = await runEnrich(csvText(header, rows), { workers: 2 });
  const report = resolved(run, `with answers ${statuses.join(", ")}, each with a JSON object body`);
  const failed = Array.isArray(report?.failed) ? report.failed.map((f) => f?.id) : [];
  expectThat(sameReport(report, rows.length, rows.length, []), {
    observed: `with answers ${statuses.join(", ")} (each a JSON object), enrichCsv resolved with ${show(report)}${failed.length ? `: ${list(failed)} counted as failures` : ""}`,
    expected: `{ read: ${rows.length}, written: ${rows.length}, failed: [] }: every status from 200 to 299 is a success`,
    hint: "test for success with response.ok (or 200 <= status && status < 300), not status === 200",
  });
  expectOutput(run.output, expectedOutput(header, rows), `with answers ${statuses.join(", ")}`, "merge and write every 2xx answer's JSON object");
});

check("id-encoding", "enrichCsv: ids with & + # % spaces and non-ASCII reach the API exactly", 1, async () => {
  const ids = ["a&b=c", "1+1", "#hash", "100%", "%41", "two words", "café", "日本語", "ü/?x"];
  // A first row of 65 535 bytes puts the 2-byte "é" of the next id across the 64 KiB boundary of a read stream.
  const header = ["id", "name", "note"];
  const prefix = `${header.join(",")}\npad,Pad,`;
  const pad = ["pad", "Pad", "x".repeat(65_535 - Buffer.byteLength(prefix) - 1)];
  const rows = [pad, ["é-straddle", "Straddle", "-"], ...ids.map((id, i) => [id, `Name ${i}`, "-"])];
  const api = enrichApi();
  const run = await runEnrich(csvText(header, rows), { workers: 2 });
  resolved(run, "with ids full of special characters");
  const want = rows.map((r) => r[0]!);
  const missing = want.filter((id) => !api.ids.includes(id));
  expectThat(sameIds(api.ids, want), {
    observed: `the API received the ids ${list(api.ids)}${missing.length ? `; never ${list(missing)}` : ""}`,
    expected: `exactly ${list(want)}`,
    hint: missing.includes("é-straddle") && missing.length === 1
      ? "a UTF-8 character can be cut in two between chunks: decode the stream as a whole (createReadStream(path, \"utf8\"), readline, or a StringDecoder), not chunk by chunk"
      : "encode the id for the query string: `?id=${encodeURIComponent(row.id)}`",
  });
  expectOutput(run.output, expectedOutput(header, rows), "with special ids", "keep each id exactly as read from the file");
});

check("api-url-path", "enrichCsv: an apiUrl with a port and a path keeps them: GET `${apiUrl}/enrich?id=…`", 1, async () => {
  const apiUrl = "http://api.test:8080/api/v1";
  const ids: string[] = [];
  net.use(
    http.get(`${apiUrl}/enrich`, ({ request }) => {
      const id = new URL(request.url).searchParams.get("id") ?? "";
      ids.push(id);
      return HttpResponse.json(apiBody(id));
    }),
  );
  const header = ["id", "name"];
  const rows = [
    ["v1", "Ada"],
    ["v2", "Grace"],
  ];
  const run = await runEnrich(csvText(header, rows), { apiUrl });
  const elsewhere = net.unexpected;
  expectThat(sameIds(ids, ["v1", "v2"]) && elsewhere.length === 0, {
    observed: `with apiUrl "${apiUrl}", ${ids.length ? `${apiUrl}/enrich received ${list(ids)}` : `nothing reached ${apiUrl}/enrich`}${elsewhere.length ? `; requests went to ${list(elsewhere)}` : ""} (enrichCsv ${describe(run.outcome)})`,
    expected: `GET ${apiUrl}/enrich?id=v1 and ?id=v2: the path of apiUrl is kept`,
    hint: "build the URL as the text `${apiUrl}/enrich?id=${encodeURIComponent(id)}`: new URL(\"/enrich\", apiUrl) drops the path of apiUrl",
  });
  const report = resolved(run, `with apiUrl "${apiUrl}"`);
  expectThat(sameReport(report, 2, 2, []), {
    observed: `with apiUrl "${apiUrl}", enrichCsv resolved with ${show(report)}`,
    expected: "{ read: 2, written: 2, failed: [] }",
    hint: "request `${apiUrl}/enrich?id=…` for every row",
  });
});

check("options-validation", "enrichCsv: workers or queueSize not a positive integer rejects with RangeError, before reading", 1, async () => {
  const api = enrichApi();
  const bad: Options[] = [
    { workers: 0 },
    { workers: -1 },
    { workers: 1.5 },
    { workers: NaN },
    { workers: Infinity },
    { queueSize: 0 },
    { queueSize: -3 },
    { queueSize: 2.5 },
    { queueSize: Infinity },
    { queueSize: NaN },
  ];
  for (const options of bad) {
    const shown = Object.entries(options).map(([k, v]) => `${k}: ${v}`).join(", ");
    const run = await runEnrich(undefined, options, { input: "/data/not-read.csv", output: OUT });
    const o = run.outcome;
    expectThat(o.state === "rejected" && o.reason instanceof RangeError, {
      observed: `enrichCsv(…, { apiUrl, ${shown} }) with a missing input file ${describe(o)}`,
      expected: "a promise rejected with a RangeError, before the input is even opened",
      hint: "check workers and queueSize first (Number.isInteger(n) && n > 0); in an async function `throw new RangeError(...)` rejects the promise",
    });
  }
  const requests = api.ids.length + net.unexpected.length;
  expectThat(requests === 0, {
    observed: `with invalid options, ${plural(requests, "request")} reached the API`,
    expected: "no request",
    hint: "validate the options before starting anything",
  });
  const { header, rows } = people(3);
  const smallest = await runEnrich(csvText(header, rows), { workers: 1, queueSize: 1 });
  const so = smallest.outcome;
  expectThat(so.state === "fulfilled" && sameReport(so.value, 3, 3, []), {
    observed: `with 3 rows and { workers: 1, queueSize: 1 }, enrichCsv ${describe(so)}`,
    expected: "to resolve with { read: 3, written: 3, failed: [] }: 1 is a positive integer, a valid workers and queueSize",
    hint: "reject only values below 1 (`n < 1`), not 1 itself",
  });
});

check("clean-finish", "enrichCsv: leaves no request or timer running after resolving", 1, async () => {
  const api = enrichApi(100);
  const { header, rows } = people(9);
  const run = await runEnrich(csvText(header, rows), { workers: 3 });
  const o = run.outcome;
  expectThat(o.state === "fulfilled", {
    observed: `with 9 rows and API calls of 100 ms, enrichCsv ${describe(o)}`,
    expected: "to resolve",
    hint: "after the last row, stop every worker and await them all",
  });
  const active = api.active;
  const timers = clock.pendingTimers();
  expectThat(active === 0, {
    observed: `when enrichCsv resolved, ${plural(active, "request")} ${active === 1 ? "was" : "were"} still running`,
    expected: "no request left running",
    hint: "await every worker before resolving",
  });
  expectThat(timers === 0, {
    observed: `when enrichCsv resolved, ${plural(timers, "timer")} ${timers === 1 ? "was" : "were"} still pending`,
    expected: "no timer left behind",
    hint: "clear every timer you start (clearTimeout), e.g. a request timeout, once the request is done",
  });
  const before = api.ids.length;
  await advanceBy(60_000);
  expectThat(api.ids.length === before, {
    observed: `after enrichCsv resolved, ${plural(api.ids.length - before, "more request")} started in the next 60 s of virtual time`,
    expected: "no request after resolving",
    hint: "workers must have stopped when the promise resolves",
  });
});
