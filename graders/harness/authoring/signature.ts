/**
 * A changed signature, said in words: when a learner's exported function declares fewer parameters than
 * the exercise's signature requires, or more than it has, every failing check of that exercise gets a note
 * saying so, because the checks call the function as the exercise says and the observed values then make
 * little sense (`retryAsync(fn, opts)` called as `retryAsync(fn, 4, 100)`).
 *
 * Read from the function's source text (every parameter counts, with or without a default), never from
 * `fn.length`, which stops at the first default. A note only ever adds to a failure: a check's verdict
 * does not depend on it, so a signature written in a way this reading does not follow costs nothing.
 */
const toSource = Function.prototype.toString;

/** The parameters a function declares, as written (defaults dropped); undefined for a class, a rest parameter or a form not followed. */
export function declaredParameters(fn: unknown): string[] | undefined {
  if (typeof fn !== "function") return undefined;
  const source = toSource.call(fn).trim();
  if (/^class\b/.test(source)) return undefined;
  // `x => …` and `async x => …`: one parameter, no parentheses.
  const bare = /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (bare && bare[1] !== "async") return [bare[1]!];
  const open = source.indexOf("(");
  if (open < 0) return undefined;
  const params: string[] = [];
  let depth = 0;
  let current = "";
  let quote: string | undefined;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      current += ch;
      if (ch === "\\") current += source[++i] ?? "";
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) {
      if (depth === 0) {
        if (current.trim()) params.push(current.trim());
        return params.some((p) => p.startsWith("...")) ? undefined : params.map((p) => p.replace(/\s*=[\s\S]*$/, "").replace(/^[{[][\s\S]*$/, "{…}"));
      }
      depth--;
    } else if (ch === "," && depth === 0) {
      params.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  return undefined;
}

/** The exercise's signature of one export: its name and parameters, `?` marking an optional one. */
export function signatureNote(name: string, fn: unknown, signature: readonly string[]): string | undefined {
  const declared = declaredParameters(fn);
  if (!declared) return undefined;
  const required = signature.filter((p) => !p.endsWith("?")).length;
  if (declared.length >= required && declared.length <= signature.length) return undefined;
  return (
    `note: your ${name} declares ${declared.length ? `(${declared.join(", ")})` : "no parameters"}, but the exercise's signature is ` +
    `${name}(${signature.join(", ")}): the checks call it that way. Put the parameters back as the comment at the top of the file shows`
  );
}
