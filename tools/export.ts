/**
 * npm run export -- <dir> [--force] [--gradescope]
 *
 * Writes the learner-facing repository an instructor publishes as the assignment template: the stubs,
 * the graders and their harness, the fixtures the graders read, the workflow, package.json and its lock
 * file without the maintainers' scripts and packages (Stryker: about half of the packages `npm ci` would
 * install), the configs and the README (without its maintainers' section).
 * Never solutions/, selftest/, .ci/ or the known submissions.
 *
 * The stubs come from the last commit, never from the working copy: an instructor who solved the
 * exercises in their copy (the natural first thing to do) still publishes the stubs. Outside a git
 * checkout, each exercise file must still be a stub (it throws "Not implemented yet"), or export refuses.
 *
 * --gradescope also puts Gradescope's setup.sh and run_autograder at the root: zip the folder's contents
 * and upload it as the autograder (see gradescope/run_autograder).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { NOT_IMPLEMENTED } from "../graders/harness/core/errors.ts";
import { MANIFEST, computeManifest } from "../graders/harness/core/integrity.ts";
import { EXERCISES } from "../graders/harness/core/exercises.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";
import { exitAfterFlush, isEntryModule } from "../graders/harness/core/entry.ts";
import { lf } from "../graders/harness/core/text.ts";

/** package.json scripts only maintainers use. */
export const MAINTAINER_SCRIPTS = new Set(["selftest", "export", "workflow", "mutation", "bench", "manifest", "layout"]);
/** A script that mentions one of these needs something the template does not ship. */
const MAINTAINER_PATHS = ["selftest", "solutions", ".ci/", "tools/", "stryker"];
/** Fixture folders of the self-test's known submissions (correct, wrong and hostile ones). */
const KNOWN_SUBMISSIONS = new Set(["submissions", "hostile", "hostile-process"]);
/** A known submission declares its verdict on line 1 ("// expect: …"), wherever it lives. */
function isKnownSubmission(file: string): boolean {
  return file.endsWith(".ts") && statSync(file).isFile() && readFileSync(file, "utf8").startsWith("// expect:");
}
/** Lines the template's .gitignore must have (hint levels are per learner). */
const IGNORED = ["node_modules/", "reports/", ".hints.json"];
/** .gitignore lines for maintainers' tools only (Stryker's work folder, the maintainers' scratch folder). */
const MAINTAINER_IGNORES = new Set([".stryker-tmp/", "/tmp/", "coverage/"]);
/** In README.md, text between these markers is for maintainers only. */
const README_CUT = /<!--\s*maintainers:start\s*-->[\s\S]*?<!--\s*maintainers:end\s*-->\n?/g;

export interface ExportOptions {
  /** Write into a folder that is not empty. */
  force?: boolean;
  /** Also put gradescope/setup.sh and gradescope/run_autograder at the root. */
  gradescope?: boolean;
}

/** Packages only maintainers use (npm run mutation, the self-test's schema checks): not in the template's package.json nor its lock file. */
export const MAINTAINER_PACKAGES = ["@stryker-mutator/core", "@stryker-mutator/vitest-runner", "ajv", "dependency-cruiser", "playwright-core"];

type Dependencies = Record<string, string>;
interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
  optionalDependencies?: Dependencies;
  peerDependencies?: Dependencies;
}

function withoutMaintainerPackages(pkg: Manifest): void {
  for (const field of ["dependencies", "devDependencies"] as const) for (const name of MAINTAINER_PACKAGES) delete pkg[field]?.[name];
}

/** The learner's package.json: no maintainer scripts, no maintainer packages. */
export function learnerPackageJson(text: string): string {
  const pkg = JSON.parse(text) as Manifest;
  if (pkg.scripts) {
    pkg.scripts = Object.fromEntries(
      Object.entries(pkg.scripts).filter(([name, command]) => !MAINTAINER_SCRIPTS.has(name) && !MAINTAINER_PATHS.some((p) => command.includes(p))),
    );
  }
  withoutMaintainerPackages(pkg);
  return JSON.stringify(pkg, null, 2) + "\n";
}

/**
 * The learner's package-lock.json (lockfile v2/v3): without the maintainer packages and every package only
 * they need. What stays is what the remaining dependencies reach, each dependency found the way Node finds
 * it (the nearest node_modules up the tree), so `npm ci` installs exactly what the course installs minus
 * Stryker. Entries are only removed, never changed: versions and integrity hashes stay the course's.
 */
export function learnerLock(text: string): string {
  const lock = JSON.parse(text) as { lockfileVersion?: number; packages?: Record<string, Manifest> };
  const packages = lock.packages;
  if (!packages?.[""]) throw new Error("package-lock.json has no \"packages\" (lockfile version 2 or later is needed)");
  withoutMaintainerPackages(packages[""]);
  const lookup = (from: string, name: string): string | undefined => {
    for (let dir = from; ; ) {
      const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[key]) return key;
      if (!dir) return undefined;
      const up = dir.lastIndexOf("/node_modules/");
      dir = up === -1 ? "" : dir.slice(0, up);
    }
  };
  // What a package needs installed; devDependencies count only for the root (a package's own are never installed).
  const needs = (key: string, p: Manifest): [string, string][] =>
    Object.keys({ ...p.dependencies, ...(key === "" ? p.devDependencies : {}), ...p.optionalDependencies, ...p.peerDependencies }).map((name) => [key, name]);
  const keep = new Set([""]);
  const queue = needs("", packages[""]);
  for (let next = queue.pop(); next; next = queue.pop()) {
    const key = lookup(...next);
    if (!key || keep.has(key)) continue;
    keep.add(key);
    queue.push(...needs(key, packages[key]!));
  }
  lock.packages = Object.fromEntries(Object.entries(packages).filter(([key]) => keep.has(key)));
  return JSON.stringify(lock, null, 2) + "\n";
}

/** tsconfig.json without the folders the template does not have. */
export function learnerTsconfig(text: string, exists: (dir: string) => boolean): string {
  const config = JSON.parse(text) as { include?: string[] };
  if (config.include) config.include = config.include.filter((p) => exists(p.split("/")[0]!));
  return JSON.stringify(config, null, 2) + "\n";
}

export function learnerGitignore(text: string): string {
  const lines = lf(text).split("\n").filter((l) => l.trim() !== "" && !MAINTAINER_IGNORES.has(l.trim()));
  for (const line of IGNORED) if (!lines.includes(line)) lines.push(line);
  return lines.join("\n") + "\n";
}

export function learnerReadme(text: string): string {
  return text.replace(README_CUT, "");
}

/** The files copied as they are, relative to the repository root. */
export function templateFiles(root = REPO_ROOT): string[] {
  const files: string[] = [];
  const walk = (rel: string, skip: (rel: string) => boolean = () => false) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs) || skip(rel)) return;
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs).sort()) walk(path.join(rel, name), skip);
    else files.push(rel.split(path.sep).join("/"));
  };
  for (const { id } of EXERCISES) {
    walk(`exercises/${id}.ts`);
    walk(`graders/${id}.test.ts`);
    walk(`graders/support/${id}.ts`);
    walk(`fixtures/${id}`, (rel) => rel.split(path.sep).some((part) => KNOWN_SUBMISSIONS.has(part)) || isKnownSubmission(path.join(root, rel)));
  }
  // The whole harness; maintainer tools live in tools/, which is not shipped.
  walk("graders/harness");
  // .gitattributes: learners' Windows checkouts get LF text too (the maintainers' ci.yml stays behind).
  for (const file of ["vitest.config.ts", ".gitattributes", ".github/workflows/classroom.yml", ".github/readme"]) walk(file);
  return files;
}

export class ExportRefused extends Error {}

/** Where the template's exercise files came from, for the instructor to read. */
export interface StubSource {
  from: "commit" | "working copy";
  /** Exercise files whose working copy differs from what was exported (only for "commit"). */
  differing: string[];
}

/** The committed bytes of `rel` at HEAD, or undefined when `root` is not a git checkout or the file is not committed. */
function committed(root: string, rel: string): Buffer | undefined {
  try {
    return execFileSync("git", ["cat-file", "blob", `HEAD:${rel}`], { cwd: root, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** The exercise files the template gets: the committed ones, or (no git) working-copy files that are still stubs. */
export function stubFiles(root = REPO_ROOT): { files: Map<string, Buffer>; source: StubSource } {
  const files = new Map<string, Buffer>();
  const differing: string[] = [];
  let fromCommit = true;
  for (const { id } of EXERCISES) {
    const rel = `exercises/${id}.ts`;
    const blob = committed(root, rel);
    if (!blob) {
      fromCommit = false;
      break;
    }
    files.set(rel, blob);
    const abs = path.join(root, rel);
    if (!existsSync(abs) || lf(readFileSync(abs, "utf8")) !== lf(blob.toString("utf8"))) differing.push(rel);
  }
  if (fromCommit) return { files, source: { from: "commit", differing } };
  files.clear();
  const solved = EXERCISES.map((e) => `exercises/${e.id}.ts`).filter((rel) => !existsSync(path.join(root, rel)) || !readFileSync(path.join(root, rel), "utf8").includes(NOT_IMPLEMENTED));
  if (solved.length) {
    throw new ExportRefused(
      `${solved.join(", ")} ${solved.length === 1 ? "is not a stub" : "are not stubs"} (no "${NOT_IMPLEMENTED}") and this folder is not a git checkout to take the stubs from: ` +
        "restore the stubs (or export from a git clone of the course) so learners do not get your solutions",
    );
  }
  for (const { id } of EXERCISES) files.set(`exercises/${id}.ts`, readFileSync(path.join(root, `exercises/${id}.ts`)));
  return { files, source: { from: "working copy", differing: [] } };
}

export function exportTemplate(dir: string, options: ExportOptions = {}, root = REPO_ROOT): string[] {
  return exportTemplateFrom(dir, options, root).written;
}

/** Writes the template; says where its exercise files came from. */
export function exportTemplateFrom(dir: string, options: ExportOptions = {}, root = REPO_ROOT): { written: string[]; stubs: StubSource } {
  const stubs = stubFiles(root);
  const out = path.resolve(dir);
  if (existsSync(out) && readdirSync(out).length > 0 && !options.force) {
    throw new Error(`${out} is not empty; choose a new folder (or add --force to write over it)`);
  }
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    writeFileSync(path.join(out, file), text);
    written.push(file);
  };
  for (const file of templateFiles(root)) {
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    const stub = stubs.files.get(file);
    if (stub) writeFileSync(path.join(out, file), stub);
    else cpSync(path.join(root, file), path.join(out, file));
    written.push(file);
  }
  const read = (file: string) => readFileSync(path.join(root, file), "utf8");
  write("package.json", learnerPackageJson(read("package.json")));
  if (existsSync(path.join(root, "package-lock.json"))) write("package-lock.json", learnerLock(read("package-lock.json")));
  write("tsconfig.json", learnerTsconfig(read("tsconfig.json"), (d) => existsSync(path.join(out, d))));
  write(".gitignore", learnerGitignore(existsSync(path.join(root, ".gitignore")) ? read(".gitignore") : ""));
  if (existsSync(path.join(root, "README.md"))) write("README.md", learnerReadme(read("README.md")));
  // The template's own manifest: it lacks maintainer modules, so the course's would call it modified.
  write(MANIFEST, JSON.stringify(computeManifest(out), null, 2) + "\n");
  if (options.gradescope) {
    for (const file of ["setup.sh", "run_autograder"]) {
      cpSync(path.join(root, "gradescope", file), path.join(out, file));
      written.push(file);
    }
  }
  return { written: written.sort(), stubs: stubs.source };
}

export function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: "boolean", default: false }, gradescope: { type: "boolean", default: false } },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) {
    console.error("usage: npm run export -- <dir> [--force] [--gradescope]");
    return 2;
  }
  try {
    const { written: files, stubs } = exportTemplateFrom(dir, { force: values.force, gradescope: values.gradescope });
    console.log(`wrote the learner template to ${path.resolve(dir)} (${files.length} files).`);
    if (stubs.from === "commit") {
      console.log(
        stubs.differing.length
          ? `exercises/: the stubs of the last commit; your working copy of ${stubs.differing.join(", ")} differs and was left out.`
          : "exercises/: the stubs of the last commit.",
      );
    } else console.log("exercises/: the working copy (not a git checkout); every file is still a stub.");
    console.log(values.gradescope
      ? "Gradescope: zip the folder's contents (not the folder): cd <dir> && zip -r ../autograder.zip . -x 'node_modules/*'"
      : "Next: push it to a new repository and mark it as a template (Settings → Template repository).");
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (isEntryModule(import.meta.url)) {
  await exitAfterFlush(main(process.argv.slice(2)));
}
