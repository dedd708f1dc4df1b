import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { writeNpy } from '../npy/npy.js';
import { reconstructLayer } from '../sd/blocks.js';
import { registerDecompose } from '../sd/cli.js';
import { decomposeLayer } from '../sd/decompose.js';
import type { DecomposeReport } from '../sd/report.js';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import type { FloatModel } from '../model/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'sd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<void> {
  const program = new Command('smartdeal').exitOverride();
  registerDecompose(program);
  await program.parseAsync(['node', 'smartdeal', 'decompose', ...args]);
}

describe('smartdeal decompose', () => {
  it('writes a per-tensor report that matches a direct decomposition', async () => {
    const rng = new Rng(8);
    const conv = Float32Array.from({ length: 8 * 4 * 9 }, () => rng.normal() * 0.2);
    const lin = Float32Array.from({ length: 10 * 20 }, () => rng.normal() * 0.05);
    const big = Float32Array.from({ length: 2 * 2 * 25 }, () => rng.normal());
    writeNpy(join(dir, 'conv1.npy'), [8, 4, 3, 3], conv);
    writeNpy(join(dir, 'fc.npy'), [10, 20], lin, { dtype: '<f8' });
    writeNpy(join(dir, 'k5.npy'), [2, 2, 5, 5], big);
    const out = join(dir, 'report.json');
    await run(['--weights', join(dir, 'conv1.npy'), '--weights', join(dir, 'fc.npy'), '--weights', join(dir, 'k5.npy'),
      '--report', out, '--prune', '0.5', '--group-size', '4', '--block-rows', '6', '--threshold', '0.03']);
    const report = JSON.parse(readFileSync(out, 'utf8')) as DecomposeReport;
    expect(report.tensors.map((t) => [t.name, t.kind, t.pruneFraction])).toEqual([['conv1', 'conv3x3', 0.5], ['fc', 'rows', 0], ['k5', 'dense', 0]]);
    // second path: the library called directly with the same options
    const direct = decomposeLayer('conv1', conv, [8, 4, 3, 3], { groupSize: 4, blockRows: 6, threshold: 0.03, pruneFraction: 0.5 })!;
    const rebuilt = reconstructLayer(direct);
    let num = 0;
    let den = 0;
    for (let i = 0; i < conv.length; i++) { num += (conv[i]! - rebuilt[i]!) ** 2; den += conv[i]! ** 2; }
    const c = report.tensors[0]!;
    expect(c.quality!.relError).toBeCloseTo(Math.sqrt(num / den), 9);
    expect(c.quality!.prunedRowFraction).toBe(6 / 12);
    expect(c.storage.denseInt8Bits).toBe(8 * 4 * 9 * 8);
    expect(c.storage.ratio).toBeCloseTo(c.storage.denseInt8Bits / c.storage.totalBits, 12);
    expect(report.tensors[2]!.storage.ratio).toBe(1);
    expect(report.total.denseInt8Bits).toBe((288 + 200 + 100) * 8);
    console.log(`compared report of 3 tensors against direct decomposition: conv rel.err ${c.quality!.relError.toFixed(4)}, total ratio ${report.total.ratio.toFixed(2)}x`);
  });

  it('decomposes every conv/linear weight of a checkpoint with --ckpt', async () => {
    const rng = new Rng(19);
    const w = (n: number) => Float32Array.from({ length: n }, () => rng.normal() * 0.1);
    const model: FloatModel = {
      spec: {
        inputShape: [1, 28, 28], classes: 10,
        layers: [
          { kind: 'conv', name: 'c1', inChannels: 1, outChannels: 4, kernel: 3, stride: 1, padding: 1 }, { kind: 'relu' }, { kind: 'maxpool2' },
          { kind: 'conv', name: 'c2', inChannels: 4, outChannels: 8, kernel: 3, stride: 1, padding: 1 }, { kind: 'relu' }, { kind: 'maxpool2' },
          { kind: 'flatten' }, { kind: 'linear', name: 'fc', inFeatures: 8 * 49, outFeatures: 10 },
        ],
      },
      params: { c1: { weight: w(36), bias: w(4) }, c2: { weight: w(288), bias: w(8) }, fc: { weight: w(3920), bias: w(10) } },
    };
    const ckpt = join(dir, 'm.ckpt');
    saveCheckpoint(ckpt, { model, meta: {} });
    const out = join(dir, 'ckpt-report.json');
    await run(['--ckpt', ckpt, '--report', out, '--prune', '0.5', '--group-size', '4']);
    const report = JSON.parse(readFileSync(out, 'utf8')) as DecomposeReport;
    // --prune skips c1 (one input channel) and the linear layer
    expect(report.tensors.map((t) => [t.name, t.shape, t.pruneFraction])).toEqual([['c1', [4, 1, 3, 3], 0], ['c2', [8, 4, 3, 3], 0.5], ['fc', [10, 392], 0]]);
    expect(report.tensors[0]!.source).toBe(`${ckpt}:c1`);
  });

  it('reports user mistakes clearly', async () => {
    writeNpy(join(dir, 'bias.npy'), [7], new Float32Array(7));
    const out = join(dir, 'r.json');
    await expect(run(['--weights', join(dir, 'bias.npy'), '--report', out])).rejects.toThrow(/bias\.npy: expected a 2-D linear weight .* found shape \(7\)/);
    await expect(run(['--weights', join(dir, 'fc.npy'), '--report', out, '--threshold', 'abc'])).rejects.toThrow(/--threshold: expected a number, got 'abc'/);
    await expect(run(['--weights', join(dir, 'fc.npy'), '--report', out, '--exp-bits', '2.5'])).rejects.toThrow(/exponent bits must be a positive integer/);
    await expect(run(['--weights', join(dir, 'fc.npy'), '--report', out, '--prune-layer', 'nope=0.3'])).rejects.toThrow(/no weight tensor named 'nope'/);
    await expect(run(['--weights', join(dir, 'missing.npy'), '--report', out])).rejects.toThrow(/missing\.npy: cannot read/);
  });
});
