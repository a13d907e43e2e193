// Summarises Stryker's reports/mutation/mutation.json per exercise, after `stryker run` (npm run mutation).
//
// A mutant that survived (or that no check ran) but is listed in mutation/equivalent-mutants.md (same
// file, line, mutator and replacement) counts as equivalent, not as a miss. The score of an exercise is
// the share of its non-equivalent mutants that the grader detects (killed, or timed out: a mutant that
// never finishes is caught too). Exits 1 when an exercise scores under the target, a survivor is not
// explained, or the list names a mutant Stryker no longer reports as surviving.
//
//   node mutation/summary.mjs [reports/mutation/mutation.json]
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TARGET = 95;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reportFile = path.resolve(root, process.argv[2] ?? "reports/mutation/mutation.json");
const listFile = path.join(root, "mutation/equivalent-mutants.md");

if (!existsSync(reportFile)) {
  console.error(`no report at ${path.relative(root, reportFile)}: run \`npm run mutation\``);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, "utf8"));

const squash = (text) => String(text).replace(/\s+/g, " ").trim();
/** `line` is "71", or "71:22" (line:column) where one line has two mutants with the same mutator and replacement. */
const keyOf = (file, line, mutator, replacement) => [file, line, mutator, squash(replacement)].join("\u0000");

/** Cells of one markdown table row: split on unescaped `|`, code spans unwrapped, `\|` unescaped. */
function cells(row) {
  return row
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((cell) => {
      const text = cell.trim().replace(/\\\|/g, "|");
      const code = /^(`+) ?([\s\S]*?) ?\1$/.exec(text);
      return code ? code[2] : text;
    });
}

/** The equivalent mutants listed in equivalent-mutants.md: rows | file | line[:column] | mutator | replacement | why |. */
function listedEquivalents() {
  const listed = new Map();
  if (!existsSync(listFile)) return listed;
  for (const row of readFileSync(listFile, "utf8").split("\n")) {
    if (!row.trim().startsWith("|")) continue;
    const [file, line, mutator, replacement, why] = cells(row);
    if (!file?.startsWith("solutions/") || !/^\d+(:\d+)?$/.test(line ?? "")) continue; // header and separator rows
    if (!why) throw new Error(`${path.relative(root, listFile)}: no reason given for ${file}:${line} ${mutator}`);
    const key = keyOf(file, line, mutator, replacement);
    if (listed.has(key)) throw new Error(`${path.relative(root, listFile)}: ${file}:${line} ${mutator} ${replacement} is listed twice`);
    listed.set(key, { file, line, mutator, replacement, used: false });
  }
  return listed;
}

const listed = listedEquivalents();
const rows = [];
const unexplained = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const counts = { killed: 0, survived: 0, equivalent: 0, timeout: 0, noCoverage: 0, errors: 0, ignored: 0 };
  for (const m of mutants) {
    const line = m.location.start.line;
    const column = m.location.start.column;
    const entry =
      listed.get(keyOf(file, `${line}:${column}`, m.mutatorName, m.replacement ?? "")) ??
      listed.get(keyOf(file, String(line), m.mutatorName, m.replacement ?? ""));
    switch (m.status) {
      case "Killed":
        counts.killed++;
        break;
      case "Timeout":
        counts.timeout++;
        break;
      case "Survived":
      case "NoCoverage":
        if (entry) {
          entry.used = true;
          counts.equivalent++;
        } else {
          counts[m.status === "Survived" ? "survived" : "noCoverage"]++;
          unexplained.push(`${file}:${line}:${m.location.start.column} ${m.status} ${m.mutatorName} → ${squash(m.replacement ?? "")}`);
        }
        break;
      case "Ignored": // a `// Stryker disable` comment in solutions/, which must give its reason
        counts.ignored++;
        break;
      default: // CompileError, RuntimeError: not a valid mutant
        counts.errors++;
    }
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  const score = valid ? (100 * detected) / valid : 100;
  rows.push({ exercise: path.basename(file, ".ts"), mutants: mutants.length, ...counts, score });
}

const stale = [...listed.values()].filter((e) => !e.used && rows.some((r) => `solutions/${r.exercise}.ts` === e.file));

const header = ["exercise", "mutants", "killed", "timeout", "survived", "no cov", "equivalent", "ignored", "errors", "score"];
const table = rows.map((r) => [r.exercise, r.mutants, r.killed, r.timeout, r.survived, r.noCoverage, r.equivalent, r.ignored, r.errors, `${r.score.toFixed(1)}%`].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (values) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
console.log(`\nMutation score per exercise (detected / non-equivalent mutants; target ${TARGET}%):\n`);
console.log(line(header));
for (const t of table) console.log(line(t));

let ok = true;
for (const r of rows.filter((r) => r.score < TARGET)) {
  ok = false;
  console.log(`\n✗ ${r.exercise}: ${r.score.toFixed(1)}% is under the ${TARGET}% target`);
}
if (unexplained.length) {
  ok = false;
  console.log(`\n✗ ${unexplained.length} mutant(s) not detected and not listed in mutation/equivalent-mutants.md:`);
  for (const u of unexplained) console.log(`  ${u}`);
}
if (stale.length) {
  ok = false;
  console.log(`\n✗ listed as equivalent in mutation/equivalent-mutants.md, but no longer reported as surviving (update the list):`);
  for (const e of stale) console.log(`  ${e.file}:${e.line} ${e.mutator} → ${squash(e.replacement)}`);
}
console.log(ok ? `\n✓ every exercise at or above ${TARGET}%, every surviving mutant explained` : "");
process.exit(ok ? 0 : 1);
