/** `node:path` as on Windows, for learner code when the self-test emulates Windows paths (path-flavor.ts). */
import path from "node:path";

export default path.win32;
export const { basename, delimiter, dirname, extname, format, isAbsolute, join, normalize, parse, posix, relative, resolve, sep, toNamespacedPath, win32 } = path.win32;
