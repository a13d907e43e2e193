/** Child-process entry of isolated.ts: reads the runs, grades them, writes the reports. */
import { readFileSync, writeFileSync } from "node:fs";
import { gradeRuns, type GradeOptions, type GradeRun } from "./engine.ts";

const [request, result] = process.argv.slice(2);
if (!request || !result) throw new Error("usage: engine-child.ts <request.json> <result.json>");
const { runs, options } = JSON.parse(readFileSync(request, "utf8")) as { runs: GradeRun[]; options: GradeOptions };
const reports = await gradeRuns(runs, {
  ...options,
  onProgress: process.send ? (done, total) => process.send!({ done, total }) : undefined,
});
writeFileSync(result, JSON.stringify(reports));
process.exit(0);
