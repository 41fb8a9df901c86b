import { esc } from './charts.js';

/** HTML pieces every report section uses. Cells are HTML: callers escape what they put in. */
export const fmtBytes = (b: number): string => (b >= 1 << 30 ? `${(b / (1 << 30)).toFixed(2)} GiB` : b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

export const empty = (what: string): string => `<p class="empty">No ${esc(what)} in this run.</p>`;

export function table(head: string[], rows: string[][], leftCols = 1): string {
  const th = head.map((h, i) => `<th${i < leftCols ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${i < leftCols ? ' class="l"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** A section a browser test finds by `data-section` (docs/evaluation.md lists them). */
export const section = (name: string, html: string): string => `<section data-section="${esc(name)}">${html}</section>`;
