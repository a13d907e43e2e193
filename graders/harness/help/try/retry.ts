/**
 * try 03: retryAsync against a real flaky endpoint. /flaky answers 503 a few times, then 200; /down always
 * answers 503. The timeline shows each attempt, each failure and each wait as measured on the real clock.
 */
import type * as Exercise from "../../../../exercises/03-retry-async.ts";
import { isNotImplemented } from "../../core/errors.ts";
import { outcome, type Finding, type Outcome } from "./outcome.ts";
import { latencies, sleep, startServer } from "./server.ts";
import { Timeline, type Print } from "./timeline.ts";

export interface RetryTry {
  print: Print;
  /** Server latency range in ms. */
  latency: [number, number];
  backoffMs: number;
  /** How many times /flaky fails before it answers. */
  failures: number;
}

export type RetryAsync = typeof Exercise.retryAsync;

export const RETRY_DEFAULTS: Omit<RetryTry, "print"> = { latency: [20, 60], backoffMs: 200, failures: 3 };
export const RETRY_FAST: Omit<RetryTry, "print"> = { latency: [5, 10], backoffMs: 30, failures: 3 };

/** A real wait is never shorter than asked (give or take a timer tick) and, on a calm machine, not much longer. */
export function waitLooksRight(measured: number, expected: number): boolean {
  return measured >= expected - 2 && measured <= expected + Math.max(100, expected);
}

interface Attempt {
  attempt: unknown;
  startedAt: number;
  failedAt?: number;
  error?: Error;
}

export async function tryRetry(retryAsync: RetryAsync, options: RetryTry): Promise<Outcome> {
  const { print, backoffMs, failures } = options;
  const timeline = new Timeline(print);
  const latency = latencies(...options.latency);
  const hits = new Map<string, number>();
  const server = await startServer(async (url, _req, res) => {
    const n = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, n);
    timeline.begin(`GET ${url.pathname}  (request ${n})`);
    await sleep(latency());
    const ok = url.pathname === "/flaky" && n > failures;
    timeline.end(`${ok ? "200 OK" : "503 Service Unavailable"}  ${url.pathname}`);
    if (ok) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ message: `hello after ${failures} failures` }));
    else res.writeHead(503).end("try again later");
  });

  /** fn for retryAsync: one real request per attempt; notes the waits between attempts. */
  function operation(pathname: string, log: Attempt[]) {
    return async (attempt: number): Promise<unknown> => {
      const previous = log.at(-1);
      const entry: Attempt = { attempt, startedAt: timeline.now() };
      log.push(entry);
      if (previous?.failedAt !== undefined) {
        const expected = backoffMs * 2 ** (log.length - 2);
        timeline.note(`… waited ${Math.round(entry.startedAt - previous.failedAt)} ms (expected ${expected} ms)`);
      }
      timeline.note(`attempt ${String(attempt)}`);
      const response = await fetch(`${server.base}${pathname}`);
      if (response.ok) return response.json();
      await response.text();
      entry.failedAt = timeline.now();
      entry.error = new Error(`HTTP ${response.status} from ${pathname}`);
      throw entry.error;
    };
  }

  const budget = (attempts: number) => backoffMs * 2 ** attempts * 3 + 5_000;
  const findings: Finding[] = [];
  try {
    // 1. A flaky endpoint: fails `failures` times, then answers.
    const maxAttempts = failures + 2;
    print(`retryAsync(fn, ${maxAttempts}, ${backoffMs}) — fn fetches ${server.base}/flaky, which fails ${failures} times, then answers`);
    const flaky: Attempt[] = [];
    const first = await settle(retryAsync(operation("/flaky", flaky), maxAttempts, backoffMs), budget(maxAttempts), timeline);
    findings.push(...judgeFlaky(first, flaky, options));

    // 2. An endpoint that stays down: every attempt fails.
    print("");
    print(`retryAsync(fn, 3, ${backoffMs}) — fn fetches ${server.base}/down, which always fails`);
    const down: Attempt[] = [];
    const second = await settle(retryAsync(operation("/down", down), 3, backoffMs), budget(3), timeline);
    findings.push(...judgeDown(second, down, options));
  } finally {
    await server.close();
  }
  return outcome(findings);
}

type Settled = { state: "fulfilled"; value: unknown; at: number } | { state: "rejected"; reason: unknown; at: number } | { state: "pending"; at: number };

async function settle(promise: Promise<unknown>, budgetMs: number, timeline: Timeline): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ state: "pending", at: timeline.now() }), budgetMs);
  });
  const done = promise.then(
    (value): Settled => ({ state: "fulfilled", value, at: timeline.now() }),
    (reason: unknown): Settled => ({ state: "rejected", reason, at: timeline.now() }),
  );
  const result = await Promise.race([done, pending]);
  clearTimeout(timer);
  if (result.state === "rejected" && isNotImplemented(result.reason)) throw result.reason;
  timeline.note(
    result.state === "fulfilled" ? `resolved with ${JSON.stringify(result.value)}` : result.state === "rejected" ? `rejected with ${String(result.reason)}` : `still pending after ${budgetMs} ms — stopped waiting`,
  );
  return result;
}

function waits(log: Attempt[]): number[] {
  return log.slice(1).map((a, i) => Math.round(a.startedAt - (log[i]!.failedAt ?? log[i]!.startedAt)));
}

function judgeWaits(log: Attempt[], backoffMs: number, where: string): Finding {
  const measured = waits(log);
  const expected = measured.map((_, i) => backoffMs * 2 ** i);
  const ok = measured.length > 0 && measured.every((m, i) => waitLooksRight(m, expected[i]!));
  return { ok, text: `${where}: waits between attempts [${measured.join(", ")}] ms; expected about [${expected.join(", ")}] (each wait doubles)` };
}

function judgeFlaky(result: Settled, log: Attempt[], { failures, backoffMs }: RetryTry): Finding[] {
  const expectedValue = JSON.stringify({ message: `hello after ${failures} failures` });
  return [
    {
      ok: result.state === "fulfilled" && JSON.stringify(result.value) === expectedValue,
      text: result.state === "fulfilled" ? `/flaky: resolved with the answer of attempt ${log.length}` : `/flaky: expected to resolve with ${expectedValue}, but it ${result.state === "rejected" ? `rejected with ${String(result.reason)}` : "never settled"}`,
    },
    { ok: log.length === failures + 1, text: `/flaky: ${log.length} attempts for ${failures} failures and a success; expected ${failures + 1}` },
    { ok: log.every((a, i) => a.attempt === i + 1), text: `/flaky: attempt numbers passed to fn: [${log.map((a) => String(a.attempt)).join(", ")}]` },
    judgeWaits(log, backoffMs, "/flaky"),
  ];
}

function judgeDown(result: Settled, log: Attempt[], { backoffMs }: RetryTry): Finding[] {
  const last = log.at(-1);
  const after = last?.failedAt !== undefined ? Math.round(result.at - last.failedAt) : NaN;
  return [
    { ok: log.length === 3, text: `/down: ${log.length} attempts with maxAttempts 3; expected 3` },
    {
      ok: result.state === "rejected" && result.reason === last?.error,
      text: result.state === "rejected" ? `/down: rejected with ${result.reason === last?.error ? "the last attempt's error itself" : `a different error: ${String(result.reason)}`}` : `/down: expected to reject with the last attempt's error, but it ${result.state === "fulfilled" ? "resolved" : "never settled"}`,
    },
    // Only a rejection after an attempt that failed at the server has a "how soon after" to judge.
    Number.isNaN(after) || result.state !== "rejected"
      ? { ok: true, unjudged: true, text: "/down: how soon it rejects after the last failure cannot be judged: no attempt failed at the server first" }
      : { ok: after <= Math.max(20, backoffMs / 2), text: `/down: rejected ${after} ms after the last failure; expected at once (no wait after the last attempt)` },
    judgeWaits(log, backoffMs, "/down"),
  ];
}
