/**
 * Hints, one at a time, so a learner asks for as much help as they need.
 *
 * npm run hint -- <exercise>           the next hint for that exercise (01, download-files or 01-download-files)
 * npm run hint -- <exercise> --reset   start that exercise's hints over (without an exercise: all of them)
 *
 * Hints live in fixtures/<id>/hints.md as "## Hint 1 …" … "## Hint 4 …", from a nudge to nearly the answer.
 * Each call shows one more level in full and the earlier ones in a line each. The level reached is kept
 * per exercise in .hints.json at the repository root (ignored by git).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { EXERCISES, findExercise, type ExerciseInfo } from "../core/exercises.ts";
import { REPO_ROOT } from "../core/paths.ts";
import { exitAfterFlush, isEntryModule } from "../core/entry.ts";
import { forTerminal } from "../report/terminal.ts";
import { lf } from "../core/text.ts";

export interface Hint {
  level: number;
  title: string;
  body: string;
}

export const STATE_FILE = path.join(REPO_ROOT, ".hints.json");

export function hintsFile(id: string, root = REPO_ROOT): string {
  return path.join(root, "fixtures", id, "hints.md");
}

/** The "## Hint N — title" sections of a hints.md, in order. */
export function parseHints(markdown: string): Hint[] {
  const hints: Hint[] = [];
  const parts = markdown.replace(/\r\n/g, "\n").split(/^## +Hint +(\d+)\b[ \t]*[—–:-]?[ \t]*(.*)$/m);
  for (let i = 1; i + 2 < parts.length; i += 3) {
    hints.push({ level: Number(parts[i]), title: (parts[i + 1] ?? "").trim(), body: (parts[i + 2] ?? "").trim() });
  }
  hints.forEach((h, i) => {
    if (h.level !== i + 1) throw new Error(`hints must be numbered 1, 2, 3…: found "Hint ${h.level}" in position ${i + 1}`);
  });
  return hints;
}

/** A hint in one line — its title and first sentence — for the recap of the levels already seen. */
export function brief(hint: Hint): string {
  const text = hint.body.replace(/```[\s\S]*?```/g, "").replace(/^[-*] +/gm, "").replace(/\s+/g, " ").trim();
  let sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  if (sentence.length > 110) sentence = `${sentence.slice(0, 107)}…`;
  return hint.title && sentence ? `${hint.title} — ${sentence}` : hint.title || sentence;
}

export type Levels = Record<string, number>;

export function readLevels(file = STATE_FILE): Levels {
  if (!existsSync(file)) return {};
  try {
    const data: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof data === "object" && data !== null ? (data as Levels) : {};
  } catch {
    return {};
  }
}

export function writeLevels(levels: Levels, file = STATE_FILE): void {
  if (Object.keys(levels).length === 0) rmSync(file, { force: true });
  else writeFileSync(file, JSON.stringify(levels, null, 2) + "\n");
}

const indent = (text: string, pad = "  ") => text.split("\n").map((l) => (l ? pad + l : l)).join("\n");

/** What one call prints: the recap of levels 1…level-1, then level `level` in full. */
export function renderHint(info: ExerciseInfo, hints: Hint[], level: number): string {
  const shown = hints[level - 1]!;
  const lines = [`Hints for ${info.id} — ${info.title}  (hint ${level} of ${hints.length})`, ""];
  if (level > 1) {
    lines.push("Already seen:");
    for (const h of hints.slice(0, level - 1)) lines.push(`  ${h.level}. ${brief(h)}`);
    lines.push("");
  }
  lines.push(`▶ Hint ${level}${shown.title ? ` — ${shown.title}` : ""}`, "", indent(shown.body), "");
  const number = info.id.slice(0, 2);
  if (level < hints.length) {
    const left = hints.length - level;
    lines.push(`Still stuck? \`npm run hint -- ${number}\` again for the next one (${left} left). Check your work: \`npm test -- ${number}\`.`);
  } else {
    lines.push(`That was the last hint: the rest is yours. \`npm test -- ${number}\` tells you what is still missing.`);
    lines.push(`(\`npm run hint -- ${number} --reset\` starts the hints over.)`);
  }
  return lines.join("\n");
}

export interface HintOptions {
  root?: string;
  stateFile?: string;
}

/** Shows the next hint for `name` and remembers it; returns the text and the exit code. */
export function nextHint(name: string, options: HintOptions = {}): { text: string; code: number } {
  const info = findExercise(name);
  if (!info) return { text: `unknown exercise "${name}": use a number (03), a name (retry-async) or an id (03-retry-async)`, code: 2 };
  const file = hintsFile(info.id, options.root);
  if (!existsSync(file)) return { text: `There are no hints for ${info.id} yet. The instructions at the top of exercises/${info.id}.ts are the place to start.`, code: 1 };
  const hints = parseHints(lf(readFileSync(file, "utf8")));
  if (hints.length === 0) return { text: `There are no hints for ${info.id} yet.`, code: 1 };
  const levels = readLevels(options.stateFile);
  const level = Math.min((levels[info.id] ?? 0) + 1, hints.length);
  levels[info.id] = level;
  writeLevels(levels, options.stateFile);
  return { text: renderHint(info, hints, level), code: 0 };
}

/** Forgets the hints seen for one exercise, or for all of them. */
export function resetHints(name: string | undefined, options: HintOptions = {}): { text: string; code: number } {
  const levels = readLevels(options.stateFile);
  if (name === undefined) {
    writeLevels({}, options.stateFile);
    return { text: "Hints start over for every exercise.", code: 0 };
  }
  const info = findExercise(name);
  if (!info) return { text: `unknown exercise "${name}"`, code: 2 };
  delete levels[info.id];
  writeLevels(levels, options.stateFile);
  return { text: `Hints for ${info.id} start over: the next \`npm run hint -- ${info.id.slice(0, 2)}\` shows hint 1.`, code: 0 };
}

const USAGE = `usage: npm run hint -- <exercise>            the next hint (e.g. npm run hint -- 03)
       npm run hint -- [<exercise>] --reset  start over
exercises: ${EXERCISES.map((e) => e.id).join(", ")}`;

export function main(argv: string[], options: HintOptions = {}): { text: string; code: number } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { reset: { type: "boolean", default: false } } });
  } catch (error) {
    return { text: `${error instanceof Error ? error.message : String(error)}\n${USAGE}`, code: 2 };
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) return { text: USAGE, code: 2 };
  if (values.reset) return resetHints(positionals[0], options);
  if (!positionals[0]) return { text: USAGE, code: 2 };
  return nextHint(positionals[0], options);
}

if (isEntryModule(import.meta.url)) {
  const { text, code } = main(process.argv.slice(2));
  (code === 0 ? console.log : console.error)(forTerminal(text));
  await exitAfterFlush(code);
}
