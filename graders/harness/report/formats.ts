/**
 * The machine-readable formats (JSON, Gradescope, JUnit, markdown, Classroom's reporter inputs), all made from one report.
 *
 * Every machine-readable result is made from the one GradeReport (report.ts):
 *   json        the report itself
 *   gradescope  Gradescope's results.json (autograder specification: score, tests[] …)
 *   junit       JUnit XML, for any LMS or CI that reads it (testsuites > testsuite > testcase)
 *   markdown    a scoreboard table for GitHub's job summary ($GITHUB_STEP_SUMMARY)
 *   classroom   the GitHub Classroom reporter's inputs, as step outputs ($GITHUB_OUTPUT): one runner per check
 *   classroom50 Classroom 50's result.json (classroom50.ts; needs the submission's identity)
 *   html        the page a person reads, with the pictures of the recorded timelines (html.ts)
 */
import { EXERCISES } from "../core/exercises.ts";
import { isNotStarted, type ExerciseReport, type GradeReport, type TestReport } from "./report.ts";
import { toClassroom50, type Classroom50Identity } from "./classroom50.ts";
import { completeLine, nextStep, progressBar } from "./scoreboard.ts";
import { renderHtml } from "./html.ts";

export const FORMATS = ["json", "gradescope", "junit", "markdown", "classroom", "classroom50", "html"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  /** classroom50: the submission's identity (classroom50.ts). */
  classroom50?: Classroom50Identity;
  /** classroom: the runners the workflow's reporter reads (default: the report's checks). */
  runners?: readonly ExpectedRunner[];
}

export function formatReport(report: GradeReport, format: Format, context: FormatContext = {}): string {
  switch (format) {
    case "classroom":
      return toClassroomOutputs(report, context.runners);
    case "classroom50":
      if (!context.classroom50) throw new Error("the classroom50 format needs the submission's identity");
      return JSON.stringify(toClassroom50(report, context.classroom50), null, 2) + "\n";
    case "json":
      return JSON.stringify(report, null, 2) + "\n";
    case "gradescope":
      return JSON.stringify(toGradescope(report), null, 2) + "\n";
    case "junit":
      return toJUnit(report);
    case "markdown":
      return toMarkdown(report);
    case "html":
      return renderHtml(report);
  }
}

const titleOf = (id: string) => EXERCISES.find((e) => e.id === id)?.title ?? id;
const numberOf = (id: string) => id.slice(0, 2);

/** The checks of an exercise, or one stand-in check when the exercise could not be graded at all. */
function checksOf(ex: ExerciseReport): TestReport[] {
  const declared = ex.tests.reduce((sum, t) => sum + t.maxPoints, 0);
  const tests = [...ex.tests];
  if (declared < ex.maxScore) {
    tests.push({
      name: tests.length ? "checks that did not run" : "grading the exercise",
      id: "grader",
      points: 0,
      maxPoints: ex.maxScore - declared,
      status: "error",
      message: ex.message ?? "these points belong to checks that did not run",
    });
  }
  return tests;
}

// ── Gradescope ─────────────────────────────────────────────────────────────────────────────────

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  tags: string[];
  visibility: "visible";
}

export interface GradescopeResults {
  score: number;
  output: string;
  output_format: "text";
  test_output_format: "text";
  test_name_format: "text";
  visibility: "visible";
  stdout_visibility: "visible";
  execution_time?: number;
  extra_data: { maxScore: number; exercises: { id: string; score: number; maxScore: number; status: string }[] };
  tests: GradescopeTest[];
}

export const GRADESCOPE_PICTURES =
  "Pictures of your code's timelines (requests in flight, waits between retries): in your copy of the course run `npm test -- --html` and open reports/grade.html.";

const hasTimelines = (report: GradeReport) => report.exercises.some((e) => e.tests.some((t) => t.timelines?.length));

/** Gradescope's results.json (see the autograder specification's "Output format"). */
export function toGradescope(report: GradeReport, options: { executionSeconds?: number } = {}): GradescopeResults {
  const tests: GradescopeTest[] = [];
  for (const ex of report.exercises) {
    checksOf(ex).forEach((t, i) => {
      tests.push({
        name: `${ex.id}: ${t.name}`,
        number: `${Number(numberOf(ex.id))}.${i + 1}`,
        score: t.points,
        max_score: t.maxPoints,
        status: t.status === "passed" ? "passed" : "failed",
        output: t.status === "passed" ? (t.leak ? `passed\n${t.leak}` : "passed") : (t.message ?? t.status),
        tags: [ex.id],
        visibility: "visible",
      });
    });
  }
  const results: GradescopeResults = {
    score: report.score,
    // Gradescope shows text and keeps no other file a learner could open: the pictures are one command away.
    output: `${summaryLine(report)}${hasTimelines(report) ? `\n${GRADESCOPE_PICTURES}` : ""}`,
    output_format: "text",
    test_output_format: "text",
    test_name_format: "text",
    visibility: "visible",
    stdout_visibility: "visible",
    extra_data: {
      maxScore: report.maxScore,
      exercises: report.exercises.map((e) => ({ id: e.id, score: e.score, maxScore: e.maxScore, status: e.status })),
    },
    tests,
  };
  if (options.executionSeconds !== undefined) results.execution_time = Math.round(options.executionSeconds);
  return results;
}

function summaryLine(report: GradeReport): string {
  const complete = report.exercises.filter((e) => e.status === "passed").length;
  const next = nextStep(report);
  return `Total ${report.score}/${report.maxScore} — ${complete}/${report.exercises.length} exercises complete${next ? `\nnext: ${next.what}   (stuck? ${next.hint})` : ""}`;
}

// ── JUnit XML ──────────────────────────────────────────────────────────────────────────────────

/** Characters XML 1.0 does not allow at all (control characters, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;

/** Escapes text for an XML attribute or element: & < > " ' and characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(ANSI, "")
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Attributes also keep their line breaks (a parser would fold a raw newline into a space). */
function attr(text: string): string {
  return escapeXml(text).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

/** JUnit XML: testsuites > one testsuite per exercise > one testcase per check (failure / error inside). */
export function toJUnit(report: GradeReport): string {
  const suites = report.exercises.map((ex) => ({ ex, tests: checksOf(ex) }));
  const count = (tests: TestReport[], status: TestReport["status"]) => tests.filter((t) => t.status === status).length;
  const all = suites.flatMap((s) => s.tests);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="Async TypeScript autograder" tests="${all.length}" failures="${count(all, "failed")}" errors="${count(all, "error")}" skipped="0" time="0">`,
  ];
  for (const { ex, tests } of suites) {
    lines.push(
      `  <testsuite name="${attr(ex.id)}" tests="${tests.length}" failures="${count(tests, "failed")}" errors="${count(tests, "error")}" skipped="0" time="0">`,
      `    <properties>`,
      `      <property name="title" value="${attr(titleOf(ex.id))}"/>`,
      `      <property name="score" value="${ex.score}"/>`,
      `      <property name="maxScore" value="${ex.maxScore}"/>`,
      `      <property name="status" value="${ex.status}"/>`,
      `    </properties>`,
    );
    for (const t of tests) {
      // Only the attributes every JUnit reader knows; the points go in the name. Durations are not measured.
      const open = `    <testcase classname="${attr(ex.id)}" name="${attr(`${t.name} [${t.maxPoints} ${t.maxPoints === 1 ? "point" : "points"}]`)}" time="0"`;
      if (t.status === "passed") {
        // A leak does not cost points: the check passed, and its report goes to system-out.
        lines.push(t.leak ? `${open}><system-out>${escapeXml(t.leak)}</system-out></testcase>` : `${open}/>`);
        continue;
      }
      const tag = t.status === "error" ? "error" : "failure";
      const message = t.message ?? t.status;
      const type = t.status === "error" ? "GradingError" : "CheckFailure";
      lines.push(
        `${open}>`,
        `      <${tag} message="${attr(message.split("\n")[0] ?? "")}" type="${type}">${escapeXml(`${t.points}/${t.maxPoints} points\n${message}`)}</${tag}>`,
        `    </testcase>`,
      );
    }
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`);
  return lines.join("\n") + "\n";
}

// ── Markdown (job summary) ─────────────────────────────────────────────────────────────────────

/** Text for one markdown table cell: no raw HTML, no column breaks, one line. */
export function cell(text: string): string {
  return text
    .replace(ANSI, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

function statusOf(ex: ExerciseReport): { icon: string; text: string } {
  if (ex.status === "passed") return { icon: "✅", text: "complete" };
  if (isNotStarted(ex)) return { icon: "⬜", text: `not started yet — open exercises/${ex.id}.ts` };
  if (ex.status === "error") return { icon: "❌", text: `could not be graded: ${ex.message ?? "error"}` };
  const missed = ex.tests.filter((t) => t.status !== "passed").length;
  return { icon: "🟡", text: `${missed} of ${ex.tests.length} checks to go` };
}

/** A markdown scoreboard: the totals table, then the checks of every unfinished exercise. */
export function toMarkdown(report: GradeReport): string {
  const complete = report.exercises.filter((e) => e.status === "passed").length;
  const out = [
    `## Autograding: ${report.score}/${report.maxScore}`,
    "",
    `\`${progressBar(report.score, report.maxScore)}\` ${complete}/${report.exercises.length} exercises complete`,
    "",
    "| | Exercise | Score | Status |",
    "|---|---|---:|---|",
  ];
  for (const ex of report.exercises) {
    const { icon, text } = statusOf(ex);
    out.push(`| ${icon} | ${cell(`${ex.id} — ${titleOf(ex.id)}`)} | ${ex.score}/${ex.maxScore} | ${cell(text)} |`);
  }
  out.push(`| | **Total** | **${report.score}/${report.maxScore}** | |`);
  for (const ex of report.exercises) {
    const leaks = ex.tests.some((t) => t.leak);
    if ((ex.status === "passed" && !leaks) || isNotStarted(ex) || ex.tests.length === 0) continue;
    out.push("", `<details><summary>${cell(`${ex.id}: ${ex.score}/${ex.maxScore}`)}</summary>`, "", "| | Check | Points | What happened |", "|---|---|---:|---|");
    for (const t of ex.tests) {
      const what = t.status === "passed" ? (t.leak ?? "") : (t.message ?? t.status);
      out.push(`| ${t.status === "passed" ? "✓" : "✗"} | ${cell(t.name)} | ${t.points}/${t.maxPoints} | ${cell(what)} |`);
    }
    out.push("", "</details>");
  }
  const next = nextStep(report);
  out.push("");
  if (next) {
    out.push(`**Next:** ${cell(next.what)} (stuck? \`${next.hint}\`)`);
  } else {
    out.push(`**${completeLine(report)}**`);
  }
  return out.join("\n") + "\n";
}

// ── GitHub Classroom reporter ──────────────────────────────────────────────────────────────────

/**
 * A check of the Classroom workflow: the reporter (classroom-resources/autograding-grading-reporter) reads
 * one `<RUNNER>_RESULTS` per runner. One runner per check, each worth that check's points, makes every
 * figure it shows exact: its log's per-runner points (passed tests / tests × max_score) and its
 * "Points X/Y" annotation (the sum of the tests' `score`).
 */
export interface ExpectedRunner {
  id: string;
  exercise: string;
  check: string;
  points: number;
}

/** "03-retry-async" + "exact-backoff" → "ex03exactbackoff": letters and digits only, as the reporter needs. */
export function runnerId(exercise: string, check: string): string {
  return `ex${numberOf(exercise)}${check.replace(/[^A-Za-z0-9]/g, "")}`;
}

/** The workflow passes its runners as "id:exercise/check:points,…" (GRADE_CLASSROOM_RUNNERS). */
export const RUNNERS_ENV = "GRADE_CLASSROOM_RUNNERS";

export function encodeRunners(runners: readonly ExpectedRunner[]): string {
  return runners.map((r) => `${r.id}:${r.exercise}/${r.check}:${r.points}`).join(",");
}

export function decodeRunners(text: string): ExpectedRunner[] {
  return text
    .split(",")
    .filter(Boolean)
    .map((item) => {
      const m = /^([A-Za-z0-9]+):([\w-]+)\/([\w-]+):(\d+)$/.exec(item.trim());
      if (!m) throw new Error(`${RUNNERS_ENV}: "${item}" is not id:exercise/check:points`);
      return { id: m[1]!, exercise: m[2]!, check: m[3]!, points: Number(m[4]) };
    });
}

export interface RunnerResult {
  version: 1;
  status: "pass" | "fail" | "error";
  max_score: number;
  tests: { name: string; status: "pass" | "fail" | "error"; message: string; line_no: 0; score: number }[];
}

/** One runner result per expected runner; a check the report lacks is an error worth 0, with why. */
export function toClassroomRunners(report: GradeReport, expected?: readonly ExpectedRunner[]): { id: string; result: RunnerResult }[] {
  const runners =
    expected ?? report.exercises.flatMap((ex) => ex.tests.map((t) => ({ id: runnerId(ex.id, t.id), exercise: ex.id, check: t.id, points: t.maxPoints })));
  return runners.map((r) => {
    const ex = report.exercises.find((e) => e.id === r.exercise);
    const t = ex?.tests.find((c) => c.id === r.check);
    const status = !t ? "error" : t.status === "passed" ? "pass" : "fail";
    const message = !t
      ? (ex?.message ?? `the check ${r.exercise}/${r.check} did not run (was it removed or renamed?)`)
      : t.status === "passed"
        ? (t.leak ?? "")
        : (t.message ?? t.status);
    // Points as the report has them, never more than the workflow says the check is worth.
    const score = t ? Math.min(t.points, r.points) : 0;
    return {
      id: r.id,
      result: { version: 1, status, max_score: r.points, tests: [{ name: `${r.exercise}: ${t?.name ?? r.check}`, status, message, line_no: 0, score }] },
    };
  });
}

/** `<id>=<base64 JSON>` lines, the way a step writes its outputs to $GITHUB_OUTPUT. */
export function toClassroomOutputs(report: GradeReport, expected?: readonly ExpectedRunner[]): string {
  return toClassroomRunners(report, expected)
    .map(({ id, result }) => `${id}=${Buffer.from(JSON.stringify(result)).toString("base64")}\n`)
    .join("");
}
