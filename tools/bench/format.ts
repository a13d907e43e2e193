/** How the benchmark writes numbers and tables. Pure. */
import type { Summary } from "./stats.ts";

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 10 || ms === 0) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return "–";
  return x >= 100 ? `${Math.round(x)}×` : `${x.toFixed(2)}×`;
}

/** Sizes in decimal units (1 KB = 1000 bytes, as the 300 KB goal and the browser test count). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "–";
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 10_000) return `${(bytes / 1000).toFixed(1)} KB`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${perSecond.toFixed(2)}/s` : "–";
}

/** "min – max" of a summary, or "–" without samples. */
export function formatRange(s: Summary, format: (x: number) => string = formatMs): string {
  if (!s.n) return "–";
  return s.n === 1 ? format(s.min) : `${format(s.min)} – ${format(s.max)}`;
}

export type Align = "left" | "right";

/** A Markdown table whose columns are padded, so it reads as well in a terminal as rendered. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const width = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (cell: string, i: number) => (align[i] === "right" ? cell.padStart(width[i]!) : cell.padEnd(width[i]!));
  const line = (cells: readonly string[]) => `| ${header.map((_, i) => pad(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (align[i] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** "yes" when value ≤ goal (or ≥ goal for "at least"), "no" otherwise ("–" when not measured). */
export function verdict(value: number, goal: number, kind: "at most" | "at least" = "at most"): string {
  if (!Number.isFinite(value)) return "–";
  return (kind === "at most" ? value <= goal : value >= goal) ? "yes" : "no";
}
