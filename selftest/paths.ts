/**
 * "Paths agree": every way a grade leaves the course — the JSON report, the scoreboard, Gradescope's
 * results.json, JUnit XML, the gradebook, Classroom 50's result.json, the Classroom workflow's reporter
 * inputs and the HTML report — read back into points per check, so the self-test can require them identical.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { gradebookCsv } from "../graders/harness/engine/batch.ts";
import { WORKFLOW_FILE } from "../tools/classroom.ts";
import { toClassroom50 } from "../graders/harness/report/classroom50.ts";
import { RUNNERS_ENV, decodeRunners, toClassroomRunners, toGradescope, toJUnit, type ExpectedRunner } from "../graders/harness/report/formats.ts";
import type { GradeReport } from "../graders/harness/report/report.ts";
import { renderScoreboard } from "../graders/harness/report/scoreboard.ts";
import { renderHtml } from "../graders/harness/report/html.ts";

/** "<exercise>: <check title>" → "points/max", and "total" → "score/max". */
export type Points = Record<string, string>;

const IDENTITY = {
  classroom: "c",
  assignment: "a",
  assignment_type: "individual" as const,
  owner: "o",
  submission: "submit/x",
  commit: "u",
  release: "u",
  review: "u",
  datetime: "2026-11-30T00:00:00Z",
};

export function fromJson(report: GradeReport): Points {
  const out: Points = { total: `${report.score}/${report.maxScore}` };
  for (const ex of report.exercises) for (const t of ex.tests) out[`${ex.id}: ${t.name}`] = `${t.points}/${t.maxPoints}`;
  return out;
}

export function fromGradescope(report: GradeReport): Points {
  const g = toGradescope(report);
  const out: Points = { total: `${g.score}/${g.extra_data.maxScore}` };
  for (const t of g.tests) out[t.name] = `${t.score}/${t.max_score}`;
  return out;
}

function unescapeXml(text: string): string {
  return text.replace(/&#10;/g, "\n").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function fromJUnit(report: GradeReport): Points {
  const xml = toJUnit(report);
  const out: Points = {};
  let score = 0;
  let max = 0;
  for (const m of xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*) \[(\d+) points?\]" time="0"(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const maxPoints = Number(m[3]);
    const body = m[5] ?? "";
    const failed = /<(failure|error) /.exec(body);
    const points = failed ? Number(/>(\d+)\/\d+ points/.exec(body)?.[1]) : maxPoints;
    out[`${unescapeXml(m[1]!)}: ${unescapeXml(m[2]!)}`] = `${points}/${maxPoints}`;
    score += points;
    max += maxPoints;
  }
  out.total = `${score}/${max}`;
  return out;
}

export function fromClassroom50(report: GradeReport): Points {
  const r = toClassroom50(report, IDENTITY);
  const out: Points = { total: `${r.score}/${r["max-score"]}` };
  for (const t of r.tests) if (t["max-score"] > 0) out[t["test-name"]] = `${t.score}/${t["max-score"]}`;
  return out;
}

/** The runners the committed workflow hands its reporter. */
export function workflowRunners(): ExpectedRunner[] {
  const workflow = parse(readFileSync(WORKFLOW_FILE, "utf8")) as { jobs: Record<string, { steps: { id?: string; env?: Record<string, string> }[] }> };
  const grade = Object.values(workflow.jobs)[0]!.steps.find((s) => s.id === "grade")!;
  return decodeRunners(grade.env![RUNNERS_ENV]!);
}

/** What the reporter adds up: each runner's test score (its "Points" annotation) and max_score. */
export function fromClassroomReporter(report: GradeReport, runners: readonly ExpectedRunner[]): Points {
  const out: Points = {};
  let score = 0;
  let max = 0;
  for (const { result } of toClassroomRunners(report, runners)) {
    const t = result.tests[0]!;
    out[t.name] = `${t.score}/${result.max_score}`;
    score += t.score;
    max += result.max_score;
  }
  out.total = `${score}/${max}`;
  return out;
}

/**
 * The verbose scoreboard: each exercise's line ("<exercise>" → its points), the check lines under it
 * ("✗   0/3  title"; an exercise not started lists none), and the total.
 */
export function fromScoreboard(report: GradeReport): Points {
  const text = renderScoreboard(report, { verbose: true, color: false });
  const out: Points = {};
  let exercise = "";
  for (const line of text.split("\n")) {
    const head = /^\S (\d{2}-[a-z0-9-]+) .*? (\d+)\/(\d+)(?: |$)/.exec(line);
    if (head) {
      exercise = head[1]!;
      out[exercise] = `${head[2]}/${head[3]}`;
    }
    const check = /^ {6}[✓✗⚠!·] +(\d+)\/(\d+)  (.+)$/.exec(line);
    if (check && exercise) out[`${exercise}: ${check[3]}`] = `${check[1]}/${check[2]}`;
    const total = /^Total (\d+)\/(\d+)/.exec(line);
    if (total) out.total = `${total[1]}/${total[2]}`;
  }
  return out;
}

const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** The HTML report (html.ts): each check's summary line, and the page's title line. */
export function fromHtml(report: GradeReport): Points {
  const html = renderHtml(report);
  const out: Points = { total: /<h1>Grade: (\d+\/\d+)<\/h1>/.exec(html)?.[1] ?? "missing" };
  for (const m of html.matchAll(/<details class="check [a-z]+" data-check="([^"/]+)\/[^"]*"[^>]*><summary><span class="(?:ok|bad)">[✓✗]<\/span> (.*?) <span class="points">(\d+\/\d+)<\/span><\/summary>/g)) {
    out[`${m[1]}: ${unescapeHtml(m[2]!)}`] = m[3]!;
  }
  return out;
}

/** The gradebook row: points per exercise and the total. */
export function fromGradebook(report: GradeReport): Record<string, string> {
  const [header, row] = gradebookCsv([{ name: "learner", report }]).trim().split("\n");
  const names = header!.split(",");
  const values = row!.split(",");
  const out: Record<string, string> = { total: `${values[names.indexOf("total")]}/${values[names.indexOf("max")]}` };
  for (const ex of report.exercises) out[ex.id] = values[names.indexOf(ex.id)]!;
  return out;
}
