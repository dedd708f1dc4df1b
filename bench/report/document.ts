/**
 * The report's content as a list of blocks (headings, paragraphs, tables, figures), built once from
 * the results and rendered twice: Markdown (markdown.ts) and HTML with inline SVG (html.ts).
 */
import { barChart, lineChart } from '../svg.js';
import { nj, num, pct, ratio } from './format.js';
import { paretoFront } from './pareto.js';
import { SCENARIOS, type CompareResult, type DatasetComparison, type EngineSide, type ReportInput, type Scenario, type SweepSet } from './types.js';

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  /** `name` is the SVG's file name when written beside the Markdown report. */
  | { kind: 'figure'; name: string; caption: string; svg: string };

const DATA_TITLES: Record<string, string> = { mnist: 'MNIST', fashion: 'Fashion-MNIST' };
const title = (data: string): string => DATA_TITLES[data] ?? data;

export function reportDocument(input: ReportInput): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: 'SmartDeal benchmark report' },
    { kind: 'list', items: [`date: ${input.date}`, `machine: ${input.machine}`, `run: ${input.quick ? 'QUICK (few images, small sweeps: a fast look, not the published numbers)' : 'full'}`] },
  ];
  blocks.push(...compareBlocks(input.compare));
  blocks.push(...sweepBlocks(input.sweeps));
  blocks.push(...toolBlocks(input));
  return blocks;
}

// ---- SD against dense --------------------------------------------------------------------------

function compareBlocks(c: CompareResult | null): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'SD engine against the dense baseline' }];
  // The last column of the side-by-side tables is SD / dense (below 1: SD needs less); accuracy as a difference.
  if (!c) return [...blocks, { kind: 'paragraph', text: 'not run (bench/compare.ts produced no result).' }];
  blocks.push({
    kind: 'paragraph',
    text: `Both engines come from the same generator: SD ${c.configs.sd}, dense ${c.configs.dense}. Same trained model per data set: ` +
      'the SD engine runs its SD form, the dense baseline its float form quantized to dense int8 (sw/flow/model.ts quantizeForEngines). ' +
      `Energy: ${c.energyNote} FPGA: ${c.fpgaNote}`,
  });
  blocks.push({ kind: 'heading', level: 3, text: 'Headline: how many times more the dense baseline needs' });
  blocks.push({ kind: 'table', head: ['data set', ...SCENARIOS.map((s) => `energy per image, dense / SD (${s})`), 'weight bits, dense / SD', 'cycles per image, dense / SD', 'accuracy, SD - dense (integer, test set)'], rows: c.datasets.map(headlineRow) });
  for (const d of c.datasets) {
    blocks.push({ kind: 'heading', level: 3, text: `${title(d.data)} side by side (${d.checkpoint})` });
    blocks.push({ kind: 'table', head: ['', 'SD engine', 'dense baseline', 'SD / dense'], rows: sideBySideRows(d) });
  }
  blocks.push(...energyBlocks(c));
  blocks.push(...areaBlocks(c));
  return blocks;
}

function energyTotal(s: EngineSide, sc: Scenario): number | undefined {
  return s.energy?.[sc].totalPj;
}

function headlineRow(d: DatasetComparison): string[] {
  return [
    title(d.data),
    ...SCENARIOS.map((sc) => ratio(energyTotal(d.dense, sc), energyTotal(d.sd, sc))),
    ratio(d.dense.weightBitsTotal, d.sd.weightBitsTotal),
    ratio(d.dense.cyclesPerImage, d.sd.cyclesPerImage),
    points(d.sd.intAccuracy, d.dense.intAccuracy),
  ];
}

/** Accuracy difference a - b in percentage points, signed. */
function points(a: number, b: number): string {
  const d = 100 * (a - b);
  return `${d >= 0 ? '+' : ''}${d.toFixed(2)} points`;
}

/** The side-by-side rows: value for SD, value for dense, SD/dense. */
export function sideBySideRows(d: DatasetComparison): string[][] {
  const { sd, dense } = d;
  const row = (label: string, a: number | undefined, b: number | undefined, fmt: (v: number | undefined) => string = (v) => num(v)): string[] =>
    [label, fmt(a), fmt(b), ratio(a, b)];
  const rows: string[][] = [['engine configuration', sd.config, dense.config, '']];
  const memories = [...new Set([...Object.keys(sd.weightBits), ...Object.keys(dense.weightBits)])];
  for (const m of memories) rows.push(row(`weight bits in ${m}`, sd.weightBits[m], dense.weightBits[m]));
  rows.push(row('weight bits, total', sd.weightBitsTotal, dense.weightBitsTotal));
  for (const sc of SCENARIOS) rows.push(row(`off-chip bytes per image (${sc})`, sd.offChipBytes[sc], dense.offChipBytes[sc]));
  const accessMemories = [...new Set([...Object.keys(sd.accesses), ...Object.keys(dense.accesses)])];
  for (const m of accessMemories) {
    rows.push(row(`${m} reads per image`, sd.accesses[m]?.reads, dense.accesses[m]?.reads));
    rows.push(row(`${m} writes per image`, sd.accesses[m]?.writes, dense.accesses[m]?.writes));
  }
  rows.push(row(`cycles per image (Verilator, ${sd.rtl.images} / ${dense.rtl.images} images)`, sd.cyclesPerImage, dense.cyclesPerImage));
  for (const sc of SCENARIOS) rows.push(row(`modelled energy per image (${sc})`, energyTotal(sd, sc), energyTotal(dense, sc), nj));
  rows.push([`accuracy, integer inference (${num(sd.testImages)} test images)`, pct(sd.intAccuracy), pct(dense.intAccuracy), points(sd.intAccuracy, dense.intAccuracy)]);
  rows.push([`accuracy on the RTL (first ${sd.rtl.images} / ${dense.rtl.images} images)`, pct(sd.rtl.accuracy), pct(dense.rtl.accuracy), points(sd.rtl.accuracy, dense.rtl.accuracy)]);
  const exact = (s: EngineSide) => (s.rtl.bitExact ? 'bit-exact on every image' : `${s.rtl.imagesWithMismatch} images differ`);
  rows.push(['RTL against golden model + runInt', exact(sd), exact(dense), '']);
  if (sd.fpga || dense.fpga) {
    for (const [label, key] of [['FPGA LUT4', 'lut4'], ['FPGA EBR', 'ebr'], ['FPGA DSP', 'dsp']] as const) rows.push(row(label, sd.fpga?.[key], dense.fpga?.[key]));
    rows.push(row('FPGA Fmax (MHz)', sd.fpga?.fmaxMHz, dense.fpga?.fmaxMHz, (v) => num(v, 1)));
  }
  return rows;
}

function energyBlocks(c: CompareResult): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Energy breakdown per image' }];
  const withEnergy = c.datasets.filter((d) => d.sd.energy && d.dense.energy);
  if (withEnergy.length === 0) return [...blocks, { kind: 'paragraph', text: `not available: ${c.energyNote}` }];
  for (const d of withEnergy) {
    const columns: { label: string; e: EngineSide['energy'] & object; sc: Scenario }[] = [];
    for (const sc of SCENARIOS) columns.push({ label: `SD, ${sc}`, e: d.sd.energy!, sc }, { label: `dense, ${sc}`, e: d.dense.energy!, sc });
    const partNames = [...new Set(columns.flatMap((col) => col.e[col.sc].parts.map((p) => p.name)))];
    const value = (col: (typeof columns)[number], name: string) => col.e[col.sc].parts.filter((p) => p.name === name).reduce((a, p) => a + p.pj, 0);
    // The bars stack groups of parts (off-chip, memories, MAC, ...): twenty thin slices would not read.
    const groupOf = (p: { name: string; group?: string }) => p.group ?? p.name;
    const groups = [...new Set(columns.flatMap((col) => col.e[col.sc].parts.map(groupOf)))];
    const groupValue = (col: (typeof columns)[number], g: string) => col.e[col.sc].parts.filter((p) => groupOf(p) === g).reduce((a, p) => a + p.pj, 0);
    blocks.push({
      kind: 'figure', name: `energy-${d.data}.svg`, caption: `${title(d.data)}: modelled energy per image by part, SD against dense, both scenarios`,
      svg: barChart({
        title: `${title(d.data)}: energy per image by part`, xLabel: 'engine, scenario', yLabel: 'energy per image (nJ)', stacked: true,
        categories: columns.map((col) => col.label.replace('weights-', 'w. ')),
        series: groups.map((g) => ({ name: g, values: columns.map((col) => groupValue(col, g) / 1000) })),
      }),
    });
    blocks.push({
      kind: 'table', head: ['part (pJ per image)', ...columns.map((col) => col.label)],
      rows: [...partNames.map((name) => [name, ...columns.map((col) => num(value(col, name), 0))]), ['total', ...columns.map((col) => num(col.e[col.sc].totalPj, 0))]],
    });
  }
  return blocks;
}

function areaBlocks(c: CompareResult): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'FPGA area and timing' }, { kind: 'paragraph', text: c.fpgaNote }];
  const rows: string[][] = [];
  const seen = new Set<string>();
  for (const d of c.datasets) {
    for (const s of [d.sd, d.dense]) {
      if (!s.fpga || seen.has(s.config)) continue;
      seen.add(s.config);
      const f = s.fpga;
      rows.push([s.config, `${f.board} (${f.device})`, f.source, num(f.lut4), num(f.ff), num(f.ebr), num(f.spram), num(f.dsp), f.fmaxMHz !== undefined ? num(f.fmaxMHz, 1) : '-', f.status === 'ok' ? 'ok' : `${f.status}: ${f.failures.join('; ')}`]);
    }
  }
  if (rows.length === 0) return [...blocks, { kind: 'paragraph', text: 'not run.' }];
  return [...blocks, { kind: 'table', head: ['configuration', 'board', 'numbers from', 'LUT4', 'FF', 'EBR', 'SPRAM', 'DSP', 'Fmax (MHz)', 'result'], rows }];
}

// ---- sweeps ------------------------------------------------------------------------------------

function sweepBlocks(sweeps: SweepSet[] | null): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Pareto front: accuracy against energy' }];
  if (sweeps === null) {
    return [...blocks, { kind: 'paragraph', text: 'not run (no build/bench/sweeps/*.json).' }, { kind: 'heading', level: 2, text: 'PE array and Ce exponent sweeps' }, { kind: 'paragraph', text: 'not run.' }];
  }
  blocks.push({ kind: 'paragraph', text: `Points from the sweeps (bench/sweeps.ts, docs/sweeps.md): ${sweeps.map((s) => `${s.name} (${s.points.length} points, ${s.file})`).join(', ')}. Energy is the modelled energy per image with the weights resident.` });
  const tradeOffs = sweeps.flatMap((s) => s.points.filter((p) => p.accuracy !== undefined && p.energyPj !== undefined)
    .map((p) => ({ sweep: s.name, label: p.label, accuracy: p.accuracy!, energy: p.energyPj! })));
  if (tradeOffs.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'not run (no sweep point has both accuracy and energy).' });
  } else {
    const front = paretoFront(tradeOffs);
    const toPlot = (ps: typeof tradeOffs): [number, number][] => ps.map((p) => [p.energy / 1000, 100 * p.accuracy]);
    blocks.push({
      kind: 'figure', name: 'pareto.svg', caption: 'accuracy against modelled energy per image; the line joins the Pareto front',
      svg: lineChart({
        title: 'Accuracy against energy (sweep points)', xLabel: 'modelled energy per image, weights resident (nJ)', yLabel: 'integer accuracy (%)',
        series: [
          ...sweeps.map((s) => ({ name: s.name, line: false, points: toPlot(tradeOffs.filter((p) => p.sweep === s.name)) })).filter((s) => s.points.length > 0),
          { name: 'Pareto front', points: toPlot(front) },
        ],
      }),
    });
    blocks.push({ kind: 'table', head: ['Pareto point', 'sweep', 'energy per image', 'accuracy'], rows: front.map((p) => [p.label, p.sweep, nj(p.energy), pct(p.accuracy)]) });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'PE array and Ce exponent sweeps' });
  const metrics = [['cycles', 'cycles per image', 1], ['lut4', 'LUT4', 1], ['energyPj', 'energy per image, weights resident (nJ)', 1000]] as const;
  let plotted = 0;
  for (const s of sweeps) {
    for (const [key, label, scale] of metrics) {
      const pts = s.points.filter((p) => p[key] !== undefined);
      if (pts.length < 2) continue;
      plotted++;
      blocks.push({
        kind: 'figure', name: `sweep-${slug(s.name)}-${slug(key)}.svg`, caption: `${s.name}: ${label}`,
        svg: barChart({ title: `${s.name}: ${label}`, xLabel: 'sweep point', yLabel: label, categories: pts.map((p) => p.label), series: [{ name: label, values: pts.map((p) => p[key]! / scale) }] }),
      });
    }
  }
  if (plotted === 0) blocks.push({ kind: 'paragraph', text: 'not run (no sweep point has cycles, LUT4 or energy).' });
  return blocks;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// ---- tool benchmarks ---------------------------------------------------------------------------

type Json = Record<string, unknown>;
const field = (data: unknown, key: string): number | undefined => {
  const v = (data as Json | undefined)?.[key];
  return typeof v === 'number' ? v : undefined;
};

/** The tool numbers other benches print (their JSON lines), one row each, plus every bench's status. */
export function toolRows(input: ReportInput): string[][] {
  const data = (name: string) => input.benches.find((b) => b.name === name && b.ok)?.data;
  const rows: string[][] = [];
  const dsl = data('dsl-elaborate');
  if (dsl) rows.push(['generator: elaborate + check + emit', `${num(field(dsl, 'median_ms'), 1)} ms for ${num(field(dsl, 'cells'))} IR cells (median)`, 'dsl-elaborate']);
  const h = data('harness-speed');
  if (h) {
    rows.push(['Verilator build, cold (empty cache)', `${num(field(h, 'coldBuildS'), 2)} s`, 'harness-speed']);
    const warm = field(h, 'warmBuildS');
    rows.push(['Verilator build, warm (cache hit)', warm === undefined ? '-' : `${num(warm * 1000, 1)} ms`, 'harness-speed']);
    rows.push(['simulated cycles/s: pure C++ / sync from JS / batched', `${num(field(h, 'cppCyclesPerS'))} / ${num(field(h, 'syncCheckedCyclesPerS'))} / ${num(field(h, 'batchedCyclesPerS'))}`, 'harness-speed']);
  }
  const em = data('engine-mnist') as Json | undefined;
  const emSd = em?.sd as Json | undefined;
  if (emSd) rows.push(['engine on Verilator, checked against golden (SD, MNIST)', `${num(field(emSd, 'imagesPerSecond'), 1)} images/s`, 'engine-mnist']);
  const tt = data('train-throughput');
  if (tt) rows.push(['training images/s: ours against @tensorflow/tfjs (CPU)', `${num(field(tt, 'oursImagesPerSec'))} against ${num(field(tt, 'tfjsImagesPerSec'), 1)} (${num(field(tt, 'speedup'), 1)}x)`, 'train-throughput']);
  return rows;
}

function toolBlocks(input: ReportInput): Block[] {
  const rows = toolRows(input);
  return [
    { kind: 'heading', level: 2, text: 'Tool benchmarks' },
    rows.length > 0 ? { kind: 'table', head: ['measure', 'value', 'bench'], rows } : { kind: 'paragraph', text: 'not run.' },
    { kind: 'heading', level: 3, text: 'Runs' },
    { kind: 'table', head: ['bench', 'what', 'status', 'wall'], rows: input.benches.map((b) => [b.name, b.what, b.ok ? 'ok' : 'FAILED', `${b.seconds.toFixed(1)} s`]) },
  ];
}
