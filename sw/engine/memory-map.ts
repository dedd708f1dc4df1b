/**
 * THE description of the engine's memories (docs/engine.md "Memory map"): for a configuration,
 * every memory's word layout (fields, bit offsets, widths), depth, banks, what one word holds and
 * in which order, and where the host bus sees it. The packer, the golden model, the RTL generator
 * and the harness read widths from here; no field width is written anywhere else.
 */
import { MAX_SHIFT } from '../quant/fixed-point.js';
import type { EngineConfig } from './config.js';
import { bitsForCount, bitsForValue, layoutWord, type WordLayout } from './fields.js';

export type MemoryName = 'DESC' | 'CE' | 'IDX' | 'B' | 'W' | 'BIAS' | 'QUANT' | 'ACT' | 'LOGITS';

/** Width of a host bus word and of a descriptor word. */
export const HOST_WORD_BITS = 32;

/** Widths every part derives from the configuration. */
export interface DerivedWidths {
  /** Bits of one Ce code: sign above ceExpBits field bits. */
  codeWidth: number;
  /** Bits of a linear activation byte address (all banks). */
  actAddrBits: number;
  /** Bits of a shape field (channels, height, width, rows, group size): holds up to all activation bytes. */
  dimBits: number;
  /** Bits of the requantization right shift (0..MAX_SHIFT). */
  requantShiftBits: number;
}

export function derivedWidths(c: EngineConfig): DerivedWidths {
  const actBytes = c.actDepth * c.peCols;
  return {
    codeWidth: 1 + c.ceExpBits,
    actAddrBits: bitsForCount(actBytes),
    dimBits: bitsForValue(actBytes),
    requantShiftBits: bitsForValue(MAX_SHIFT),
  };
}

export interface MemorySpec {
  name: MemoryName;
  /** The word layout (IDX has a second one, see `formats`). */
  word: WordLayout;
  /** All word layouts of the memory by name ('word' for single-format memories). */
  formats: Record<string, WordLayout>;
  width: number;
  /** Words per bank. */
  depth: number;
  banks: number;
  /** Configuration field that sets the depth (named in "does not fit" messages). */
  depthField: keyof EngineConfig;
  /** `model`: written by the packer, read-only while running; `runtime`: input and results. */
  contents: 'model' | 'runtime';
  /** What one word holds and in which order words follow each other. */
  order: string;
  /** Host bus words per memory word (ceil(width / 32); ACT: one host word per byte). */
  hostWordsPerWord: number;
}

export interface HostRegion {
  /** 'CSR' or a memory name. */
  name: 'CSR' | MemoryName;
  /** First host word address of the region. */
  base: number;
  /** Host words the region spans (used part). */
  words: number;
}

export interface MemoryMap {
  config: EngineConfig;
  widths: DerivedWidths;
  /** Memories of this configuration's mode, in host region order. */
  memories: MemorySpec[];
  /** Host word address = region index << regionShift | word offset; region 0 is the CSR block. */
  regionShift: number;
  regions: HostRegion[];
}

/** Host words of the CSR block (docs/engine.md "CSR block"). */
export const CSR_WORDS = 32;

function memory(name: MemoryName, word: WordLayout, depth: number, depthField: keyof EngineConfig, order: string, opts: { banks?: number; contents?: 'model' | 'runtime'; formats?: Record<string, WordLayout> } = {}): MemorySpec {
  const banks = opts.banks ?? 1;
  return {
    name, word, formats: opts.formats ?? { word }, width: word.width, depth, banks, depthField,
    contents: opts.contents ?? 'model', order,
    hostWordsPerWord: name === 'ACT' ? 1 : Math.ceil(word.width / HOST_WORD_BITS),
  };
}

/** Word layouts of every memory, from the configuration alone. */
export function memoryMap(c: EngineConfig): MemoryMap {
  const w = derivedWidths(c);
  const S = c.basis;
  const mems: MemorySpec[] = [];
  mems.push(memory('DESC', layoutWord('DESC', [{ name: 'bits', width: HOST_WORD_BITS, doc: 'one 32-bit slice of a layer descriptor' }]), c.descDepth, 'descDepth',
    'layer descriptors one after another, DESC_WORDS words each (sw/engine/descriptor.ts); the walk starts at word 0 and ends after the final layer'));
  if (c.mode === 'sd') {
    mems.push(memory('CE', layoutWord('CE', [{ name: 'code', width: w.codeWidth, count: c.peRows * S, doc: 'Ce code of lane o, basis k at element o*S + k: sign bit above the exponent field (field 0 = zero)' }]), c.ceDepth, 'ceDepth',
      'per layer, per pruning group, per output tile of the group, per kept row of the group (IDX order): one word; lanes beyond the tile hold zero codes'));
    const entry = layoutWord('IDX', [
      { name: 'c', width: w.dimBits, doc: 'conv3: input channel of the row; conv1/linear: row number r (inputs 3r..3r+2)' },
      { name: 'kh', width: 2, doc: 'conv3: kernel row of the row; otherwise 0' },
      { name: 'block', width: c.blockIndexBits, doc: 'block of the row (selects the B word of each lane)' },
    ]);
    const count = layoutWord('IDX.count', [{ name: 'count', width: w.dimBits, doc: 'kept rows of the group (entries that follow)' }]);
    mems.push(memory('IDX', entry, c.idxDepth, 'idxDepth',
      'per layer, per pruning group: one count word, then one entry per kept row in ascending row order (rows zero for every output of the group are not kept)',
      { formats: { entry, count } }));
    mems.push(memory('B', layoutWord('B', [
      { name: 'bq', width: c.weightBits, count: S * S, signed: true, doc: 'int8 basis, element k*S + j = Bq[k][j]' },
      { name: 'shift', width: c.rebuildShiftBits, doc: 'rebuild shift R of the block' },
    ]), c.bDepth, 'bDepth', 'per layer, per output channel o, per block b: word bBase + o*blocksPerOutput + b'));
  } else {
    mems.push(memory('W', layoutWord('W', [{ name: 'w', width: c.weightBits, count: c.peRows * S, signed: true, doc: 'int8 weight of lane o, column j at element o*S + j' }]), c.wDepth, 'wDepth',
      'per layer, per output tile, per row (all rows): one word; lanes beyond the tile and columns beyond the inputs hold 0'));
  }
  mems.push(memory('BIAS', layoutWord('BIAS', [{ name: 'bias', width: c.accBits, signed: true, doc: "folded bias bias'[o], the accumulator's initial value" }]), c.biasDepth, 'biasDepth',
    'per layer, per output channel: word chanBase + o'));
  mems.push(memory('QUANT', layoutWord('QUANT', [
    { name: 'multiplier', width: c.multiplierBits, doc: 'unsigned requantization multiplier M' },
    { name: 'shift', width: w.requantShiftBits, doc: 'requantization right shift' },
  ]), c.quantDepth, 'quantDepth', 'per requantized layer, per output channel: word chanBase + o (the final layer has none)'));
  mems.push(memory('ACT', layoutWord('ACT', [{ name: 'value', width: c.actBits, signed: true, doc: 'int8 activation' }]), c.actDepth, 'actDepth',
    'linear byte address a = base + (c*H + y)*W + x lives in bank a mod peCols, word a div peCols; the host sees byte a at region word a',
    { banks: c.peCols, contents: 'runtime' }));
  mems.push(memory('LOGITS', layoutWord('LOGITS', [{ name: 'logit', width: c.accBits, signed: true, doc: 'int32 accumulator of the final layer' }]), c.logitsDepth, 'logitsDepth',
    'final layer output (o*outH + y)*outW + x', { contents: 'runtime' }));

  const regionWords = (m: MemorySpec): number => m.name === 'ACT' ? m.depth * m.banks : m.depth * m.hostWordsPerWord;
  const regionShift = bitsForCount(Math.max(CSR_WORDS, ...mems.map(regionWords)));
  const regions: HostRegion[] = [{ name: 'CSR', base: 0, words: CSR_WORDS }, ...mems.map((m, i) => ({ name: m.name, base: (i + 1) * 2 ** regionShift, words: regionWords(m) }))];
  return { config: c, widths: w, memories: mems, regionShift, regions };
}

export function memoryOf(map: MemoryMap, name: MemoryName): MemorySpec {
  const m = map.memories.find((x) => x.name === name);
  if (!m) throw new Error(`memory ${name} does not exist in ${map.config.mode} mode`);
  return m;
}

export function hasMemory(map: MemoryMap, name: MemoryName): boolean {
  return map.memories.some((x) => x.name === name);
}

/** Bank and word of a linear activation address. */
export function actLocation(c: EngineConfig, address: number): { bank: number; word: number } {
  return { bank: address % c.peCols, word: Math.floor(address / c.peCols) };
}

/** Bits of an address into a memory of `depth` words. */
export function addressBits(depth: number): number {
  return bitsForCount(depth);
}

/** iCE40 block RAMs (4 Kbit: 256x16, 512x8, 1024x4 or 2048x2) a width x depth memory needs, best mode. */
export function ice40EbrCount(width: number, depth: number): number {
  return Math.min(...[[256, 16], [512, 8], [1024, 4], [2048, 2]].map(([d, wd]) => Math.ceil(depth / d!) * Math.ceil(width / wd!)));
}

/** iCE40UP5K single-port RAMs (256 Kbit: 16384 x 16) one bank needs. */
export function ice40SpramCount(width: number, depth: number): number {
  return Math.ceil(depth / 16384) * Math.ceil(width / 16);
}

/** SPRAMs of an iCE40UP5K. */
export const UP5K_SPRAMS = 4;

/** Where each memory of a configuration goes on an iCE40, and what that costs. */
export interface Ice40Placement {
  /** Memories in SPRAM (ACT: both copies of every bank, docs/engine.md "Activation banks"; in block RAM a bank is one copy). */
  spram: MemoryName[];
  /** Block RAMs per memory (0 for those in SPRAM). */
  ebrBy: Partial<Record<MemoryName, number>>;
  ebr: number;
  sprams: number;
}

/**
 * The memory placement the engine top builds and `ice40Placement` predicts (the same function
 * decides both). Every memory is single-ported in practice (the host uses the model memories only
 * while the engine is idle; ACT is two copies per bank, one read and one written per layer), so
 * any of them may be an SPRAM. ACT goes first (2 x peCols copies, when they fit the SPRAMs), then
 * the spare SPRAMs go, one memory at a time, to the memory that frees the most block RAMs per
 * SPRAM (ties: memory-map order). `sprams` 0 places everything in block RAM (iCE40HX).
 */
export function ice40Placement(c: EngineConfig, sprams = UP5K_SPRAMS): Ice40Placement {
  const map = memoryMap(c);
  // ACT in block RAM is one copy per bank (a read and a write port); only SPRAM needs the pair.
  const ebrOf = (m: MemorySpec): number => (m.name === 'ACT' ? m.banks * ice40EbrCount(m.width, m.depth) : ice40EbrCount(m.width, m.depth));
  const spramOf = (m: MemorySpec): number => (m.name === 'ACT' ? 2 * m.banks * ice40SpramCount(m.width, m.depth) : ice40SpramCount(m.width, m.depth));
  const inSpram = new Set<MemoryName>();
  let free = sprams;
  const act = memoryOf(map, 'ACT');
  if (spramOf(act) <= free) {
    inSpram.add('ACT');
    free -= spramOf(act);
  }
  // LOGITS is written and read by the controller in one layer; it stays in block RAM.
  const candidates = map.memories.filter((m) => m.contents === 'model');
  for (;;) {
    const fits = candidates.filter((m) => !inSpram.has(m.name) && spramOf(m) <= free && ebrOf(m) > 0);
    if (fits.length === 0) break;
    const best = fits.reduce((a, b) => (ebrOf(b) / spramOf(b) > ebrOf(a) / spramOf(a) ? b : a));
    inSpram.add(best.name);
    free -= spramOf(best);
  }
  const ebrBy: Partial<Record<MemoryName, number>> = {};
  for (const m of map.memories) ebrBy[m.name] = inSpram.has(m.name) ? 0 : ebrOf(m);
  return {
    spram: map.memories.filter((m) => inSpram.has(m.name)).map((m) => m.name),
    ebrBy, ebr: Object.values(ebrBy).reduce((s, n) => s + n, 0), sprams: sprams - free,
  };
}
