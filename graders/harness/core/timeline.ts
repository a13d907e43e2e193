/**
 * The timeline record: what a check saw happen over (virtual) time, as plain data for the reports to draw.
 *
 * A check records what the learner's code did (`observed`) and, where there is one, what the reference
 * behaviour does in the same scenario (`expected`), on one x axis:
 * - "step": gate releases. The concurrency checks answer held requests one by one without moving the
 *   virtual clock, so their x axis is "how many answers so far"; a request answered at step 3 and the
 *   one started right after it both sit at 3.
 * - "ms": virtual milliseconds (queue draining with slow answers, retry schedules).
 * Spans are half-open [start, end): one ending at x frees its lane for one starting at x, so the lanes a
 * picture needs (`laneOf`) equal the most spans open at once (`peakOf`).
 */

export type Axis = "step" | "ms";

/** Something that lasted: a request from its start to its answer, a retry attempt. */
export interface Span {
  /** Short name: the file, the row id, "attempt 2". */
  label: string;
  start: number;
  /** Missing: still open when the check stopped looking. */
  end?: number;
  /** It failed (an error answer, a dropped connection, a rejected attempt). */
  failed?: boolean;
}

/** A quantity over x (queue depth, puts made), as points of a step line. */
export interface Series {
  label: string;
  points: [x: number, y: number][];
  /** Drawn as the bound the other series must stay under. */
  bound?: boolean;
}

export interface Track {
  spans?: Span[];
  series?: Series[];
  /** How the run ended ("resolved", "rejected") and when. */
  end?: { at: number; label: string };
}

export interface Timeline {
  /** The scenario, as the check's message names it: "9 URLs, maxConcurrent 3, newest answered first". */
  title: string;
  axis: Axis;
  /** "lanes": spans stacked in lanes (concurrency); "sequence": spans on one row, gaps labelled (retries). */
  layout: "lanes" | "sequence";
  /** The concurrency limit, drawn as a line over the lanes. */
  limit?: number;
  observed: Track;
  expected?: Track;
}

/** The most spans open at any one x. */
export function peakOf(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [
    { x: s.start, d: 1 },
    { x: s.end ?? Infinity, d: -1 },
  ]);
  // At the same x an end comes before a start: [start, end) intervals.
  edges.sort((a, b) => a.x - b.x || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (open += e.d));
  return peak;
}

/**
 * A lane for each span, greedily by start (the lowest free lane). Assigning intervals in order of their
 * start to any free lane uses exactly as many lanes as the most intervals open at once.
 */
export function laneOf(spans: readonly Span[]): number[] {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a]!.start - spans[b]!.start || a - b);
  const freeAt: number[] = [];
  const lanes: number[] = new Array<number>(spans.length);
  for (const i of order) {
    const s = spans[i]!;
    let lane = freeAt.findIndex((x) => x <= s.start);
    if (lane < 0) lane = freeAt.length;
    freeAt[lane] = s.end ?? Infinity;
    lanes[i] = lane;
  }
  return lanes;
}

/**
 * In-flight counts at each span's start, in start order: the text timeline "1 2 3 3 3 (limit 3)". A span
 * counts itself, even one that ended at the x it started (a body sent whole at once).
 */
export function inFlightAtStarts(spans: readonly Span[]): number[] {
  return spans.map((s, i) => spans.slice(0, i + 1).filter((o) => o === s || (o.start <= s.start && (o.end === undefined || o.end > s.start))).length);
}

/**
 * The reference behaviour of a sliding window of `limit` over `count` tasks started in order, when a
 * driver answers one open task per step (`newestFirst` or the oldest): each answer starts the next task.
 */
export function slidingWindowSpans(count: number, limit: number, newestFirst: boolean, label: (i: number) => string): Span[] {
  const spans: Span[] = [];
  const open: number[] = [];
  const begin = (at: number) => {
    if (spans.length >= count) return;
    open.push(spans.length);
    spans.push({ label: label(spans.length), start: at });
  };
  for (let i = 0; i < Math.min(limit, count); i++) begin(0);
  for (let step = 1; open.length; step++) {
    const done = newestFirst ? open.pop()! : open.shift()!;
    spans[done]!.end = step;
    begin(step);
  }
  return spans;
}
