/** What a try run found: the same outcomes the graders check, each a line with ✓ or ✗. */
export interface Finding {
  ok: boolean;
  text: string;
}

export interface Outcome {
  ok: boolean;
  findings: Finding[];
}

export function outcome(findings: Finding[]): Outcome {
  return { ok: findings.every((f) => f.ok), findings };
}

export function renderFindings(o: Outcome): string {
  return o.findings.map((f) => `${f.ok ? "✓" : "✗"} ${f.text}`).join("\n");
}
