/** The terminal scoreboard: per exercise, per check, total, and the next thing to work on. */
import { EXERCISES } from "../core/exercises.ts";
import { integrityNotice } from "../core/integrity.ts";
import { displayDir } from "../core/paths.ts";
import { plural } from "../core/text.ts";
import { isNotStarted, truncate, type ExerciseReport, type GradeReport, type TestReport } from "./report.ts";

export interface ScoreboardOptions {
  color?: boolean;
  /** Also list the checks of exercises at full marks. */
  verbose?: boolean;
  /** One line saying the graders or harness differ from the course's (tamper evidence). */
  notice?: string;
  /** Watch mode: one line per exercise, and only the next failing check in full. */
  compact?: boolean;
  /** The terminal's width: long message lines wrap under their check (none: lines are left whole). */
  width?: number;
}

const paint = (on: boolean, code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

export function progressBar(done: number, total: number, width = 20): string {
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

export function firstMiss(report: GradeReport): { exercise: ExerciseReport; test?: TestReport } | undefined {
  for (const exercise of report.exercises) {
    if (exercise.status === "passed") continue;
    return { exercise, test: exercise.tests.find((t) => t.status !== "passed") };
  }
  return undefined;
}

/** What to work on next, as every format words it: the first check not passed, and the hint command. */
export function nextStep(report: GradeReport): { what: string; hint: string; why?: string } | undefined {
  const miss = firstMiss(report);
  if (!miss) return undefined;
  const why = miss.test?.message ?? miss.exercise.message;
  return {
    what: miss.test ? `${miss.exercise.id} — ${miss.test.name}` : miss.exercise.id,
    hint: `npm run hint -- ${miss.exercise.id.slice(0, 2)}`,
    ...(why ? { why } : {}),
  };
}

/** Indents every line by `pad`; with a terminal `width`, longer lines wrap at a space, under the same pad. */
function indentLines(text: string, pad: string, width?: number): string {
  return text
    .split("\n")
    .flatMap((line) => wrap(line, width ? width - pad.length : undefined))
    .map((line) => pad + line)
    .join("\n");
}

/** Splits a line at spaces into pieces of at most `width` characters (a longer word stays whole). */
export function wrap(line: string, width: number | undefined): string[] {
  if (!width || width < 20 || line.length <= width) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width);
    const at = cut > width / 3 ? cut : width;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** The "note: …" lines found in every one of `messages` (at least two). */
function sharedNotes(messages: readonly string[]): string[] {
  if (messages.length < 2) return [];
  const notesOf = (m: string) => m.split("\n").filter((line) => line.startsWith("note: "));
  return notesOf(messages[0]!).filter((note) => messages.every((m) => notesOf(m).includes(note)));
}

/** Type errors listed in full; the rest are counted. */
const TYPE_ERRORS_SHOWN = 5;

export function renderScoreboard(report: GradeReport, options: ScoreboardOptions = {}): string {
  const indent = (text: string, pad: string) => indentLines(text, pad, options.width);
  const c = options.color ?? false;
  const green = paint(c, "32"), red = paint(c, "31"), yellow = paint(c, "33"), dim = paint(c, "2"), bold = paint(c, "1");
  const lines: string[] = [];
  lines.push(bold(`Async TypeScript — scoreboard for ${displayDir(report.target)}`));
  const notice = options.notice ?? integrityNotice(report.modified ?? []);
  if (notice) lines.push(yellow(`⚠ ${notice}`));
  lines.push("");
  const width = Math.max(...report.exercises.map((e) => e.id.length));
  for (const ex of report.exercises) {
    const title = EXERCISES.find((e) => e.id === ex.id)?.title ?? "";
    const score = `${ex.score}/${ex.maxScore}`.padStart(6);
    const head = `${ex.id.padEnd(width)}  ${title.padEnd(38)} ${score}`;
    const leaking = ex.tests.filter((t) => t.leak);
    const leakNote = leaking.length ? `   ${yellow(`⚠ ${leaking.length === 1 ? "1 check reports" : `${leaking.length} checks report`} a leak`)}` : "";
    /** Watch mode: the first leak in full under the exercise's line (npm test lists them all). */
    const firstLeak = () => (options.compact && leaking[0] ? [dim(indent(`${leaking[0].name}:\n${leaking[0].leak}`, "      "))] : []);
    if (ex.status === "passed") {
      lines.push(`${green("✓")} ${head}  ${green("complete")}${options.compact ? leakNote : ""}`, ...firstLeak());
      for (const t of ex.tests) {
        const pts = `${t.points}/${t.maxPoints}`.padStart(5);
        if (t.leak && !options.compact) lines.push(`      ${yellow("⚠")} ${pts}  ${t.name}`, dim(indent(t.leak, "               ")));
        else if (options.verbose) lines.push(dim(`      ✓ ${pts}  ${t.name}`));
      }
      continue;
    }
    if (isNotStarted(ex)) {
      lines.push(`${dim("·")} ${head}  ${dim(ex.tests[0]!.message!)}`);
      continue;
    }
    if (options.compact) {
      const passed = ex.tests.filter((t) => t.status === "passed").length;
      lines.push(`${ex.status === "error" ? red("✗") : yellow("◐")} ${head}  ${dim(`${passed}/${ex.tests.length} checks`)}${leakNote}`, ...firstLeak());
      continue;
    }
    if (ex.status === "error") {
      lines.push(`${red("✗")} ${head}  ${red("could not be graded")}`);
      if (ex.message) lines.push(red(indent(ex.message, "      ")));
      if (ex.tests.every((t) => t.message === ex.message)) continue;
    } else {
      lines.push(`${yellow("◐")} ${head}`);
    }
    // A note every failed check carries (a changed signature, see signature.ts) is said once, under the exercise.
    const notes = sharedNotes(ex.tests.filter((t) => t.status !== "passed").map((t) => t.message ?? ""));
    for (const note of notes) lines.push(yellow(indent(note, "      ")));
    const withoutNotes = (message: string) => message.split("\n").filter((line) => !notes.includes(line)).join("\n");
    // Checks not run for one reason (after a hang) are said once, in one line.
    const notRun = ex.tests.filter((t) => t.status !== "passed" && t.message?.startsWith("not run: "));
    for (const t of ex.tests) {
      const pts = `${t.points}/${t.maxPoints}`.padStart(5);
      if (t.status === "passed") {
        lines.push(`      ${green("✓")} ${pts}  ${t.name}`);
        if (t.leak) lines.push(yellow(indent(t.leak, "               ")));
      } else if (notRun.length > 1 && notRun.includes(t)) {
        if (t !== notRun[0]) continue;
        const points = `0/${notRun.reduce((sum, c) => sum + c.maxPoints, 0)}`.padStart(5);
        lines.push(`      ${red("✗")} ${points}  ${notRun.length} more checks, ${t.message!}`);
      } else {
        lines.push(`      ${red("✗")} ${pts}  ${t.name}`);
        // (The exercise's own line already said it.)
        if (t.message && t.message !== ex.message) lines.push(dim(indent(withoutNotes(t.message), "               ")));
        if (t.output) lines.push(dim(indent(`your code printed:\n${indent(t.output, "│ ")}`, "               ")));
      }
    }
  }
  const typeErrors = report.typeErrors ?? [];
  if (typeErrors.length) {
    const n = typeErrors.length;
    lines.push("", yellow(`⚠ TypeScript finds ${plural(n, "type error")} in your code (${n === 1 ? "it costs" : "they cost"} no points, but fix ${n === 1 ? "it" : "them"}):`));
    for (const w of typeErrors.slice(0, TYPE_ERRORS_SHOWN)) lines.push(indent(`${w.file}:${w.line}:${w.column}  ${truncate(w.message, 200)}`, "    "));
    if (n > TYPE_ERRORS_SHOWN) lines.push(dim(`    …and ${n - TYPE_ERRORS_SHOWN} more`));
  }
  const complete = report.exercises.filter((e) => e.status === "passed").length;
  lines.push("");
  lines.push(
    bold(`Total ${report.score}/${report.maxScore}`) +
      // The bar is the points; the words count the exercises complete.
      `   ${progressBar(report.score, report.maxScore)} ${complete}/${report.exercises.length} exercises complete`,
  );
  const next = nextStep(report);
  if (next) {
    lines.push(`next: ${next.what}   (stuck? ${next.hint})`);
    if (options.compact && next.why) lines.push(indent(next.why, "      "));
  } else {
    lines.push(green(completeLine(report)));
  }
  return lines.join("\n");
}

/** What is complete: all exercises, or (a focused grade) the ones graded, saying the others were not. */
export function completeLine(report: GradeReport): string {
  if (report.exercises.length >= EXERCISES.length) return "All exercises complete. Well done!";
  const ids = report.exercises.map((e) => e.id);
  const others = EXERCISES.filter((e) => !ids.includes(e.id)).map((e) => e.id);
  return `${ids.join(" and ")} complete. Well done! (${others.join(" and ")} ${others.length === 1 ? "was" : "were"} not graded here: \`npm test\` grades everything.)`;
}
