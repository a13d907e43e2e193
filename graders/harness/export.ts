/**
 * npm run export -- <dir> [--force] [--gradescope]
 *
 * Writes the learner-facing repository an instructor publishes as the assignment template: the stubs,
 * the graders and their harness, the fixtures the graders read, the workflow, package.json and its lock
 * file without the maintainers' scripts and packages (Stryker: about half of the packages `npm ci` would
 * install), the configs and the README (without its maintainers' section).
 * Never solutions/, selftest/, .ci/ or the known submissions.
 *
 * --gradescope also puts Gradescope's setup.sh and run_autograder at the root: zip the folder's contents
 * and upload it as the autograder (see gradescope/run_autograder).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { MANIFEST, computeManifest } from "./integrity.ts";
import { EXERCISES } from "./exercises.ts";
import { REPO_ROOT } from "./paths.ts";
import { exitAfterFlush, isEntryModule } from "./entry.ts";
import { lf } from "./text.ts";

/** package.json scripts only maintainers use. */
export const MAINTAINER_SCRIPTS = new Set(["selftest", "export", "workflow", "mutation", "bench", "manifest"]);
/** A script that mentions one of these needs something the template does not ship. */
const MAINTAINER_PATHS = ["selftest", "solutions", ".ci/", "classroom.ts", "export.ts", "stryker"];
/** Harness modules that only maintainers run (they need solutions/ or write the template). */
const MAINTAINER_MODULES = new Set(["classroom.ts", "export.ts", "bench.ts"]);
/** Fixture folders of the self-test's known submissions (correct, wrong and hostile ones). */
const KNOWN_SUBMISSIONS = new Set(["submissions", "hostile", "hostile-process"]);
/** A known submission declares its verdict on line 1 ("// expect: …"), wherever it lives. */
function isKnownSubmission(file: string): boolean {
  return file.endsWith(".ts") && statSync(file).isFile() && readFileSync(file, "utf8").startsWith("// expect:");
}
/** Lines the template's .gitignore must have (hint levels are per learner). */
const IGNORED = ["node_modules/", "reports/", ".hints.json"];
/** In README.md, text between these markers is for maintainers only. */
const README_CUT = /<!--\s*maintainers:start\s*-->[\s\S]*?<!--\s*maintainers:end\s*-->\n?/g;

export interface ExportOptions {
  /** Write into a folder that is not empty. */
  force?: boolean;
  /** Also put gradescope/setup.sh and gradescope/run_autograder at the root. */
  gradescope?: boolean;
}

/** Packages only maintainers use (npm run mutation): not in the template's package.json nor its lock file. */
export const MAINTAINER_PACKAGES = ["@stryker-mutator/core", "@stryker-mutator/vitest-runner"];

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
  const lines = lf(text).split("\n").filter((l) => l.trim() !== "");
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
    walk(`fixtures/${id}`, (rel) => rel.split(path.sep).some((part) => KNOWN_SUBMISSIONS.has(part)) || isKnownSubmission(path.join(root, rel)));
  }
  walk("graders/harness", (rel) => MAINTAINER_MODULES.has(path.basename(rel)) && path.dirname(rel) === path.join("graders", "harness"));
  // .gitattributes: learners' Windows checkouts get LF text too (the maintainers' ci.yml stays behind).
  for (const file of ["vitest.config.ts", ".gitattributes", ".github/workflows/classroom.yml"]) walk(file);
  return files;
}

export function exportTemplate(dir: string, options: ExportOptions = {}, root = REPO_ROOT): string[] {
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
    cpSync(path.join(root, file), path.join(out, file));
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
  return written.sort();
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
    const files = exportTemplate(dir, { force: values.force, gradescope: values.gradescope });
    console.log(`wrote the learner template to ${path.resolve(dir)} (${files.length} files).`);
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
