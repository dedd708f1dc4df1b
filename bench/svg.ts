/**
 * A small SVG line chart for benchmark reports: series of (x, y) points on linear axes with ticks,
 * a legend and a title. No dependencies; output is a standalone SVG document.
 */
export interface Series {
  name: string;
  points: [number, number][];
  /** Join the points with a line (default true); false draws markers only (a scatter). */
  line?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Axis ranges; default to the data's extent. */
  xRange?: [number, number];
  yRange?: [number, number];
  width?: number;
  height?: number;
  /** Formats y tick labels (default: 3 significant digits). */
  yFormat?: (v: number) => string;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** 3 significant digits, with k/M suffixes for large magnitudes (tick labels). */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 640, H = o.height ?? 400;
  const m = { left: 70, right: 20, top: 40, bottom: 60 };
  const all = o.series.flatMap((s) => s.points);
  const extent = (k: 0 | 1): [number, number] => {
    const vs = all.map((p) => p[k]);
    const lo = Math.min(...vs), hi = Math.max(...vs);
    // A small margin keeps the extreme points off the axes.
    const pad = 0.04 * (hi - lo);
    return lo === hi ? [lo - 1, hi + 1] : [lo - pad, hi + pad];
  };
  const [x0, x1] = o.xRange ?? extent(0);
  const [y0, y1] = o.yRange ?? extent(1);
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const fmt = o.yFormat ?? shortNumber;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(o.title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${escapeXml(fmt(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${H - m.bottom}" y2="${H - m.bottom + 5}" stroke="#333"/>`);
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - m.bottom + 18}" text-anchor="middle">${escapeXml(shortNumber(t))}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = s.points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    if (s.line !== false && s.points.length > 0) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    // Legend in the lower right: rising curves (accuracy) leave that corner empty.
    const ly = H - m.bottom - 12 - 16 * (o.series.length - 1 - i);
    parts.push(`<line x1="${W - m.right - 150}" x2="${W - m.right - 130}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${W - m.right - 125}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface BarSeries {
  name: string;
  /** One value per category (missing parts are 0). */
  values: number[];
}

export interface BarChartOptions {
  title: string;
  /** Label under the categories (e.g. "engine, scenario"). */
  xLabel: string;
  /** Value axis label with its unit (e.g. "energy per image (nJ)"). */
  yLabel: string;
  categories: string[];
  series: BarSeries[];
  /** Stack the series in one bar per category (a breakdown); default: bars side by side. */
  stacked?: boolean;
  width?: number;
  height?: number;
}

/**
 * A vertical bar chart with a value axis from 0: stacked (parts of a total, e.g. an energy
 * breakdown) or grouped (one bar per series and category). The legend sits to the right.
 */
export function barChart(o: BarChartOptions): string {
  const W = o.width ?? 720, H = o.height ?? 400;
  const n = o.categories.length;
  const slanted = n > 3 && Math.max(...o.categories.map((c) => c.length)) * 7 > (W - 270) / n;
  const m = { left: 80, right: 190, top: 40, bottom: slanted ? 110 : 70 };
  const totals = o.categories.map((_, c) => o.stacked
    ? o.series.reduce((s, x) => s + Math.max(0, x.values[c] ?? 0), 0)
    : Math.max(0, ...o.series.map((x) => x.values[c] ?? 0)));
  const top = Math.max(...totals, 0) || 1;
  const ticks = niceTicks(0, top);
  const yMax = Math.max(top, ticks.at(-1)!);
  const plotW = W - m.left - m.right, plotH = H - m.top - m.bottom;
  const py = (y: number) => H - m.bottom - (y / yMax) * plotH;
  const slot = plotW / Math.max(1, n);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(m.left + W - m.right) / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(o.title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${escapeXml(shortNumber(t))}</text>`);
  }
  o.categories.forEach((cat, c) => {
    const x0 = m.left + c * slot;
    if (o.stacked) {
      let acc = 0;
      o.series.forEach((s, i) => {
        const v = Math.max(0, s.values[c] ?? 0);
        if (v === 0) return;
        parts.push(`<rect x="${(x0 + slot * 0.2).toFixed(1)}" y="${py(acc + v).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${(py(acc) - py(acc + v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${escapeXml(`${cat}: ${s.name} ${shortNumber(v)}`)}</title></rect>`);
        acc += v;
      });
    } else {
      const w = (slot * 0.8) / Math.max(1, o.series.length);
      o.series.forEach((s, i) => {
        const v = Math.max(0, s.values[c] ?? 0);
        parts.push(`<rect x="${(x0 + slot * 0.1 + i * w).toFixed(1)}" y="${py(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(py(0) - py(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${escapeXml(`${cat}: ${s.name} ${shortNumber(v)}`)}</title></rect>`);
      });
    }
    // Long category labels of many bars are slanted so that neighbours do not overlap.
    const lx = (x0 + slot / 2).toFixed(1), ly = H - m.bottom + 16;
    parts.push(slanted
      ? `<text transform="translate(${lx} ${ly}) rotate(-25)" text-anchor="end" font-size="11">${escapeXml(cat)}</text>`
      : `<text x="${lx}" y="${ly}" text-anchor="middle">${escapeXml(cat)}</text>`);
  });
  parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const ly = m.top + 10 + 16 * i;
    parts.push(`<rect x="${W - m.right + 12}" y="${ly - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${W - m.right + 30}" y="${ly + 1}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
