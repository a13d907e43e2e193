/**
 * Known submissions, in two forms, returned alike by knownSubmissions():
 *
 * 1. Files: fixtures/<exercise>/submissions/<name>.ts, each declaring its verdict on line 1:
 *      // expect: full marks
 *      // expect: fails check-a, check-b        (exactly these checks fail, every other check passes)
 *      // expect: fails all
 *    Every `correct-*` and `leak-*` submission is a file, and so is every `wrong-*` one written differently
 *    from the reference solution (another queue, a hand-written line splitter, a semaphore instead of a pool…).
 *
 * 2. Mutations: fixtures/<exercise>/submissions/mutations.json lists the `wrong-*` submissions that are the
 *    reference solution with one small local mistake, as data:
 *      { "name": "wrong-lifo", "why": "one line: the mistake", "expect": "fails queue-fifo",
 *        "leaks": ["check-a"],                                  (optional)
 *        "find": "text of solutions/<exercise>.ts", "replace": "what to put instead" }
 *    `find` and `replace` are a string or an array of lines; a mistake that touches two places (say the
 *    line and the import it needs) lists them as "edits": [{ "find": …, "replace": … }, …] instead. Each
 *    `find` must occur exactly once in the (LF-normalised) solution, else knownSubmissions() throws naming
 *    the mutation: a change to the solution that silently defuses a mutation is caught, and the fix is to
 *    update `find`/`replace` in the JSON (one place) rather than ~30 near-copies of the solution.
 *    The mutated solution is written to a folder under the system's temporary folder named after a hash
 *    of its inputs (so the vitest workers and grade-known.ts that materialise it at once write the same
 *    bytes, atomically) and `file` points there.
 *
 * Hostile submissions (fixtures/<exercise>/hostile/<name>.ts: infinite loops, process.exit, syntax
 * errors…) are files only, use the same line 1, may add on line 2 a pattern every failure message must match
 *   // message: never finished|not run
 * and are graded next to the reference solutions of the other exercises, which must keep full marks.
 * A submission that leaves requests or timers running after resolving declares, on one of its first
 * lines (a mutation: in "leaks"), the checks whose report must name that leak (see
 * graders/harness/authoring/leaks.ts):
 *   // leaks: check-a, check-b
 * Every other check of every known submission (and of the solutions) must report no leak.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import { lf } from "../graders/harness/core/text.ts";

export interface KnownSubmission {
  exercise: string;
  name: string;
  file: string;
  /** hostile-process: aimed at the grading process itself, graded through the CLI only (isolation.test.ts). */
  kind: "submissions" | "hostile" | "hostile-process";
  /** Check ids that must not pass; empty for full marks; "all" for every check. */
  fails: string[] | "all";
  /** For hostile ones: every failure message must match this. */
  message?: RegExp;
  /** Check ids whose report names a leak (sorted); every other check must report none. */
  leaks: string[];
}

/** The data file of an exercise's mutations, beside its submission files. */
export const MUTATIONS_FILE = "mutations.json";

/** Text in mutations.json: a string, or an array of lines (joined with "\n"). */
type Text = string | string[];

export interface Edit {
  find: string;
  replace: string;
}

/** One `wrong-*` known submission given as a mutation of the reference solution. */
export interface Mutation {
  name: string;
  why: string;
  fails: string[] | "all";
  leaks: string[];
  edits: Edit[];
}

export function parseVerdict(firstLine: string): string[] | "all" | undefined {
  const m = /^\/\/\s*expect:\s*(.+?)\s*$/.exec(firstLine);
  if (!m) return undefined;
  if (m[1] === "full marks") return [];
  if (m[1] === "fails all") return "all";
  const fails = /^fails\s+(.+)$/.exec(m[1]!);
  return fails ? fails[1]!.split(",").map((s) => s.trim()).filter(Boolean).sort() : undefined;
}

/** How many times `part` occurs in `text` (overlapping occurrences counted too). */
function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) count++;
  return count;
}

/**
 * Reads and checks an exercise's mutations.json. `where` names the file in messages. Every problem is an
 * Error naming the mutation.
 */
export function parseMutations(json: string, where: string): Mutation[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error(`${where}: must be a JSON array of mutations`);
  const text = (value: unknown, what: string): string => {
    if (typeof value === "string") return lf(value);
    if (Array.isArray(value) && value.every((line) => typeof line === "string")) return lf((value as string[]).join("\n"));
    throw new Error(`${what} must be a string or an array of lines`);
  };
  const seen = new Set<string>();
  return data.map((entry: unknown, i): Mutation => {
    const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const label = `${where}: mutation ${typeof e.name === "string" ? `"${e.name}"` : `#${i + 1}`}`;
    const fail = (problem: string): never => {
      throw new Error(`${label}: ${problem}`);
    };
    const known = new Set(["name", "why", "expect", "leaks", "find", "replace", "edits"]);
    const unknown = Object.keys(e).filter((k) => !known.has(k));
    if (unknown.length) fail(`unknown field(s) ${unknown.join(", ")}`);
    if (typeof e.name !== "string" || !/^wrong-[a-z0-9]+(-[a-z0-9]+)*$/.test(e.name)) fail(`"name" must be "wrong-<words>"`);
    const name = e.name as string;
    if (seen.has(name)) fail("named twice");
    seen.add(name);
    if (typeof e.why !== "string" || e.why.trim() === "" || e.why.includes("\n")) fail(`"why" must be one line saying what the mistake is`);
    const fails = typeof e.expect === "string" ? parseVerdict(`// expect: ${e.expect}`) : undefined;
    if (!fails || fails.length === 0) fail(`"expect" must be "fails all" or "fails <check ids>" (a mutation that breaks nothing proves nothing)`);
    if (e.leaks !== undefined && !(Array.isArray(e.leaks) && e.leaks.every((l) => typeof l === "string" && l.trim() !== ""))) fail(`"leaks" must be an array of check ids`);
    const single = e.find !== undefined || e.replace !== undefined;
    if (single === (e.edits !== undefined)) fail(`give either "find" and "replace", or "edits": [{ "find", "replace" }, …]`);
    const raw: unknown[] = single ? [{ find: e.find, replace: e.replace }] : Array.isArray(e.edits) && e.edits.length > 0 ? e.edits : fail(`"edits" must be a non-empty array`);
    const edits = raw.map((edit, j): Edit => {
      const what = single ? "" : `edit ${j + 1}: `;
      const x = (typeof edit === "object" && edit !== null ? edit : {}) as Record<string, unknown>;
      let find = "";
      let replace = "";
      try {
        find = text(x.find, `${what}"find"`);
        replace = text(x.replace, `${what}"replace"`);
      } catch (error) {
        fail((error as Error).message);
      }
      if (find === "") fail(`${what}"find" is empty`);
      if (find === replace) fail(`${what}"replace" is the same as "find"`);
      return { find, replace };
    });
    return { name, why: e.why as string, fails: fails!, leaks: ((e.leaks as string[] | undefined) ?? []).map((l) => l.trim()).sort(), edits };
  });
}

/**
 * The solution with the mutation's edits applied in order, on LF-normalised text. Each `find` must occur
 * exactly once in the text it applies to; `solutionName` names that text in the message.
 */
export function applyMutation(solution: string, mutation: Pick<Mutation, "name" | "edits">, solutionName: string, where = "mutations"): string {
  let text = lf(solution);
  mutation.edits.forEach(({ find, replace }, i) => {
    const target = lf(find);
    const count = occurrences(text, target);
    if (count !== 1) {
      const which = mutation.edits.length > 1 ? ` (edit ${i + 1})` : "";
      const shown = find.length > 200 ? `${find.slice(0, 197)}...` : find;
      throw new Error(
        `${where}: mutation "${mutation.name}"${which}: its "find" text occurs ${count === 0 ? "nowhere" : `${count} times`} in ${solutionName}; ` +
          `it must occur exactly once${count === 0 ? " (did the solution change? update find/replace, or make it a file)" : " (give more of the surrounding lines)"}.\nfind: ${JSON.stringify(shown)}`,
      );
    }
    const at = text.indexOf(target);
    text = text.slice(0, at) + lf(replace) + text.slice(at + target.length);
  });
  return text;
}

/** Writes `text` to `file` unless it already holds it; atomic (temporary file, then rename), so concurrent writers of the same bytes are safe. */
function writeOnce(file: string, text: string): void {
  const holds = () => {
    try {
      return readFileSync(file, "utf8") === text;
    } catch {
      return false;
    }
  };
  if (holds()) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const scratch = `${file}.${process.pid}-${randomUUID()}.tmp`;
  writeFileSync(scratch, text);
  try {
    renameSync(scratch, file);
  } catch (error) {
    rmSync(scratch, { force: true });
    if (!holds()) throw error; // (Windows: another process renamed the same bytes there first and has it open)
  }
}

/** Where an exercise's mutated solutions go: a folder named after a hash of the solution and the mutations. */
export function mutantsDir(exercise: string, solution: string, mutationsJson: string): string {
  const hash = createHash("sha256").update(lf(solution)).update("\0").update(lf(mutationsJson)).digest("hex").slice(0, 16);
  return path.join(tmpdir(), "async-course-mutants", `${exercise}-${hash}`);
}

/** An exercise's mutations as known submissions, each materialised as `<name>.ts` (see the top of this file). */
export function mutatedSubmissions(root: string, exercise: string): KnownSubmission[] {
  const dataFile = path.join(root, "fixtures", exercise, "submissions", MUTATIONS_FILE);
  if (!existsSync(dataFile)) return [];
  const where = path.relative(root, dataFile).split(path.sep).join("/");
  const json = readFileSync(dataFile, "utf8");
  const solutionFile = path.join(root, "solutions", `${exercise}.ts`);
  const solutionName = `solutions/${exercise}.ts`;
  const solution = lf(readFileSync(solutionFile, "utf8"));
  const dir = mutantsDir(exercise, solution, json);
  return parseMutations(json, where).map((m) => {
    if (existsSync(path.join(path.dirname(dataFile), `${m.name}.ts`))) throw new Error(`${where}: mutation "${m.name}" has the name of a submission file too`);
    const verdict = m.fails === "all" ? "fails all" : `fails ${m.fails.join(", ")}`;
    const header = [`// expect: ${verdict}`, ...(m.leaks.length ? [`// leaks: ${m.leaks.join(", ")}`] : []), `// ${m.name} (${where}): ${m.why}`];
    const file = path.join(dir, `${m.name}.ts`);
    writeOnce(file, `${header.join("\n")}\n${applyMutation(solution, m, solutionName, where)}`);
    return { exercise, name: m.name, file, kind: "submissions" as const, fails: m.fails, leaks: m.leaks };
  });
}

export function knownSubmissions(root = REPO_ROOT, kind: KnownSubmission["kind"] = "submissions"): KnownSubmission[] {
  const out: KnownSubmission[] = [];
  for (const { id } of EXERCISES) {
    const dir = path.join(root, "fixtures", id, kind);
    if (!existsSync(dir)) continue;
    const mine: KnownSubmission[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
      const file = path.join(dir, name);
      const lines = lf(readFileSync(file, "utf8")).split("\n");
      const [first = "", second = ""] = lines;
      const fails = parseVerdict(first);
      if (!fails) throw new Error(`${path.relative(root, file)}: line 1 must be "// expect: full marks", "// expect: fails all" or "// expect: fails <check ids>"`);
      const message = /^\/\/\s*message:\s*(.+?)\s*$/.exec(second)?.[1];
      const leaks = lines.slice(1, 3).map((line) => /^\/\/\s*leaks:\s*(.+?)\s*$/.exec(line)?.[1]).find(Boolean);
      mine.push({
        exercise: id,
        name: name.replace(/\.ts$/, ""),
        file,
        kind,
        fails,
        leaks: leaks ? leaks.split(",").map((s) => s.trim()).filter(Boolean).sort() : [],
        ...(message ? { message: new RegExp(message) } : {}),
      });
    }
    if (kind === "submissions") mine.push(...mutatedSubmissions(root, id));
    out.push(...mine.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return out;
}
