/**
 * Inline SVG charts: the report is one self-contained HTML file that renders offline (no script,
 * no CDN). Every chart family has its own fill colour (PALETTE), which also lets a test find each
 * chart's pixels in a screenshot. Shapes use `crispEdges` so the colours land exactly.
 */
export const PALETTE = {
  steps: '#4e79a7',
  buckets: '#f28e2b',
  quality: '#59a14f',
  pii: '#e15759',
  base: '#bcbd22',
  tuned: '#17becf',
  models: '#b07aa1',
  curves: ['#d62728', '#1f3fbf', '#8c564b', '#2ca02c', '#ff7f0e', '#7f3fbf'],
} as const;

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#333"';

export interface Bar {
  label: string;
  value: number;
}

export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 1 ? 3 : 2);
}

/** Horizontal bars, one row per item: readable with long labels (step ids, bucket names). */
export function hBarChart(opts: { id: string; bars: Bar[]; color: string; width?: number; format?: (v: number) => string }): string {
  const { bars, color } = opts;
  const width = opts.width ?? 640;
  const row = 22;
  const labelW = 170;
  const valueW = 80;
  const height = Math.max(1, bars.length) * row + 10;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const plotW = width - labelW - valueW;
  const format = opts.format ?? fmtNumber;
  const rows = bars.map((b, i) => {
    const y = 5 + i * row;
    const w = max > 0 ? Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * plotW)) : 0;
    const label = b.label.length > 26 ? b.label.slice(0, 25) + '…' : b.label;
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" ${FONT}>${esc(label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${row - 6}" fill="${color}" shape-rendering="crispEdges"><title>${esc(b.label)}: ${esc(format(b.value))}</title></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 15}" ${FONT}>${esc(format(b.value))}</text>`
    );
  });
  return `<svg class="chart" data-chart="${esc(opts.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" role="img">${rows.join('')}</svg>`;
}

/** Vertical bars over ordered bins (a histogram); `marker` draws a vertical threshold line between bins. */
export function histogramChart(opts: { id: string; bars: Bar[]; color: string; marker?: { atBin: number; label: string } }): string {
  const width = 640;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const plotW = width - left - 10;
  const plotH = height - top - bottom;
  const n = Math.max(1, opts.bars.length);
  const slot = plotW / n;
  const max = Math.max(0, ...opts.bars.map((b) => b.value));
  const parts: string[] = [
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 10}" y2="${top + plotH}" stroke="#999" shape-rendering="crispEdges"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end" ${FONT}>${esc(fmtNumber(max))}</text>`,
  ];
  opts.bars.forEach((b, i) => {
    const h = max > 0 ? Math.round((b.value / max) * plotH) : 0;
    const x = Math.round(left + i * slot + slot * 0.1);
    parts.push(
      `<rect x="${x}" y="${top + plotH - h}" width="${Math.max(1, Math.round(slot * 0.8))}" height="${h}" fill="${opts.color}" shape-rendering="crispEdges"><title>${esc(b.label)}: ${esc(fmtNumber(b.value))}</title></rect>`,
      `<text x="${Math.round(left + i * slot + slot / 2)}" y="${height - 12}" text-anchor="middle" ${FONT}>${esc(b.label)}</text>`,
    );
  });
  if (opts.marker) {
    const x = Math.round(left + opts.marker.atBin * slot);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#333" stroke-dasharray="4 3" shape-rendering="crispEdges"/>`,
      `<text x="${x + 4}" y="${top + 10}" ${FONT}>${esc(opts.marker.label)}</text>`,
    );
  }
  return `<svg class="chart" data-chart="${esc(opts.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" role="img">${parts.join('')}</svg>`;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

/** Line chart with shared axes (loss curves: x = global step, y = loss). */
export function lineChart(opts: { id: string; series: Series[]; xLabel: string; yLabel: string }): string {
  const width = 640;
  const height = 260;
  const left = 50;
  const right = 130;
  const top = 10;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = opts.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0raw, y1raw] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = (y1raw - y0raw) * 0.05 || 0.5;
  const [y0, y1] = [y0raw - pad, y1raw + pad];
  const sx = (x: number): number => left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number): number => top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc" shape-rendering="crispEdges"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end" ${FONT}>${esc(fmtNumber(y1raw))}</text>`,
    `<text x="${left - 6}" y="${top + plotH}" text-anchor="end" ${FONT}>${esc(fmtNumber(y0raw))}</text>`,
    `<text x="${left}" y="${height - 18}" ${FONT}>${esc(fmtNumber(x0))}</text>`,
    `<text x="${left + plotW}" y="${height - 18}" text-anchor="end" ${FONT}>${esc(fmtNumber(x1))}</text>`,
    `<text x="${left + plotW / 2}" y="${height - 4}" text-anchor="middle" ${FONT}>${esc(opts.xLabel)}</text>`,
    `<text x="12" y="${top + plotH / 2}" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle" ${FONT}>${esc(opts.yLabel)}</text>`,
  ];
  opts.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return;
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`);
    if (pts.length === 1) parts.push(`<rect x="${sx(pts[0]![0]) - 3}" y="${sy(pts[0]![1]) - 3}" width="6" height="6" fill="${s.color}" shape-rendering="crispEdges"/>`);
    const ly = top + 12 + i * 18;
    parts.push(
      `<rect x="${left + plotW + 10}" y="${ly - 8}" width="14" height="10" fill="${s.color}" shape-rendering="crispEdges"/>`,
      `<text x="${left + plotW + 30}" y="${ly + 1}" ${FONT}>${esc(s.name.length > 16 ? s.name.slice(0, 15) + '…' : s.name)}</text>`,
    );
  });
  return `<svg class="chart" data-chart="${esc(opts.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" role="img">${parts.join('')}</svg>`;
}

/** Two bars per group (base and tuned), values in [0, 100] points. */
export function pairedBarChart(opts: { id: string; groups: { label: string; base?: number; tuned: number }[] }): string {
  const width = 640;
  const row = 30;
  const labelW = 200;
  const plotW = width - labelW - 70;
  const height = Math.max(1, opts.groups.length) * row + 30;
  const parts: string[] = [
    `<rect x="${labelW}" y="4" width="12" height="10" fill="${PALETTE.base}" shape-rendering="crispEdges"/><text x="${labelW + 16}" y="13" ${FONT}>base</text>`,
    `<rect x="${labelW + 60}" y="4" width="12" height="10" fill="${PALETTE.tuned}" shape-rendering="crispEdges"/><text x="${labelW + 76}" y="13" ${FONT}>tuned</text>`,
  ];
  opts.groups.forEach((g, i) => {
    const y = 22 + i * row;
    const bw = (v: number): number => Math.max(v > 0 ? 2 : 0, Math.round((Math.min(100, Math.max(0, v)) / 100) * plotW));
    parts.push(`<text x="${labelW - 6}" y="${y + 16}" text-anchor="end" ${FONT}>${esc(g.label)}</text>`);
    if (g.base !== undefined) {
      parts.push(`<rect x="${labelW}" y="${y + 2}" width="${bw(g.base)}" height="11" fill="${PALETTE.base}" shape-rendering="crispEdges"><title>base ${g.base.toFixed(1)}</title></rect>`);
      parts.push(`<text x="${labelW + bw(g.base) + 4}" y="${y + 12}" ${FONT}>${g.base.toFixed(1)}</text>`);
    }
    parts.push(`<rect x="${labelW}" y="${y + 14}" width="${bw(g.tuned)}" height="11" fill="${PALETTE.tuned}" shape-rendering="crispEdges"><title>tuned ${g.tuned.toFixed(1)}</title></rect>`);
    parts.push(`<text x="${labelW + bw(g.tuned) + 4}" y="${y + 24}" ${FONT}>${g.tuned.toFixed(1)}</text>`);
  });
  return `<svg class="chart" data-chart="${esc(opts.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" role="img">${parts.join('')}</svg>`;
}
