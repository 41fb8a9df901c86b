import type { Contamination, EvalReport, MetricRow, ParityRow } from '../eval/result.js';
import type { Verdict } from '../eval/verdict.js';
import { esc, fmtNumber, pairedBarChart } from './charts.js';
import type { ReportData } from './model.js';
import { empty, fmtBytes, section, table } from './table.js';

/**
 * The evaluation part of the run report: the gate's verdict, the base-vs-tuned comparison with
 * each metric's paired interval, the quantization parity table and the contamination figure. Each
 * is a `data-section` so that a browser test (and a reader's search) finds it.
 */
export function evaluation(d: ReportData): string {
  let html = `<h2>Evaluation: base vs tuned</h2>` + section('verdict', verdict(d));
  html += section('parity', `<h3>Quantization parity</h3>` + (d.parity?.length ? parityTable(d.parity) : empty('parity check')));
  if (d.evals.length === 0) return html + empty('evaluation');
  for (const e of d.evals) {
    let part = `<h3>Phase ${esc(e.phase)}</h3>` + comparisonTable(e);
    const groups = e.metrics.filter((m) => m.unit === 'fraction').map((m) => ({ label: m.name, tuned: m.tuned * 100, ...(m.base !== undefined ? { base: m.base * 100 } : {}) }));
    if (groups.length) part += pairedBarChart({ id: `eval-${e.phase}`, groups });
    part += confusion(e);
    const skipped = Object.entries(e.skipped);
    if (skipped.length) part += `<p class="muted">test records not evaluated: ${skipped.map(([k, v]) => `${esc(k)} ${v}`).join(', ')}</p>`;
    html += section('comparison', part);
    html += section('contamination', `<h3>Contamination (phase ${esc(e.phase)})</h3>` + (e.contamination ? contamination(e.contamination) : empty('contamination check')));
  }
  return html;
}

function verdict(d: ReportData): string {
  const p = d.promotion;
  if (!p) return `<p class="empty">No promotion gate in this run.</p>`;
  const cls = p.decision === 'promoted' ? 'promoted' : 'not-promoted';
  let html = `<p>Promotion gate: <span class="badge ${cls}">${esc(p.decision)}</span>${p.phase ? ` <span class="muted">(phase ${esc(p.phase)})</span>` : ''}</p>`;
  if (p.verdict) html += `<p class="verdict">${verdictSentence(p.verdict)}</p>`;
  if (p.reasons.length) html += `<ul>${p.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;
  return html;
}

/** "test.exact_match: base 18.3, tuned 41.7, +23.3 points (95% CI +10.2 to +36.0, McNemar, n=60)". */
function verdictSentence(v: Verdict): string {
  const fraction = v.unit === 'fraction';
  const value = (x: number | undefined): string => (x === undefined ? '?' : fraction ? (x * 100).toFixed(1) : fmtNumber(x));
  let s = `<b>${esc(v.metric)}</b>: base ${value(v.base)}, tuned ${value(v.tuned)}`;
  if (v.delta !== undefined) s += `, ${signed(v.delta, fraction)}${fraction ? ' points' : ''}`;
  if (v.low !== undefined && v.high !== undefined) s += ` (95% CI ${signed(v.low, fraction)} to ${signed(v.high, fraction)}, ${esc(methodName(v.method))}, n=${v.n ?? '?'})`;
  if (v.higherIsBetter === false) s += ' <span class="muted">(lower is better)</span>';
  return s;
}

const methodName = (m: string | undefined): string => (m === 'mcnemar' ? 'McNemar' : m === 'bootstrap' ? 'paired bootstrap' : (m ?? ''));
const signed = (x: number, fraction: boolean): string => `${x > 0 ? '+' : ''}${fraction ? x.toFixed(1) : fmtNumber(x)}`;

function showValue(m: MetricRow, v: number | undefined): string {
  if (v === undefined) return '';
  return m.unit === 'fraction' ? (v * 100).toFixed(1) : fmtNumber(v);
}

function comparisonTable(e: EvalReport): string {
  const rows = e.metrics.map((m) => {
    const fraction = m.unit === 'fraction';
    let delta = '';
    if (m.delta !== undefined) {
      const better = m.higherIsBetter ? m.delta > 0 : m.delta < 0;
      const cls = m.delta === 0 ? '' : better ? 'up' : 'down';
      delta = `<span class="${cls}">${signed(m.delta, fraction)}</span>`;
    }
    let interval = '';
    let method = '';
    if (m.paired) {
      const p = m.paired;
      // Coloured only when the interval excludes 0: the difference is then unlikely to be chance.
      const excludes = p.low > 0 || p.high < 0;
      const better = m.higherIsBetter ? p.low > 0 : p.high < 0;
      interval = `<span class="${excludes ? (better ? 'up' : 'down') : 'muted'}">[${signed(p.low, fraction)}, ${signed(p.high, fraction)}]</span>`;
      method = esc(methodName(p.method)) + (p.pValue !== undefined ? ` p=${p.pValue.toPrecision(2)} (b=${p.b}, c=${p.c})` : '');
    }
    return [esc(m.name), fraction ? 'points' : m.higherIsBetter ? 'higher better' : 'lower better', String(m.n), showValue(m, m.base), showValue(m, m.tuned), delta, interval, method];
  });
  return table(['metric', 'unit', 'n', 'base', 'tuned', 'delta', '95% CI', 'method'], rows, 2);
}

function confusion(e: EvalReport): string {
  const c = e.models.tuned.classification;
  if (!c) return '';
  const max = Math.max(1, ...c.matrix.flat());
  const head = `<tr><th class="l">reference \\ predicted</th>${c.columns.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>`;
  const body = c.matrix
    .map((row, i) => `<tr><th class="l">${esc(c.labels[i])}</th>${row.map((v) => `<td style="background:rgba(23,190,207,${(v / max).toFixed(2)})">${v}</td>`).join('')}</tr>`)
    .join('');
  return `<h3>Confusion matrix (tuned)</h3><table>${head}${body}</table>`;
}

function parityTable(rows: ParityRow[]): string {
  return table(
    ['model', 'type', 'size', 'test perplexity', 'ratio to reference'],
    rows.map((r) => [esc(r.model), esc(r.type), fmtBytes(r.bytes), fmtNumber(r.perplexity), r.ratioToReference.toFixed(4)]),
    2,
  );
}

function contamination(c: Contamination): string {
  return (
    `<p><b>${c.contaminated}</b> of ${c.testExamples} test examples (<b>${(c.share * 100).toFixed(1)}%</b>) share a ${c.n}-gram with the training data ` +
    `<span class="muted">(${c.overlapping} overlapping ${c.n}-grams among ${c.trainNgrams} distinct training ${c.n}-grams)</span></p>`
  );
}
