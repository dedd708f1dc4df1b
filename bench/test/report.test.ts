import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportDocument, sideBySideRows, toolRows, type Block } from '../report/document.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { sweepSetOf } from '../report/sweeps.js';
import { writeReport } from '../report/write.js';
import { FIXTURE_COMPARE, FIXTURE_INPUT } from './report-fixture.js';
import { checkXml } from './svg-check.js';

const tables = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');
const figures = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { kind: 'figure' }> => b.kind === 'figure');
const dir = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report from a fixed results object', () => {
  const blocks = reportDocument(FIXTURE_INPUT);

  it('has the side-by-side rows with hand-computed values and SD/dense ratios', () => {
    const rows = sideBySideRows(FIXTURE_COMPARE.datasets[0]!);
    const byLabel = new Map(rows.map((r) => [r[0], r.slice(1)]));
    // 12,624 + 5,440 + 2,584 = 20,648 against 85,248: 0.2422.
    expect(byLabel.get('weight bits, total')).toEqual(['20,648', '85,248', '0.24x']);
    expect(byLabel.get('weight bits in CE')).toEqual(['12,624', '-', '-']);
    expect(byLabel.get('weight bits in W')).toEqual(['-', '85,248', '-']);
    // Streamed off-chip bytes: 824 + bits / 8 = 824 + 2,581 and 824 + 10,656.
    expect(byLabel.get('off-chip bytes per image (weights-streamed)')).toEqual(['3,405', '11,480', '0.30x']);
    expect(byLabel.get('cycles per image (Verilator, 50 / 50 images)')).toEqual(['37,341', '47,325', '0.79x']);
    expect(byLabel.get('modelled energy per image (weights-resident)')).toEqual(['1 nJ', '2.5 nJ', '0.40x']);
    expect(byLabel.get('modelled energy per image (weights-streamed)')).toEqual(['3 nJ', '12 nJ', '0.25x']);
    expect(byLabel.get('accuracy, integer inference (10,000 test images)')).toEqual(['98.81 %', '99.20 %', '-0.39 points']);
    expect(byLabel.get('FPGA LUT4')).toEqual(['15,276', '13,303', '1.15x']);
    console.log(`compared ${rows.length} side-by-side rows against hand-computed values`);
  });

  it('puts the headline, the energy breakdown, the Pareto front and the tool numbers in tables', () => {
    const all = tables(blocks).flatMap((t) => t.rows);
    // dense / SD: 2,500 / 1,000 pJ, 12,000 / 3,000 pJ, 85,248 / 20,648 bits, 47,325 / 37,341 cycles.
    expect(all).toContainEqual(['MNIST', '2.50x', '4.00x', '4.13x', '1.27x', '-0.39 points']);
    // Parts in pJ per image; columns SD resident, dense resident, SD streamed, dense streamed.
    expect(all).toContainEqual(['DRAM image in', '100', '100', '2,100', '9,600']);
    expect(all).toContainEqual(['total', '1,000', '2,500', '3,000', '12,000']);
    // prune=0.5 (2,500 pJ, 97 %) is beaten by prune=0.3 (2,000 pJ, 98.5 %).
    expect(all).toContainEqual(['prune=0.3', 'prune', '2 nJ', '98.50 %']);
    expect(all).toContainEqual(['prune=0', 'prune', '3 nJ', '99.00 %']);
    expect(all.some((r) => r[0] === 'prune=0.5')).toBe(false);
    expect(toolRows(FIXTURE_INPUT)).toContainEqual(['generator: elaborate + check + emit', '412.5 ms for 12,000 IR cells (median)', 'dsl-elaborate']);
    expect(toolRows(FIXTURE_INPUT)).toContainEqual(['Verilator build, warm (cache hit)', '12.0 ms', 'harness-speed']);
    expect(toolRows(FIXTURE_INPUT)).toContainEqual(['training images/s: ours against @tensorflow/tfjs (CPU)', '924 against 15.6 (59.2x)', 'train-throughput']);
    console.log(`compared ${all.length} table rows of the report`);
  });

  it('draws well-formed SVG with axes, axis labels with units, and bars in proportion to the energy', () => {
    const figs = figures(blocks);
    expect(figs.map((f) => f.name)).toEqual(expect.arrayContaining(['energy-mnist.svg', 'pareto.svg', 'sweep-prune-cycles.svg', 'sweep-prune-energypj.svg']));
    for (const f of figs) {
      const { problems, elements } = checkXml(f.svg);
      expect(problems, f.name).toEqual([]);
      expect(elements[0]).toBe('svg');
      expect(elements.filter((e) => e === 'line').length, `${f.name}: axes`).toBeGreaterThanOrEqual(2);
      expect(f.svg, `${f.name}: a unit in an axis label`).toMatch(/\((nJ|%)\)|cycles per image|LUT4/);
    }
    // Stacked bar heights per category: their ratio must equal the energy ratio (1,000 / 2,500 pJ).
    const energy = figs.find((f) => f.name === 'energy-mnist.svg')!.svg;
    const heights = new Map<string, number>();
    for (const m of energy.matchAll(/height="([\d.]+)"[^>]*><title>([^:]+):/g)) heights.set(m[2]!, (heights.get(m[2]!) ?? 0) + Number(m[1]));
    expect(heights.get('SD, w. resident')! / heights.get('dense, w. resident')!).toBeCloseTo(0.4, 2);
    expect(heights.get('SD, w. streamed')! / heights.get('dense, w. streamed')!).toBeCloseTo(0.25, 2);
    console.log(`compared ${figs.length} SVG plots (well-formed, axes, units) and ${heights.size} bar heights`);
  });

  it('renders the same rows in Markdown and in self-contained HTML, and writes both files', () => {
    const md = renderMarkdown(blocks, 'report-plots');
    const html = renderHtml(blocks);
    expect(md).toContain('| weight bits, total | 20,648 | 85,248 | 0.24x |');
    expect(md).toContain('![MNIST: modelled energy per image by part, SD against dense, both scenarios](report-plots/energy-mnist.svg)');
    expect(md).toContain('- machine: 2 x Test CPU, 8 GiB, Node v20');
    expect(html).toContain('<tr><td>weight bits, total</td><td>20,648</td><td>85,248</td><td>0.24x</td></tr>');
    expect(html).not.toMatch(/<(link|script|img)\b|src=|href=/);
    expect(checkXml(html.replace('<!DOCTYPE html>', '').replace('<meta charset="utf-8">', '')).problems).toEqual([]);
    const written = writeReport(FIXTURE_INPUT, dir);
    expect(readFileSync(written.markdown, 'utf8')).toBe(md);
    expect(readFileSync(written.html, 'utf8')).toBe(html);
    expect(readdirSync(join(dir, 'report-plots')).sort()).toEqual(figures(blocks).map((f) => f.name).sort());
    console.log(`compared Markdown (${md.length} chars) and HTML (${html.length} chars) renderings and ${written.plots.length} written plots`);
  });

  it('says "not run" when there are no sweeps and no comparison', () => {
    const empty = reportDocument({ ...FIXTURE_INPUT, compare: null, sweeps: null });
    const text = empty.filter((b) => b.kind === 'paragraph').map((b) => (b as { text: string }).text);
    expect(text).toContain('not run (no build/bench/sweeps/*.json).');
    expect(text).toContain('not run (bench/compare.ts produced no result).');
    expect(figures(empty)).toEqual([]);
    console.log('compared the not-run paragraphs of an empty report');
  });
});

describe('sweep summaries', () => {
  it('reads accuracy, energy, cycles and area from point results and skips failed points', () => {
    const set = sweepSetOf('shape', 'x.json', {
      sweep: 'pe-shape',
      points: [
        { params: { peRows: 4, peCols: 2 }, status: 'ok', result: { cyclesPerImage: 40_000, area: { lut4: 6000, ebr: 28 }, energy: { 'weights-resident': { totalPj: 5e5 } } } },
        { params: { peRows: 8, peCols: 2 }, status: 'error', error: 'does not fit' },
        { params: { conv2Prune: 0.3 }, status: 'ok', result: { intAccuracy: 0.98 } },
      ],
    });
    expect(set.name).toBe('pe-shape');
    expect(set.points).toEqual([
      { label: 'peRows=4, peCols=2', params: { peRows: 4, peCols: 2 }, cycles: 40_000, lut4: 6000, ebr: 28, energyPj: 5e5 },
      { label: 'conv2Prune=0.3', params: { conv2Prune: 0.3 }, accuracy: 0.98 },
    ]);
    console.log(`compared ${set.points.length} normalised sweep points`);
  });
});
