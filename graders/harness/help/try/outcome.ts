/** What a try run found: the same outcomes the graders check, each a line with ✓ or ✗. */
export interface Finding {
  ok: boolean;
  text: string;
  /** A property try cannot judge in this run (said so, not praised): shown with "–". */
  unjudged?: boolean;
}

export interface Outcome {
  ok: boolean;
  findings: Finding[];
  /** Some properties could not be judged: ok says nothing about them. */
  partial: boolean;
}

export function outcome(findings: Finding[]): Outcome {
  return { ok: findings.every((f) => f.ok), findings, partial: findings.some((f) => f.unjudged) };
}

export function renderFindings(o: Outcome): string {
  return o.findings.map((f) => `${f.unjudged ? "–" : f.ok ? "✓" : "✗"} ${f.text}`).join("\n");
}
