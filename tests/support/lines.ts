/** Texts whose lines fall awkwardly on chunk edges: none, blank, CRLF, a long line, no final newline. */
export const LINE_TEXTS = ['', '\n', 'a', 'a\n', 'a\r\n\r\nb', '{"x":1}\n\n  \n{"y":"a line longer than any small buffer ' + 'z'.repeat(70) + '"}\r\nlast without newline\r', '\n\n\nx\n'];

/** What line splitting must give: numbered lines, LF removed, a trailing CR removed, no line after a final LF. */
export function expectedLines(text: string): Array<[number, string]> {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l, i) => [i + 1, l.endsWith('\r') ? l.slice(0, -1) : l]);
}
