import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { parseConfig, type EngineConfig, type LoadedConfig } from '../engine/config.js';
import { decodeDescriptor, descriptorLayout, encodeDescriptor, type Descriptor } from '../engine/descriptor.js';
import { fieldRange, packWord, unpackWord } from '../engine/fields.js';
import { memoryMap } from '../engine/memory-map.js';
import { packModel } from '../engine/pack.js';
import { parseReadmemh, writePackedImages, type Manifest } from '../engine/images.js';
import { inputActImage } from '../engine/act-alloc.js';
import { randomImages, randomIntModel, specOf } from '../engine/random-model.js';
import { isMacLayer } from '../quant/int-model.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

function config(over: Partial<EngineConfig>, source = 'configs/x.json'): LoadedConfig {
  return parseConfig({ ...defaultJson, ...over }, source);
}

const SPEC = specOf([1, 10, 10], 3, [
  { kind: 'conv', name: 'conv1', inChannels: 1, outChannels: 4, kernel: 3, stride: 1, padding: 1 },
  { kind: 'relu' }, { kind: 'maxpool2' },
  { kind: 'conv', name: 'conv2', inChannels: 4, outChannels: 10, kernel: 3, stride: 1, padding: 1 },
  { kind: 'relu' }, { kind: 'flatten' },
  { kind: 'linear', name: 'fc', inFeatures: 250, outFeatures: 3 },
]);

/** Random configurations drawn inside the schema's ranges. */
function randomConfigs(rng: Rng, n: number): EngineConfig[] {
  return Array.from({ length: n }, (_, i) => config({
    mode: i % 2 ? 'dense' : 'sd', peRows: rng.int(1, 32), peCols: 2 ** rng.int(0, 4), ceExpBits: rng.int(1, 4), rebuildShiftBits: rng.int(1, 5),
    blockIndexBits: rng.int(1, 8), accBits: rng.int(16, 32), multiplierBits: rng.int(8, 22), actDepth: 2 ** rng.int(4, 16),
    ceDepth: rng.int(1, 5000), idxDepth: rng.int(1, 5000), bDepth: rng.int(1, 5000), biasDepth: rng.int(1, 5000), quantDepth: rng.int(1, 5000), descDepth: rng.int(1, 5000),
  }).config);
}

describe('memory map and descriptor', () => {
  it('packs and unpacks every word format of every memory, fields disjoint and inside the word', () => {
    const rng = new Rng(5);
    let words = 0;
    for (const c of randomConfigs(rng, 20)) {
      for (const m of memoryMap(c).memories) {
        for (const layout of Object.values(m.formats)) {
          const used = new Set<number>();
          for (const f of layout.fields) {
            for (let b = f.offset; b < f.offset + f.width * f.count; b++) {
              expect(used.has(b), `${layout.name}.${f.name} overlaps`).toBe(false);
              used.add(b);
            }
            expect(f.offset + f.width * f.count).toBeLessThanOrEqual(m.width);
          }
          for (let k = 0; k < 5; k++) {
            const values = Object.fromEntries(layout.fields.map((f) => {
              const { lo, hi } = fieldRange(f);
              const pick = (): number => (k === 0 ? lo : k === 1 ? hi : lo + Math.floor(rng.next() * (hi - lo + 1)));
              return [f.name, f.count === 1 ? pick() : Array.from({ length: f.count }, pick)];
            }));
            const w = packWord(layout, values);
            expect(w >= 0n && w < 1n << BigInt(m.width)).toBe(true);
            expect(unpackWord(layout, w)).toEqual(values);
            words++;
          }
        }
      }
    }
    console.log(`compared ${words} packed/unpacked words of 20 random configurations`);
  });

  it('derives widths from the configuration (hand-checked for default.json)', () => {
    const map = memoryMap(config({}).config);
    const width = Object.fromEntries(map.memories.map((m) => [m.name, m.width]));
    // CE: 4 lanes x 3 codes x (1 + 3) bits; B: 9 x 8 + 4; IDX: 15 (16384 bytes) + 2 + 3; QUANT: 16 + 6
    expect(width).toEqual({ DESC: 32, CE: 48, IDX: 20, B: 76, BIAS: 32, QUANT: 22, ACT: 8, LOGITS: 32 });
    const ce = map.memories.find((m) => m.name === 'CE')!.word;
    // lane 0 codes 1, 0xa, 0xf; lane 3 code 2 = 0b0111 -> bits 44..47
    const w = packWord(ce, { code: [1, 0xa, 0xf, 0, 0, 0, 0, 0, 0, 0, 0, 7] });
    expect(w.toString(16)).toBe('700000000fa1');
    const desc = descriptorLayout(config({}).config);
    expect(desc.words).toBe(8);
    for (const f of desc.layout.fields) expect(Math.floor(f.offset / 32)).toBe(Math.floor((f.offset + f.width - 1) / 32));
    console.log('compared 8 memory widths, one CE word and descriptor alignment by hand');
  });

  it('encodes and decodes descriptors of random configurations', () => {
    const rng = new Rng(6);
    let n = 0;
    for (const c of randomConfigs(rng, 20)) {
      const dl = descriptorLayout(c);
      const f = (name: string): number => {
        const field = dl.layout.fields.find((x) => x.name === name);
        if (!field) return 0;
        const { lo, hi } = fieldRange(field);
        return lo + Math.floor(rng.next() * (hi - lo + 1));
      };
      const d: Descriptor = {
        kind: (['conv3', 'conv1', 'linear', 'maxpool2'] as const)[rng.int(0, 3)]!, final: rng.next() < 0.5,
        stride: f('stride'), padding: f('padding'), C: f('C'), H: f('H'), W: f('W'), O: f('O'), outH: f('outH'), outW: f('outW'),
        rows: f('rows'), groupSize: f('groupSize'), blocksPerOutput: f('blocksPerOutput'), actIn: f('actIn'), actOut: f('actOut'),
        weightBase: f('weightBase'), idxBase: f('idxBase'), bBase: f('bBase'), chanBase: f('chanBase'), zIn: f('zIn'), zOut: f('zOut'), clampLo: f('clampLo'),
      };
      const words = encodeDescriptor(d, dl);
      expect(words.length).toBe(dl.words);
      for (const w of words) expect(w < 1n << 32n).toBe(true);
      expect(decodeDescriptor(words, dl)).toEqual(d);
      n++;
    }
    console.log(`compared ${n} descriptor round trips`);
  });
});

describe('packer', () => {
  const model = randomIntModel(new Rng(7), { spec: SPEC, sd: true, groupSize: 4, blockRows: 12, pruneFraction: 0.25 });

  it('stores the model: CE codes, IDX rows, B and BIAS words decode back to the IntModel', () => {
    const p = packModel(model, config({}), 'm');
    const map = p.map;
    const mem = (name: string) => map.memories.find((m) => m.name === name)!;
    let checked = 0;
    for (const pl of p.layers) {
      const l = model.layers[pl.modelIndex]!;
      if (!isMacLayer(l)) continue;
      const sd = l.sd!;
      const d = pl.descriptor;
      // every stored (output, row, k) code appears in the CE word of its tile and kept row
      const idx = p.images.IDX![0]!;
      let at = d.idxBase;
      let ce = d.weightBase;
      const G = d.groupSize;
      for (let g0 = 0; g0 < d.O; g0 += G) {
        const count = unpackWord(mem('IDX').formats.count!, idx[at]!).count as number;
        const rows = Array.from({ length: count }, (_, i) => unpackWord(mem('IDX').formats.entry!, idx[at + 1 + i]!));
        at += 1 + count;
        for (let o0 = g0; o0 < Math.min(d.O, g0 + G); o0 += 4) {
          rows.forEach((e) => {
            const r = l.kind === 'conv' && l.kernel === 3 ? (e.c as number) * 3 + (e.kh as number) : (e.c as number);
            const codes = unpackWord(mem('CE').word, p.images.CE![0]![ce++]!).code as number[];
            for (let lane = 0; lane < 4 && o0 + lane < Math.min(d.O, g0 + G); lane++) {
              const b = Math.floor(r / sd.layout.blockRows);
              expect(e.block).toBe(b);
              const blk = sd.blocks[o0 + lane]![b]!;
              const rr = r - b * sd.layout.blockRows;
              for (let k = 0; k < 3; k++) expect(codes[lane * 3 + k]).toBe(blk.rowMask[rr] ? blk.codes[rr * 3 + k] : 0);
              checked++;
            }
          });
        }
      }
      sd.blocks.forEach((ob, o) => ob.forEach((blk, b) => {
        expect(unpackWord(mem('B').word, p.images.B![0]![d.bBase + o * d.blocksPerOutput + b]!)).toEqual({ bq: blk.bq.map((v) => v + 0), shift: blk.shift }); // + 0: the quantizer may hold -0
      }));
      l.bias.forEach((v, o) => expect(unpackWord(mem('BIAS').word, p.images.BIAS![0]![d.chanBase + o]!).bias).toBe(v));
    }
    console.log(`compared ${checked} CE lanes, all B and BIAS words with the IntModel`);
  });

  it('refuses a model that does not fit, naming layer, memory, both sizes and the field', () => {
    const p = packModel(model, config({}), 'm');
    const ceConv2 = p.layers.find((l) => l.name === 'conv2')!.memory.CE!;
    const needed = ceConv2.start + ceConv2.words;
    expect(() => packModel(model, config({ ceDepth: needed - 1 }), 'm')).toThrow(`layer conv2: CE needs ${needed} words, memory holds ${needed - 1} (configs/x.json ceDepth)`);
    expect(() => packModel(model, config({ bDepth: 3 }), 'm')).toThrow('layer conv1: B needs 4 words, memory holds 3 (configs/x.json bDepth)');
    expect(() => packModel(model, config({ mode: 'dense', wDepth: 10 }), 'm')).toThrow(/^layer conv2: W needs \d+ words, memory holds 10 \(configs\/x\.json wDepth\)$/);
    expect(() => packModel(model, config({ descDepth: 20 }), 'm')).toThrow('layer conv2: DESC needs 24 words, memory holds 20 (configs/x.json descDepth)');
    // 1x10x10 input + conv1 output 4x10x10 = 100 + 400 bytes in two ping-pong regions
    expect(() => packModel(model, config({ actDepth: 128, peCols: 2 }), 'm')).toThrow('layer conv1: ACT needs 500 bytes (ping-pong regions 100 + 400), memory holds 256 (configs/x.json actDepth x peCols)');
    expect(() => packModel(model, config({ logitsDepth: 2 }), 'm')).toThrow('layer fc: LOGITS needs 3 words, memory holds 2 (configs/x.json logitsDepth)');
    expect(() => packModel(model, config({ layerKinds: ['conv3', 'linear'] }), 'm')).toThrow('layer maxpool2 (layer 1): kind maxpool2 is not in configs/x.json layerKinds [conv3, linear]');
    expect(() => packModel(model, config({ blockIndexBits: 1 }), 'm')).toThrow('layer fc: 7 blocks per output channel, IDX entries hold at most 2 (configs/x.json blockIndexBits)');
    expect(() => packModel(model, config({ accBits: 16 }), 'm')).toThrow(/^layer conv1: accumulator bound \d+ exceeds the 16-bit accumulator \(configs\/x\.json accBits\)$/);
    const dense = randomIntModel(new Rng(8), { spec: SPEC, sd: false });
    expect(() => packModel(dense, config({}), 'm')).toThrow('layer conv1: has no SD weights (dense int8), but configs/x.json has mode "sd" (quantize with --form post-sd, or use a dense configuration)');
    console.log('compared 10 refusal messages');
  });

  it('writes $readmemh files, image.bin and a manifest whose checksums match the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-pack-'));
    const p = packModel(model, config({}), 'm');
    const act = inputActImage(p.map, p.act, randomImages(new Rng(9), 1, 100)[0]!);
    const written = writePackedImages(p, dir, 'm.json', act);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toEqual(written);
    expect(manifest.configHash).toBe(config({}).hash);
    let files = 0;
    for (const [name, m] of Object.entries(manifest.memories)) {
      m.files.forEach((f, bank) => {
        const text = readFileSync(join(dir, f.file), 'utf8');
        expect(createHash('sha256').update(text).digest('hex')).toBe(f.sha256);
        const words = parseReadmemh(text);
        expect(words).toEqual(name === 'ACT' ? act[bank] : p.images[name as 'CE']![0]);
        files++;
      });
    }
    const bin = readFileSync(join(dir, 'image.bin'));
    expect(createHash('sha256').update(bin).digest('hex')).toBe(manifest.binary.sha256);
    // independent reader of the documented layout
    expect(bin.subarray(0, 8).toString('ascii')).toBe('SDIMAGE1');
    expect(bin.subarray(8, 40).toString('hex')).toBe(manifest.configHash);
    let off = 44;
    const sections = bin.readUInt32LE(40);
    for (let s = 0; s < sections; s++) {
      const addr = bin.readUInt32LE(off);
      const n = bin.readUInt32LE(off + 4);
      const region = p.map.regions.find((r) => r.base === addr)!;
      const mem = p.map.memories.find((m) => m.name === region.name)!;
      const per = Math.ceil(mem.width / 32);
      for (let i = 0; i < n / per; i++) {
        let w = 0n;
        for (let k = per - 1; k >= 0; k--) w = (w << 32n) | BigInt(bin.readUInt32LE(off + 8 + 4 * (i * per + k)));
        expect(w).toBe(p.images[mem.name]![0]![i]);
      }
      expect(n / per).toBe(p.used[mem.name]);
      off += 8 + 4 * n;
    }
    expect(off).toBe(bin.length);
    console.log(`compared ${files} hex files and ${sections} binary sections with the images and the manifest`);
  });
});
