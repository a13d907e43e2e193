/**
 * The live timeline `npm run try` prints, and what it judges from it (the window's idle share, the limit).
 *
 * One line per event, stamped with the milliseconds since the start, and a bar of the requests in flight against the limit:
 *     212 ms  ← part-02.bin  200  12.0 KiB  (143 ms)      ■■■□  3/4
 */
import type { Finding } from "./outcome.ts";

export type Print = (line: string) => void;

export class Timeline {
  readonly #print: Print;
  readonly #start = performance.now();
  /** The limit the bar is drawn against (maxConcurrent, workers); 0 = no bar. */
  readonly limit: number;
  inFlight = 0;
  maxInFlight = 0;
  /** (time, requests in flight after it) at every begin and end, and whether it was a begin. */
  readonly #changes: { at: number; inFlight: number; begin: boolean }[] = [];

  constructor(print: Print, limit = 0) {
    this.#print = print;
    this.limit = limit;
  }

  /** Milliseconds since the timeline started. */
  now(): number {
    return performance.now() - this.#start;
  }

  /** A request arrived at the server. */
  begin(label: string): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.#changes.push({ at: this.now(), inFlight: this.inFlight, begin: true });
    this.#line(`→ ${label}`, true);
  }

  /** The server answered (or dropped) a request. */
  end(label: string): void {
    this.inFlight--;
    this.#changes.push({ at: this.now(), inFlight: this.inFlight, begin: false });
    this.#line(`← ${label}`, true);
  }

  /**
   * How much of the window stood empty while requests were still to start: from the first request to
   * the last one started, the free slots (limit − in flight) over time, as a share of limit × that time.
   * A sliding window refills a slot as soon as a request ends (a few ms each); batches leave slots empty
   * while the slowest request of each batch finishes.
   */
  idleSlotShare(limit: number): number {
    const lastBegin = this.#changes.findLastIndex((c) => c.begin);
    if (lastBegin < 1 || limit < 1) return 0;
    let idle = 0;
    for (let i = 0; i < lastBegin; i++) {
      const c = this.#changes[i]!;
      idle += Math.max(0, limit - c.inFlight) * (this.#changes[i + 1]!.at - c.at);
    }
    const span = this.#changes[lastBegin]!.at - this.#changes[0]!.at;
    return span > 0 ? idle / (limit * span) : 0;
  }

  note(text: string): void {
    this.#line(text, false);
  }

  #line(text: string, withBar: boolean): void {
    const stamp = `${Math.round(this.now())} ms`.padStart(8);
    this.#print(withBar && this.limit ? `${stamp}  ${text.padEnd(50)} ${bar(this.inFlight, this.limit)}` : `${stamp}  ${text}`);
  }
}

/** "■■■□ 3/4"; over the limit: "■■■■■ 5/4  over the limit!" */
export function bar(inFlight: number, limit: number): string {
  const cells = "■".repeat(Math.min(inFlight, limit)) + "□".repeat(Math.max(limit - inFlight, 0)) + "■".repeat(Math.max(inFlight - limit, 0));
  return `${cells}  ${inFlight}/${limit}${inFlight > limit ? "  over the limit!" : ""}`;
}

export function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Share of free slots above which the window is not sliding (batches leave about a quarter free). */
export const IDLE_SLOTS_LIMIT = 0.1;

/**
 * The sliding window, judged as the graders judge it: when a request ends, the next one starts at once.
 * Real latencies must be long next to the few ms a slot takes to refill; with --fast they are not.
 */
export function judgeWindow(timeline: Timeline, limit: number, latency: readonly [number, number], words: { exercise: string; busy: string; refill: string }): Finding {
  if (latency[0] < 100) {
    return { ok: true, unjudged: true, text: `sliding window vs batches: not judged with --fast (the answers are too quick to tell); \`npm test -- ${words.exercise}\` judges it` };
  }
  const percent = Math.round(timeline.idleSlotShare(limit) * 100);
  return percent <= IDLE_SLOTS_LIMIT * 100
    ? { ok: true, text: `a sliding window: while work was left, a slot freed by ${words.busy} was refilled at once (${percent}% of the window stood empty)` }
    : { ok: false, text: `not a sliding window: while work was left, ${percent}% of the window stood empty (batches?). ${words.refill}` };
}
