/**
 * What the learner's terminal can show. Colour only on a terminal that wants it (Node's `hasColors()`
 * honours NO_COLOR, FORCE_COLOR, NODE_DISABLE_COLORS and TERM=dumb). Unicode only where its glyphs are
 * drawn (is-unicode-supported: the legacy Windows console shows ✓ ✗ ◐ as boxes); elsewhere each glyph
 * the harness prints has an ASCII stand-in. Files and CI formats (JSON, Gradescope, JUnit) keep Unicode.
 */
import isUnicodeSupported from "is-unicode-supported";

export interface TerminalStyle {
  color: boolean;
  unicode: boolean;
}

/** The style of a stream (stdout by default) in this process's environment. */
export function terminalStyle(stream: NodeJS.WriteStream = process.stdout): TerminalStyle {
  return { color: Boolean(stream.isTTY) && stream.hasColors?.() === true, unicode: isUnicodeSupported() };
}

/** ASCII stand-ins, longest first where one glyph is part of another's text. */
const ASCII: ReadonlyArray<readonly [string, string]> = [
  ["✓", "+"], ["✅", "+"], ["✗", "x"], ["❌", "x"], ["◐", "~"], ["🟡", "~"], ["·", "-"], ["⚠", "!"], ["█", "#"], ["░", "."],
  ["■", "#"], ["□", "."], ["⬜", "."], ["│", "|"], ["─", "-"], ["—", "-"], ["–", "-"], ["−", "-"], ["…", "..."], ["→", "->"],
  ["←", "<-"], ["›", ">"], ["▶", ">"], ["×", "x"], ["≤", "<="], ["≥", ">="], ["≈", "~"], ["²", "^2"], ["🎉", ":)"],
];
const GLYPHS = new RegExp(ASCII.map(([glyph]) => glyph).join("|"), "gu");
const STAND_IN = new Map(ASCII);

/** `text` as the terminal can show it: unchanged where Unicode is drawn, glyphs replaced by ASCII elsewhere. */
export function forTerminal(text: string, style: Pick<TerminalStyle, "unicode"> = terminalStyle()): string {
  return style.unicode ? text : text.replace(GLYPHS, (glyph) => STAND_IN.get(glyph) ?? glyph);
}
