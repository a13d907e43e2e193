/**
 * `recordTimeline`: a check keeps what it saw happen over time, for the reports to draw (core/timeline.ts).
 *
 * The record travels with the check's result (vitest's task meta, set by grader.ts), pass or fail, into the
 * JSON report and the HTML pictures. It is capped, so a runaway submission still makes a small report.
 */
import type { Series, Span, Timeline, Track } from "../core/timeline.ts";
import type { Outcome } from "./clock.ts";

/** At most this many timelines per check, and spans or points per track. */
export const MAX_TIMELINES = 8;
export const MAX_ITEMS = 120;

let recorded: Timeline[] = [];

/** Keeps `timeline` as part of the current check's result. */
export function recordTimeline(timeline: Timeline): void {
  if (recorded.length < MAX_TIMELINES) recorded.push({ ...timeline, observed: capped(timeline.observed), ...(timeline.expected ? { expected: capped(timeline.expected) } : {}) });
}

/** The current check's timelines, and a fresh start for the next check (grader.ts). */
export function takeTimelines(): Timeline[] {
  const taken = recorded;
  recorded = [];
  return taken;
}

function capped(track: Track): Track {
  const spans: Span[] | undefined = track.spans?.slice(0, MAX_ITEMS).map((s) => ({ ...s }));
  const series: Series[] | undefined = track.series?.map((s) => ({ ...s, points: s.points.slice(0, MAX_ITEMS) }));
  return { ...track, ...(spans ? { spans } : {}), ...(series ? { series } : {}) };
}

/** Where a run ended, for a picture: resolved, rejected… and when. */
export function endOf(o: Outcome<unknown>): { at: number; label: string } {
  return { at: o.at, label: { fulfilled: "resolved", rejected: "rejected", threw: "threw", pending: "still pending" }[o.state] };
}
