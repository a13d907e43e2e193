// The learner's type errors, found by TypeScript in a worker thread while the grade runs (typecheck.ts).
// Plain JavaScript: a worker thread does not inherit the tsx loader that launch.mjs registers.
// The compiler's parsed library files (lib.*.d.ts, @types/node) are kept between requests, so in watch mode a
// save re-checks only against what is already loaded.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import ts from "typescript";

const { tsconfig } = workerData;
const config = ts.readConfigFile(tsconfig, (file) => readFileSync(file, "utf8"));
const { options } = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, path.dirname(tsconfig));
options.noEmit = true;
// Modules as the runtime (tsx, vite) reads them: ESM whatever the nearest package.json says, and relative
// imports with or without an extension. A learner's folder outside the course (batch, --target) has no
// package.json saying "type": "module", and NodeNext would then flag every import and export.
options.module = ts.ModuleKind.ESNext;
options.moduleResolution = ts.ModuleResolutionKind.Bundler;
// A learner's file is all that is checked; the libraries' own declarations are trusted.
options.skipLibCheck = true;

const host = ts.createCompilerHost(options, true);
const cache = new Map();
let learner = new Set();
const getSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, fresh) => {
  const key = path.resolve(fileName);
  if (learner.has(key)) return getSourceFile(fileName, languageVersion, onError, true);
  let file = cache.get(key);
  if (!file) cache.set(key, (file = getSourceFile(fileName, languageVersion, onError, fresh)));
  return file;
};
let previous;

function check(files) {
  learner = new Set(files.map((f) => path.resolve(f)));
  const program = ts.createProgram(files, options, host, previous);
  previous = program;
  const out = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      out.push({ file, line: at.line + 1, column: at.character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, " ") });
    }
  }
  return out;
}

parentPort.on("message", ({ id, files }) => {
  try {
    parentPort.postMessage({ id, warnings: check(files) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error instanceof Error ? error.message : error) });
  }
});
