/**
 * A recorded timeline drawn as inline SVG: the learner's run and the expected one, on one shared x axis.
 *
 * Spans become bars: in lanes (one lane per request in flight at once, assigned by core/timeline.ts's
 * `laneOf`), the limit a dashed line, or on one row with the waits between them labelled (retries).
 * Series become step lines. Every mark carries its numbers in data-* attributes, so a browser test can
 * check the picture against the record. Text comes from learner code too: everything is escaped.
 */
import { laneOf, peakOf, type Series, type Span, type Timeline, type Track } from "../core/timeline.ts";

const WIDTH = 720;
const LEFT = 84;
const RIGHT = 16;
const PLOT = WIDTH - LEFT - RIGHT;
const LANE = 16;
const TOP = 18;
const AXIS = 32;
const CHART = 110;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const num = (n: number) => String(Math.round(n * 10) / 10);

/** The largest x either track reaches: both are drawn on the same scale, so their shapes compare. */
function extent(timeline: Timeline): number {
  const xs = [timeline.observed, timeline.expected].flatMap((t) =>
    t ? [...(t.spans ?? []).flatMap((s) => [s.start, s.end ?? s.start]), ...(t.series ?? []).flatMap((s) => s.points.map((p) => p[0])), ...(t.end ? [t.end.at] : [])] : [],
  );
  return Math.max(1, ...xs);
}

/** About 8 round tick values from 0 to max. */
function ticks(max: number, axis: Timeline["axis"]): number[] {
  const raw = max / 8;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(axis === "step" ? 1 : 0, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? pow * 10);
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

function unit(axis: Timeline["axis"], v: number): string {
  if (axis === "step") return num(v);
  return v >= 10_000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
}

/** One track (the learner's run or the expected one) as an SVG element. */
export function trackSvg(timeline: Timeline, track: Track, which: "observed" | "expected"): string {
  const xmax = extent(timeline);
  const x = (v: number) => LEFT + (Math.min(v, xmax) / xmax) * PLOT;
  const parts: string[] = [];
  let y = TOP;
  const spans = track.spans ?? [];
  if (spans.length) {
    const drawn = timeline.layout === "lanes" ? lanes(timeline, spans, x, xmax) : sequence(timeline, spans, x);
    parts.push(drawn.svg);
    y += drawn.height;
  }
  if (track.series?.length) {
    parts.push(seriesChart(track.series, x, y, timeline));
    y += CHART + 8;
  }
  if (!spans.length && !track.series?.length) {
    parts.push(`<text class="nothing" x="${LEFT}" y="${y + 14}">nothing was recorded: no ${timeline.layout === "sequence" ? "attempt" : "request"} was made</text>`);
    y += 22;
  }
  if (track.end) {
    const ex = x(track.end.at);
    const anchor = ex > WIDTH - 150 ? "end" : "start";
    parts.push(
      `<g class="end" data-at="${track.end.at}"><line x1="${num(ex)}" x2="${num(ex)}" y1="${TOP - 12}" y2="${y}"/>` +
        `<text x="${num(ex + (anchor === "end" ? -4 : 4))}" y="${TOP - 4}" text-anchor="${anchor}">${escapeHtml(track.end.label)} at ${unit(timeline.axis, track.end.at)}</text></g>`,
    );
  }
  parts.push(axisSvg(timeline, x, xmax, y));
  const height = y + AXIS;
  const peak = peakOf(spans);
  return (
    `<svg class="track ${which}" viewBox="0 0 ${WIDTH} ${height}" role="img" data-spans="${spans.length}" data-peak="${peak}"` +
    ` aria-label="${which === "observed" ? "your code" : "expected"}: ${escapeHtml(timeline.title)}">${parts.join("")}</svg>`
  );
}

function lanes(timeline: Timeline, spans: Span[], x: (v: number) => number, xmax: number): { svg: string; height: number } {
  const lane = laneOf(spans);
  const count = Math.max(...lane) + 1;
  const rows = Math.max(count, timeline.limit ?? 0);
  const out: string[] = [];
  if (timeline.limit !== undefined && count > timeline.limit) {
    out.push(`<rect class="over" x="${LEFT}" y="${TOP + timeline.limit * LANE}" width="${PLOT}" height="${(count - timeline.limit) * LANE}"/>`);
  }
  for (let l = 0; l < rows; l++) out.push(`<text class="lane-name" x="${LEFT - 6}" y="${TOP + l * LANE + 12}" text-anchor="end">slot ${l + 1}</text>`);
  spans.forEach((s, i) => {
    const x0 = x(s.start);
    const x1 = s.end === undefined ? x(xmax) : x(s.end);
    const w = Math.max(x1 - x0 - 1, 3);
    const classes = ["bar", ...(s.failed ? ["failed"] : []), ...(s.end === undefined ? ["open"] : [])].join(" ");
    const when = `${unit(timeline.axis, s.start)} → ${s.end === undefined ? "still open" : unit(timeline.axis, s.end)}`;
    out.push(
      `<rect class="${classes}" data-lane="${lane[i]}" data-start="${s.start}" data-end="${s.end ?? ""}" x="${num(x0)}" y="${TOP + lane[i]! * LANE + 2}" width="${num(w)}" height="${LANE - 4}" rx="2">` +
        `<title>${escapeHtml(s.label)}: ${when}${s.failed ? " (failed)" : ""}</title></rect>`,
    );
    if (w > s.label.length * 5.6 + 6) out.push(`<text class="bar-label" x="${num(x0 + 3)}" y="${TOP + lane[i]! * LANE + 11}">${escapeHtml(s.label)}</text>`);
  });
  if (timeline.limit !== undefined) {
    const ly = TOP + timeline.limit * LANE;
    out.push(`<line class="limit" x1="${LEFT}" x2="${LEFT + PLOT}" y1="${ly}" y2="${ly}"/><text class="limit-label" x="${LEFT + PLOT}" y="${ly - 2}" text-anchor="end">limit ${timeline.limit}</text>`);
  }
  return { svg: out.join(""), height: rows * LANE + 4 };
}

function sequence(timeline: Timeline, spans: Span[], x: (v: number) => number): { svg: string; height: number } {
  const out: string[] = [];
  const rowY = TOP + 14;
  out.push(`<line class="row" x1="${LEFT}" x2="${LEFT + PLOT}" y1="${rowY + 6}" y2="${rowY + 6}"/>`);
  spans.forEach((s, i) => {
    const x0 = x(s.start);
    const w = Math.max(x(s.end ?? s.start) - x0, 4);
    out.push(
      `<rect class="bar attempt${s.failed ? " failed" : ""}" data-lane="0" data-start="${s.start}" data-end="${s.end ?? ""}" x="${num(x0 - (w === 4 ? 2 : 0))}" y="${rowY}" width="${num(w)}" height="12" rx="2">` +
        `<title>${escapeHtml(s.label)} at ${unit(timeline.axis, s.start)}${s.failed ? " (failed)" : " (succeeded)"}</title></rect>`,
    );
    const next = spans[i + 1];
    if (next && s.end !== undefined) {
      const wait = next.start - s.end;
      const gx0 = x(s.end);
      const gx1 = x(next.start);
      const text = unit(timeline.axis, wait);
      out.push(`<g class="wait" data-wait="${wait}"><line x1="${num(gx0)}" x2="${num(gx1)}" y1="${rowY + 6}" y2="${rowY + 6}"/><title>waited ${text}</title></g>`);
      // Labels alternate above and below the row, so neighbouring labels have twice the room.
      if (gx1 - gx0 >= text.length * 3) {
        out.push(`<text class="wait-label" x="${num((gx0 + gx1) / 2)}" y="${i % 2 === 0 ? rowY - 3 : rowY + 24}" text-anchor="middle">${text}</text>`);
      }
    }
  });
  return { svg: out.join(""), height: 42 };
}

function seriesChart(series: Series[], x: (v: number) => number, top: number, timeline: Timeline): string {
  const ymax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const y = (v: number) => top + CHART - (v / ymax) * (CHART - 10);
  const out: string[] = [`<line class="grid" x1="${LEFT}" x2="${LEFT + PLOT}" y1="${y(0)}" y2="${y(0)}"/>`];
  out.push(`<text class="lane-name" x="${LEFT - 6}" y="${num(y(ymax) + 4)}" text-anchor="end">${ymax}</text><text class="lane-name" x="${LEFT - 6}" y="${num(y(0))}" text-anchor="end">0</text>`);
  series.forEach((s, i) => {
    if (!s.points.length) return;
    // A step line: each value holds until the next sample.
    const d = s.points.map((p, j) => (j === 0 ? `M${num(x(p[0]))},${num(y(p[1]))}` : `H${num(x(p[0]))}V${num(y(p[1]))}`)).join("");
    const maxY = Math.max(...s.points.map((p) => p[1]));
    out.push(`<path class="series ${s.bound ? "bound" : `s${i}`}" data-label="${escapeHtml(s.label)}" data-max="${maxY}" d="${d}"><title>${escapeHtml(s.label)} (${timeline.axis === "step" ? "after each answer" : "over time"}; at most ${maxY})</title></path>`);
  });
  const legend = series.map((s, i) => `<tspan class="key ${s.bound ? "bound" : `s${i}`}">■ </tspan><tspan>${escapeHtml(s.label)}  </tspan>`).join("");
  out.push(`<text class="legend" x="${LEFT}" y="${top + CHART + 6}">${legend}</text>`);
  return out.join("");
}

function axisSvg(timeline: Timeline, x: (v: number) => number, xmax: number, top: number): string {
  const out = [`<line class="axis" x1="${LEFT}" x2="${LEFT + PLOT}" y1="${top}" y2="${top}"/>`];
  for (const t of ticks(xmax, timeline.axis)) {
    const anchor = x(t) > WIDTH - RIGHT - 20 ? "end" : "middle";
    out.push(`<line class="tick" x1="${num(x(t))}" x2="${num(x(t))}" y1="${top}" y2="${top + 4}"/><text class="tick-label" x="${num(x(t))}" y="${top + 14}" text-anchor="${anchor}">${unit(timeline.axis, t)}</text>`);
  }
  const name = timeline.axis === "step" ? "answers given so far" : "virtual time";
  out.push(`<text class="axis-name" x="${LEFT + PLOT}" y="${top + 27}" text-anchor="end">${name}</text>`);
  return out.join("");
}
