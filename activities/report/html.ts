import { esc, fmtNumber, histogramChart, hBarChart, lineChart, PALETTE, type Series } from './charts.js';
import { evaluation } from './evaluation-html.js';
import type { ReportData } from './model.js';
import { empty, fmtBytes, section, table } from './table.js';

/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), so
 * it opens offline, attaches to an e-mail and survives as an artifact. Sections without data say so.
 */
const CSS = `
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 6px}.muted{color:#777}.grid{display:flex;flex-wrap:wrap;gap:8px 24px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f5f5f5}td.l,th.l{text-align:left}.up{color:#1a7f37}.down{color:#cf222e}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;color:#fff}
.promoted{background:#1a7f37}.not-promoted{background:#cf222e}.status{background:#555}
.empty{color:#999;font-style:italic}svg.chart{display:block;margin:6px 0}
`;

const fmtMs = (ms: number | undefined): string => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function summary(d: ReportData): string {
  const total = d.steps.reduce((s, x) => s + (x.durationMs ?? 0), 0);
  const rows = d.steps.map((s) => [esc(s.id), esc(s.kind), esc(s.status + (s.cached ? ' (cache)' : '')), esc(fmtMs(s.durationMs))]);
  const timed = d.steps.filter((s) => s.durationMs !== undefined);
  return (
    `<h2>Run summary and timings</h2>` +
    `<div class="grid"><div>pipeline <b>${esc(d.pipeline)}</b></div><div>run <b>${esc(d.runId)}</b></div>` +
    `<div>status <span class="badge status">${esc(d.status)}</span></div><div>steps ${d.steps.length}, step time ${esc(fmtMs(total))}</div></div>` +
    (d.notes.length ? `<ul>${d.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '') +
    (d.steps.length ? table(['step', 'kind', 'status', 'time'], rows, 3) : empty('step timings')) +
    (timed.length ? hBarChart({ id: 'timings', bars: timed.map((s) => ({ label: s.id, value: s.durationMs! / 1000 })), color: PALETTE.steps, format: (v) => `${v.toFixed(1)} s` }) : '')
  );
}

function data(d: ReportData): string {
  let html = `<h2>Data</h2><h3>Bucket distribution</h3>`;
  html += d.buckets
    ? `<p class="muted">from ${esc(d.buckets.source)}</p>` + hBarChart({ id: 'buckets', bars: d.buckets.rows, color: PALETTE.buckets })
    : empty('bucket distribution');
  html += `<h3>Quality-score histogram</h3>`;
  html += d.quality
    ? histogramChart({
        id: 'quality',
        bars: d.quality.bins.map((b) => ({ label: `${b.label}–${Number(b.label) + 1}`, value: b.value })),
        color: PALETTE.quality,
        ...(d.quality.threshold !== undefined ? { marker: { atBin: d.quality.threshold, label: `threshold ${d.quality.threshold}` } } : {}),
      })
    : empty('quality scores');
  html += `<h3>PII findings per type</h3>`;
  html += d.pii ? `<p class="muted">${d.pii.total} findings (counts only, never values)</p>` + hBarChart({ id: 'pii', bars: d.pii.byType, color: PALETTE.pii }) : empty('PII findings');
  html += `<h3>Deduplication and split</h3><div class="grid">`;
  if (d.dedup) {
    const dropped = Object.entries(d.dedup.dropped).map(([k, v]) => [esc(k), esc(fmtNumber(v))]);
    html += `<div>${table(['dedup', 'records'], [['in', fmtNumber(d.dedup.total)], ['kept', fmtNumber(d.dedup.kept)], ['removed', fmtNumber(d.dedup.rejected)], ...dropped, ...(d.dedup.clusters !== undefined ? [['clusters', fmtNumber(d.dedup.clusters)]] : [])])}</div>`;
  } else html += empty('deduplication');
  if (d.split) {
    const s = d.split;
    const total = s.train + s.valid + s.test || 1;
    const row = (name: string, n: number) => [name, fmtNumber(n), `${((n / total) * 100).toFixed(1)}%`];
    html += `<div>${table(['split', 'records', 'share'], [row('train', s.train), row('valid', s.valid), row('test', s.test), ...(s.crossSplit !== undefined ? [['cross-split pairs', String(s.crossSplit), '']] : [])])}</div>`;
  } else html += empty('split');
  return html + `</div>`;
}

/** What every step set aside, with the file to open and the commonest reasons. */
function rejects(d: ReportData): string {
  const html = `<h2>Rejects</h2>`;
  if (!d.rejects) return section('rejects', html + empty('rejects outputs'));
  const total = d.rejects.reduce((n, r) => n + r.records, 0);
  const rows = d.rejects.map((r) => [
    esc(r.stepId),
    esc(r.file),
    esc(r.reasons.slice(0, 3).map(([reason, n]) => `${reason} ${fmtNumber(n)}`).join(', ')),
    fmtNumber(r.records),
  ]);
  return section('rejects', html + `<p class="muted">${fmtNumber(total)} records set aside in all, each with its reason, in the run folder's files below</p>` + table(['step', 'file', 'commonest reasons', 'rejected'], rows, 3));
}

function training(d: ReportData): string {
  return section('loss-curve', lossCurves(d));
}

function lossCurves(d: ReportData): string {
  let html = `<h2>Training: loss per phase</h2>`;
  if (d.curves.length === 0) return html + empty('loss curves');
  const series: Series[] = [];
  d.curves.forEach((c, i) => {
    const color = PALETTE.curves[i % PALETTE.curves.length]!;
    if (c.train.length) series.push({ name: `${c.phase} train`, color, points: c.train });
    if (c.valid.length) series.push({ name: `${c.phase} valid`, color, points: c.valid, dashed: true });
  });
  html += lineChart({ id: 'loss', series, xLabel: 'step', yLabel: 'loss' });
  const rows = d.curves.map((c) => {
    const first = c.train[0]?.[1];
    const last = c.train[c.train.length - 1]?.[1];
    const lastValid = c.valid[c.valid.length - 1]?.[1];
    return [esc(c.phase), String(c.train.length), first !== undefined ? first.toFixed(3) : '', last !== undefined ? last.toFixed(3) : '', lastValid !== undefined ? lastValid.toFixed(3) : ''];
  });
  return html + table(['phase', 'points', 'first loss', 'last loss', 'last valid loss'], rows);
}

function models(d: ReportData): string {
  let html = `<h2>Model files</h2>`;
  if (d.models.length === 0) return html + empty('model files');
  html += table(
    ['step', 'quantization', 'size', 'ratio to F16', 'sha256'],
    d.models.map((m) => [esc(m.name), esc(m.quantization), fmtBytes(m.bytes), m.ratioToF16 !== undefined ? m.ratioToF16.toFixed(3) : '', `<code>${esc(m.sha256.slice(0, 16))}</code>`]),
    2,
  );
  html += hBarChart({ id: 'models', bars: d.models.map((m) => ({ label: `${m.name} ${m.quantization}`, value: m.bytes / (1 << 20) })), color: PALETTE.models, format: (v) => `${v.toFixed(2)} MiB` });
  return html;
}

export function renderReport(d: ReportData): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title><style>${CSS}</style></head><body>` +
    `<h1>${esc(d.title)}</h1><p class="muted">generated ${esc(d.generatedAt)}</p>` +
    summary(d) +
    data(d) +
    rejects(d) +
    training(d) +
    evaluation(d) +
    models(d) +
    `</body></html>\n`
  );
}
