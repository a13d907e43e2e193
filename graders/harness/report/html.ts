/**
 * The HTML report: one self-contained page per grade, with a picture of every timeline a check recorded.
 *
 * Inline CSS and SVG only: nothing is fetched (a Content-Security-Policy says so), it reads offline, and it
 * follows the reader's light or dark setting. Failing checks are open, with what was observed, what was
 * expected and the hint beside the picture of your run over the expected one; passing checks are folded.
 * Watch mode's copy reloads itself every few seconds (`reloadSeconds`): a tiny inline script that keeps
 * which checks were open and where the page was scrolled.
 */
import { EXERCISES } from "../core/exercises.ts";
import { displayDir } from "../core/paths.ts";
import type { Timeline } from "../core/timeline.ts";
import type { ExerciseReport, GradeReport, TestReport } from "./report.ts";
import { escapeHtml, trackSvg } from "./svg.ts";

export interface HtmlOptions {
  /** Reload the page this often (watch mode): the file is rewritten after every grade. */
  reloadSeconds?: number;
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d232a; --muted: #5b6673; --line: #d5dbe1; --card: #f6f8fa;
  --bar: #3b82c4; --failed: #d1453b; --ok: #1f883d; --bad: #cf222e; --over: rgba(209, 69, 59, .12); --limit: #b35900;
  --s0: #3b82c4; --s1: #8250df; --bound: #b35900; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9aa6b2; --line: #30363d; --card: #161b22;
  --bar: #58a6ff; --failed: #ff7b72; --ok: #3fb950; --bad: #ff7b72; --over: rgba(255, 123, 114, .15); --limit: #f0883e;
  --s0: #58a6ff; --s1: #d2a8ff; --bound: #f0883e; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 920px; padding: 16px; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; overflow-wrap: anywhere; }
h1 { font-size: 1.5em; margin: .2em 0; } h2 { font-size: 1.15em; margin: 1.4em 0 .4em; }
.muted, figcaption { color: var(--muted); font-size: .9em; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
details.check { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; background: var(--card); }
details.check > summary { cursor: pointer; padding: 6px 10px; list-style-position: inside; }
details.check > .body { padding: 0 12px 10px; }
.points { float: right; color: var(--muted); font-variant-numeric: tabular-nums; }
pre, .message { white-space: pre-wrap; overflow-wrap: anywhere; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: .4em 0; }
.message dt { font-weight: 600; } .message dd { margin: 0 0 .3em 1.2em; }
figure.timeline { margin: 10px 0; } figure.timeline svg { display: block; width: 100%; height: auto; max-width: 100%; }
.track-name { font-size: .85em; font-weight: 600; margin: 6px 0 0; }
svg text { font: 10px system-ui, sans-serif; fill: var(--fg); } svg .lane-name, svg .tick-label, svg .axis-name { fill: var(--muted); }
svg .bar { fill: var(--bar); } svg .bar.failed { fill: var(--failed); } svg .bar.open { fill-opacity: .45; stroke: var(--bar); stroke-dasharray: 3 2; }
svg .bar-label { fill: #fff; font-size: 9px; pointer-events: none; }
svg .over { fill: var(--over); } svg .limit { stroke: var(--limit); stroke-width: 1.5; stroke-dasharray: 5 3; } svg .limit-label { fill: var(--limit); }
svg .axis, svg .tick, svg .grid, svg .row { stroke: var(--line); } svg .wait line { stroke: var(--muted); stroke-dasharray: 2 2; }
svg .end line { stroke: var(--fg); stroke-dasharray: 2 2; }
svg .series { fill: none; stroke-width: 2; } svg .s0 { stroke: var(--s0); fill: var(--s0); } svg .s1 { stroke: var(--s1); fill: var(--s1); }
svg .s2 { stroke: var(--ok); fill: var(--ok); } svg .bound { stroke: var(--bound); fill: var(--bound); stroke-dasharray: 5 3; }
svg path.s0, svg path.s1, svg path.s2, svg path.bound { fill: none; } svg tspan.key { stroke: none; }
ul.type-errors { font: 13px ui-monospace, monospace; }
`;

/** What the reload script does: remember the open checks and the scroll position, reload, restore. */
const RELOAD = (seconds: number) => `
const key = "grade-report-open";
const open = JSON.parse(sessionStorage.getItem(key) || "null");
if (open) for (const d of document.querySelectorAll("details.check")) d.open = open.includes(d.dataset.check);
setTimeout(() => {
  sessionStorage.setItem(key, JSON.stringify([...document.querySelectorAll("details.check[open]")].map((d) => d.dataset.check)));
  location.reload();
}, ${seconds * 1000});`;

export function renderHtml(report: GradeReport, options: HtmlOptions = {}): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:${options.reloadSeconds ? "; script-src 'unsafe-inline'" : ""}`;
  const head =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<title>Grade ${report.score}/${report.maxScore}</title><style>${STYLE}</style></head>`;
  const body = [
    `<h1>Grade: ${report.score}/${report.maxScore}</h1>`,
    `<p class="muted">Graded folder: <code>${escapeHtml(displayDir(report.target))}</code>. Pictures show what your code did in the checks' virtual time (top) over what a correct solution does in the same scenario (below).` +
      `${options.reloadSeconds ? ` This page reloads every ${options.reloadSeconds} s while <code>npm run watch</code> runs.` : ""}</p>`,
    ...(report.modified?.length ? [`<p class="bad">The grading files differ from the course's: ${report.modified.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")}.</p>`] : []),
    ...(report.typeErrors?.length
      ? [
          `<p>⚠ TypeScript finds ${report.typeErrors.length} type error${report.typeErrors.length === 1 ? "" : "s"} in your code (it costs no points, but fix it):</p><ul class="type-errors">` +
            report.typeErrors.map((e) => `<li>${escapeHtml(`${e.file}:${e.line}:${e.column}  ${e.message}`)}</li>`).join("") +
            "</ul>",
        ]
      : []),
    ...report.exercises.map(exerciseHtml),
  ].join("\n");
  const script = options.reloadSeconds ? `<script>${RELOAD(options.reloadSeconds)}</script>` : "";
  return `${head}\n<body>\n${body}\n${script}</body></html>\n`;
}

function exerciseHtml(exercise: ExerciseReport): string {
  const title = EXERCISES.find((e) => e.id === exercise.id)?.title ?? exercise.id;
  const mark = exercise.status === "passed" ? `<span class="ok">✓</span>` : `<span class="bad">✗</span>`;
  return [
    `<section class="exercise" id="${escapeHtml(exercise.id)}"><h2>${mark} ${escapeHtml(exercise.id)} — ${escapeHtml(title)} <span class="points">${exercise.score}/${exercise.maxScore}</span></h2>`,
    ...(exercise.message ? [`<pre class="bad">${escapeHtml(exercise.message)}</pre>`] : []),
    ...exercise.tests.map((t) => checkHtml(exercise.id, t)),
    `</section>`,
  ].join("\n");
}

function checkHtml(exercise: string, test: TestReport): string {
  const passed = test.status === "passed";
  const mark = passed ? `<span class="ok">✓</span>` : `<span class="bad">✗</span>`;
  const parts = [
    ...(test.message ? [messageHtml(test.message)] : []),
    ...(test.leak && passed ? [`<pre class="muted">${escapeHtml(test.leak)}</pre>`] : []),
    ...(test.output ? [`<p class="track-name">What your code printed</p><pre>${escapeHtml(test.output)}</pre>`] : []),
    ...(test.timelines ?? []).map(timelineHtml),
  ];
  return (
    `<details class="check ${test.status}" data-check="${escapeHtml(`${exercise}/${test.id}`)}"${passed ? "" : " open"}>` +
    `<summary>${mark} ${escapeHtml(test.name)} <span class="points">${test.points}/${test.maxPoints}</span></summary>` +
    `<div class="body">${parts.join("\n")}</div></details>`
  );
}

/** "observed…; expected …\nhint: …" (feedback.ts) as three labelled parts; any other message as it is. */
function messageHtml(message: string): string {
  const [first, ...rest] = message.split("\nhint: ");
  const cut = first!.lastIndexOf("; expected ");
  if (cut < 0) return `<pre class="message">${escapeHtml(message)}</pre>`;
  const hint = rest.join("\nhint: ");
  return (
    `<dl class="message"><dt>observed</dt><dd>${escapeHtml(first!.slice(0, cut))}</dd><dt>expected</dt><dd>${escapeHtml(first!.slice(cut + 11))}</dd>` +
    `${hint ? `<dt>hint</dt><dd>${escapeHtml(hint)}</dd>` : ""}</dl>`
  );
}

function timelineHtml(timeline: Timeline): string {
  const legend =
    timeline.layout === "sequence"
      ? "bars: attempts (red: failed); dashed: the waits between them"
      : timeline.observed.spans?.length
        ? `bars: requests from start to answer, one slot per request in flight (red: failed)${timeline.limit !== undefined ? "; dashed line: the limit" : ""}`
        : "";
  return [
    `<figure class="timeline" data-axis="${timeline.axis}" data-layout="${timeline.layout}" data-limit="${timeline.limit ?? ""}">`,
    `<figcaption>${escapeHtml(timeline.title)}${legend ? ` · ${legend}` : ""}</figcaption>`,
    `<p class="track-name">Your code</p>`,
    trackSvg(timeline, timeline.observed, "observed"),
    ...(timeline.expected ? [`<p class="track-name">Expected</p>`, trackSvg(timeline, timeline.expected, "expected")] : []),
    `</figure>`,
  ].join("\n");
}
