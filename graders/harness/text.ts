/**
 * Text read from the course's own files (fixtures, hints, known submissions, .gitignore). A checkout
 * made by Git for Windows without .gitattributes, or a file saved by a Windows editor, has CRLF line
 * ends: every reader splits lines after `lf()`, so `\r` never ends up inside a value.
 */
export function lf(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
