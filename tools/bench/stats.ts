/** The benchmark's statistics: medians, ranges, paired ratios, a linear fit, CPU time from /proc. Pure. */

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return { n: 0, median: NaN, min: NaN, max: NaN };
  return { n: finite.length, median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

/** Least-squares line y = intercept + slope·x, and how well it fits (r², 1 = a perfect line). */
export function linearFit(points: readonly (readonly [number, number])[]): { intercept: number; slope: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  if (n < 2 || sxx === 0) return { intercept: NaN, slope: NaN, r2: NaN };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  return { intercept, slope, r2: ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot };
}

/**
 * The order of round `round` when several things are measured side by side: the list rotated by one more
 * place each round, so each comes first (after a cold start, or a fresh browser page) as often as the others.
 */
export function rotated<T>(items: readonly T[], round: number): T[] {
  if (!items.length) return [];
  const k = ((round % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Element-wise a[i] - b[i] (paired runs), up to the shorter list. */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => x - b[i]!);
}

/** Element-wise a[i] / b[i] (paired runs, e.g. a grade and the floor run next to it). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / b[i]!);
}

/**
 * CPU time of the terminated, waited-for descendants of a process, from the text of Linux's /proc/<pid>/stat
 * (cutime + cstime, fields 16 and 17, in clock ticks), in ms. The engine's child process and its vitest
 * workers count once they have exited: unlike wall time, this hardly depends on what else the machine runs.
 */
export function childrenCpuMsFromStat(stat: string, ticksPerSecond = 100): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(/\s+/);
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? ((cutime + cstime) * 1000) / ticksPerSecond : NaN;
}

/** The 1-minute load average counts as high from half the cores: the bench then competes for CPU. */
export function isHighLoad(load1: number, cores: number): boolean {
  return load1 >= 0.5 * cores;
}
