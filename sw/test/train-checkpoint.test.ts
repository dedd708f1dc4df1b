import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { decodeContainer } from '../checkpoint/format.js';
import { buildNetwork, exportFloatModel } from '../nn/network.js';
import { presetSpec } from '../nn/presets.js';
import { decomposeLayer } from '../sd/decompose.js';
import { runTrain } from '../train/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sd-ckpt-'));

function sampleCheckpoint(): Checkpoint {
  const model = exportFloatModel(buildNetwork(presetSpec('mnist-tiny'), new Rng(3), { batchNorm: true }));
  const layers = Object.fromEntries(Object.entries(model.params).map(([name, p]) => {
    const l = model.spec.layers.find((x) => 'name' in x && x.name === name)!;
    const shape = l.kind === 'conv' ? [l.outChannels, l.inChannels, 3, 3] : l.kind === 'linear' ? [l.outFeatures, l.inFeatures] : [];
    return [name, decomposeLayer(name, p.weight, shape, { iterations: 3, blockRows: 5, groupSize: 3, pruneFraction: l.kind === 'conv' ? 0.3 : 0 })!];
  }));
  return { model, sd: { model, layers }, meta: { data: 'mnist', note: 'test' } };
}

describe('checkpoint file', () => {
  it('round-trips the float model, the SD layers and the metadata exactly', () => {
    const ckpt = sampleCheckpoint();
    const path = join(dir, 'a.ckpt');
    saveCheckpoint(path, ckpt);
    const back = loadCheckpoint(path);
    expect(back.meta).toEqual(ckpt.meta);
    expect(back.model.spec).toEqual(ckpt.model.spec);
    let compared = 0;
    for (const [name, p] of Object.entries(ckpt.model.params)) {
      expect([...back.model.params[name]!.weight]).toEqual([...p.weight]);
      expect([...back.model.params[name]!.bias]).toEqual([...p.bias]);
      compared += p.weight.length + p.bias.length;
    }
    for (const [name, l] of Object.entries(ckpt.sd!.layers)) {
      const m = back.sd!.layers[name]!;
      expect(m.layout).toEqual(l.layout);
      expect(m.groupPruned.map((g) => [...g])).toEqual(l.groupPruned.map((g) => [...g]));
      expect([m.groupSize, m.expBits]).toEqual([l.groupSize, l.expBits]);
      l.blocks.forEach((ob, o) => ob.forEach((blk, b) => {
        const got = m.blocks[o]![b]!;
        expect([got.rows, got.expBase]).toEqual([blk.rows, blk.expBase]);
        expect([...got.ce]).toEqual([...blk.ce]);
        expect([...got.b]).toEqual([...blk.b]);
        expect([...got.rowMask]).toEqual([...blk.rowMask]);
        compared += blk.ce.length + blk.b.length;
      }));
    }
    console.log(`compared ${compared} tensor values and all headers after a save/load round trip`);
  });

  it('rejects a corrupted file with the file name and what is wrong', () => {
    const path = join(dir, 'b.ckpt');
    saveCheckpoint(path, sampleCheckpoint());
    const good = readFileSync(path);
    const cases: [string, Uint8Array, string][] = [
      ['bad magic', Uint8Array.from(good, (v, i) => (i === 0 ? 0x58 : v)), 'expected magic "SDCKPT01"'],
      ['truncated data', good.subarray(0, good.length - 100), 'runs past the end of the file'],
      ['truncated header', good.subarray(0, 40), 'header of'],
      ['tiny', good.subarray(0, 5), 'at least 12 bytes'],
    ];
    for (const [what, bytes, message] of cases) {
      const p = join(dir, `bad-${what.replace(' ', '-')}.ckpt`);
      writeFileSync(p, bytes);
      expect(() => loadCheckpoint(p), what).toThrow(message);
      expect(() => loadCheckpoint(p), what).toThrow(p);
    }
    expect(() => loadCheckpoint(join(dir, 'missing.ckpt'))).toThrow('ENOENT');
    expect(() => decodeContainer(new TextEncoder().encode('SDCKPT01\u0003\u0000\u0000\u0000{x}'), 'mem')).toThrow('header is not JSON');
    console.log(`compared ${cases.length + 2} corrupted checkpoints with the expected messages`);
  });
});

describe('train and eval commands', () => {
  it('train writes a checkpoint whose SD layers rebuild the SD model it reports', () => {
    const out = join(dir, 'cli.ckpt');
    const ckpt = runTrain({
      data: 'mnist', model: 'mnist-tiny', epochs: '1', batch: '32', lr: '0.05', optimizer: 'sgd', schedule: 'step',
      momentum: '0.9', weightDecay: '0', seed: '5', bn: true, compressLoss: '0.001', trainLimit: '300', testLimit: '100', out,
      sd: true, sdEpochs: '1', sdLr: '0.01', sdUpdate: 'ste', sdBar: '4', sdInt8Acts: false, prune: '0', sdCompressLoss: '0.001',
    });
    const back = loadCheckpoint(out);
    expect(Object.keys(back.sd!.layers)).toEqual(['conv1', 'conv2', 'fc']);
    expect([...back.sd!.model.params.fc!.weight]).toEqual([...ckpt.sd!.model.params.fc!.weight]);
    expect(() => runTrain({ ...({} as Parameters<typeof runTrain>[0]), data: 'cifar' })).toThrow("--data: expected one of mnist, fashion, found 'cifar'");
    console.log('compared a CLI-trained checkpoint reloaded from disk and a bad --data message');
  });

  it('train with pruned float fine-tuning stores no pruned fc row, and refuses unknown prune layers before training', () => {
    const base = {
      data: 'mnist', model: 'mnist-tiny', epochs: '1', batch: '32', lr: '0.003', optimizer: 'adam', schedule: 'cosine',
      momentum: '0.9', weightDecay: '0', seed: '6', bn: true, compressLoss: '0', trainLimit: '300', testLimit: '100', out: join(dir, 'pruned.ckpt'),
      sd: true, sdEpochs: '1', sdLr: '0.002', sdUpdate: 'ste', sdBar: '4', sdInt8Acts: false, prune: '0', sdCompressLoss: '0',
      shift: '1', sdShift: '1', pruneLayer: ['conv2=0.25', 'fc=0.5'], pruneOutput: ['fc=0.7'], pruneEpochs: '1', blockRows: '264',
    };
    const ckpt = runTrain(base);
    const fc = ckpt.sd!.layers.fc!, R = fc.layout.rowsPerOutput;
    expect(fc.layout.blockSizes).toEqual([R]); // one block per output with --block-rows 264
    const stored = fc.blocks.map((bs) => bs[0]!.rowMask.reduce((a, v) => a + v, 0));
    for (const n of stored) expect(n).toBeLessThanOrEqual(R - Math.floor(0.7 * R));
    expect(() => runTrain({ ...base, trainLimit: undefined, pruneLayer: ['fc2=0.5'] })).toThrow('--prune-layer: model mnist-tiny has no conv/linear layer "fc2"');
    expect(() => runTrain({ ...base, pruneOutput: ['fc=1'] })).toThrow('--prune-output fc: expected a fraction below 1, found 1');
    console.log(`compared stored fc rows per output (${stored.join(', ')}) with at most ${R - Math.floor(0.7 * R)} of ${R} (seed 6) and 2 refused options`);
  });
});
