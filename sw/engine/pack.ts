/**
 * The packer: IntModel (SD or dense) -> the engine's memory images, laid out as the memory map
 * describes (sw/engine/memory-map.ts). Every word goes through the map's field layouts; a model that
 * does not fit is refused naming the layer, the memory, both sizes and the configuration field.
 *
 * Output tiles never cross a pruning group: each group is cut into tiles of peRows outputs and the
 * last tile of a group may be narrower (re-tiling; no loss when the group size is a multiple of
 * peRows). The IDX list of a group keeps every row that any output of the group stores, so rows
 * pruned for the group (and rows zero for all its outputs) cost neither CE words nor cycles.
 */
import { UserError } from '../../common/user-error.js';
import { layoutFor, tensorIndex, type BlockLayout } from '../sd/blocks.js';
import type { IntConvLayer, IntLinearLayer, IntModel } from '../quant/int-model.js';
import type { EngineConfig, LayerKind, LoadedConfig } from './config.js';
import { allocateActivations, type ActPlan } from './act-alloc.js';
import { descriptorLayout, encodeDescriptor, outputTiles, rowsOf, type Descriptor, type DescriptorLayout } from './descriptor.js';
import { fieldOf, fieldRange, packWord, type FieldValues, type WordLayout } from './fields.js';
import { lowerModel, type EngineLayer, type EngineMacLayer, type Shape3 } from './lower.js';
import { memoryOf, type MemoryMap, type MemoryName, memoryMap } from './memory-map.js';

/** Where one layer's data lives. */
export interface LayerPlacement {
  name: string;
  kind: LayerKind;
  /** Index of the layer in IntModel.layers. */
  modelIndex: number;
  descriptor: Descriptor;
  /** First word and word count in each memory the layer uses (ACT: byte addresses). */
  memory: Partial<Record<MemoryName, { start: number; words: number }>>;
  /** sd mode: kept rows of each pruning group (IDX entries). */
  keptRows?: number[];
}

export interface PackedModel {
  config: EngineConfig;
  configSource: string;
  configHash: string;
  map: MemoryMap;
  desc: DescriptorLayout;
  /** Model memories (contents 'model'), full depth, [bank][word]. */
  images: Partial<Record<MemoryName, bigint[][]>>;
  /** Words written in each model memory. */
  used: Partial<Record<MemoryName, number>>;
  act: ActPlan;
  inputShape: Shape3;
  classes: number;
  layers: LayerPlacement[];
}

/** Appends words to one memory and refuses, naming the layer, when the memory is full. */
class MemoryWriter {
  readonly words: bigint[] = [];
  constructor(private readonly map: MemoryMap, readonly name: MemoryName, private readonly source: string) {}

  get depth(): number {
    return memoryOf(this.map, this.name).depth;
  }

  /** Packs values with the given layout (default: the memory's word) and returns the address. */
  push(values: FieldValues, layout?: WordLayout): number {
    this.words.push(packWord(layout ?? memoryOf(this.map, this.name).word, values));
    return this.words.length - 1;
  }

  /** Throws the "does not fit" message once the layer is written. */
  checkFits(layer: string): void {
    if (this.words.length > this.depth) {
      const field = memoryOf(this.map, this.name).depthField;
      throw new UserError(`layer ${layer}: ${this.name} needs ${this.words.length} words, memory holds ${this.depth} (${this.source} ${field})`);
    }
  }
}

interface PackContext {
  model: IntModel;
  c: EngineConfig;
  map: MemoryMap;
  source: string;
  writers: Partial<Record<MemoryName, MemoryWriter>>;
}

function refuse(layer: string, what: string): never {
  throw new UserError(`layer ${layer}: ${what}`);
}

/** Checks that v fits field `name` of layout (unsigned or signed); the message names the config field. */
function checkFits(layer: string, what: string, v: number, layout: WordLayout, name: string, configField: string, source: string): void {
  const { lo, hi } = fieldRange(fieldOf(layout, name));
  if (v < lo || v > hi) refuse(layer, `${what} = ${v} does not fit ${lo}..${hi} (${source} ${configField})`);
}

/** Re-encodes a Ce code from the model's exponent bits to the configuration's. */
function recode(code: number, fromBits: number, toBits: number, layer: string, source: string): number {
  const field = code & ((1 << fromBits) - 1);
  const sign = code >> fromBits;
  if (field >= 1 << toBits) refuse(layer, `Ce exponent field ${field} needs more than ${toBits} bits (${source} ceExpBits)`);
  return field === 0 ? 0 : (sign << toBits) | field;
}

function macKindCheck(l: EngineMacLayer, ctx: PackContext): void {
  const { c, source } = ctx;
  const src = l.source;
  if (src.kind === 'conv' && (src.stride < 1 || src.stride > 3 || src.padding < 0 || src.padding > 3)) refuse(l.name, `stride ${src.stride} and padding ${src.padding}: the engine supports stride 1..3 and padding 0..3`);
  const accMax = 2 ** (c.accBits - 1) - 1;
  if (src.accBound > accMax) refuse(l.name, `accumulator bound ${src.accBound} exceeds the ${c.accBits}-bit accumulator (${source} accBits)`);
  if (c.mode === 'sd') {
    if (!src.sd) refuse(l.name, `has no SD weights (dense int8), but ${source} has mode "sd" (quantize with --form post-sd, or use a dense configuration)`);
    const want = l.kind === 'conv3' ? 'conv3x3' : 'rows';
    if (src.sd.layout.kind !== want) refuse(l.name, `SD layout ${src.sd.layout.kind}, a ${l.kind} layer needs ${want}`);
    if (src.sd.layout.basis !== c.basis) refuse(l.name, `SD basis ${src.sd.layout.basis}, the engine has ${c.basis} (${source} basis)`);
    const blocks = src.sd.layout.blockSizes.length;
    if (blocks > 2 ** c.blockIndexBits) refuse(l.name, `${blocks} blocks per output channel, IDX entries hold at most ${2 ** c.blockIndexBits} (${source} blockIndexBits)`);
  }
}

/** CE, IDX and B words of an SD layer; returns descriptor fields and kept rows per group. */
function packSdWeights(l: EngineMacLayer, ctx: PackContext, groupSize: number): { weightBase: number; idxBase: number; bBase: number; blocksPerOutput: number; keptRows: number[]; words: Record<'CE' | 'IDX' | 'B', number> } {
  const { c, map, source } = ctx;
  const sd = l.source.sd!;
  const S = c.basis;
  const O = l.outShape[0];
  const ce = ctx.writers.CE!;
  const idx = ctx.writers.IDX!;
  const bw = ctx.writers.B!;
  const idxMem = memoryOf(map, 'IDX');
  const bMem = memoryOf(map, 'B');
  const blockStart: number[] = [];
  const blockOfRow: number[] = [];
  sd.layout.blockSizes.forEach((rows, b) => {
    blockStart.push(blockOfRow.length);
    for (let r = 0; r < rows; r++) blockOfRow.push(b);
  });
  const stored = (o: number, r: number): boolean => {
    const b = blockOfRow[r]!;
    return sd.blocks[o]![b]!.rowMask[r - blockStart[b]!] === 1;
  };
  const [ceStart, idxStart, bStart] = [ce.words.length, idx.words.length, bw.words.length];
  // B: one word per (output channel, block)
  for (let o = 0; o < O; o++) {
    for (const blk of sd.blocks[o]!) {
      checkFits(l.name, `rebuild shift R of output ${o}`, blk.shift, bMem.word, 'shift', 'rebuildShiftBits', source);
      bw.push({ bq: blk.bq, shift: blk.shift });
    }
  }
  const tiles = outputTiles(O, groupSize, c.peRows);
  const keptRows: number[] = [];
  for (let g0 = 0, g = 0; g0 < O; g0 += groupSize, g++) {
    const outs = Array.from({ length: Math.min(O, g0 + groupSize) - g0 }, (_, k) => g0 + k);
    const kept = blockOfRow.map((_, r) => r).filter((r) => outs.some((o) => stored(o, r)));
    keptRows.push(kept.length);
    idx.push({ count: kept.length }, idxMem.formats.count);
    for (const r of kept) {
      const [ch, kh] = l.kind === 'conv3' ? [Math.floor(r / 3), r % 3] : [r, 0];
      idx.push({ c: ch, kh, block: blockOfRow[r]! });
    }
    for (const t of tiles.filter((x) => x.group === g)) {
      for (const r of kept) {
        const codes = new Array<number>(c.peRows * S).fill(0);
        const b = blockOfRow[r]!;
        for (let lane = 0; lane < t.lanes; lane++) {
          const o = t.o0 + lane;
          if (!stored(o, r)) continue; // an unstored row is zero codes: it rebuilds to weight 0
          const blk = sd.blocks[o]![b]!;
          for (let k = 0; k < S; k++) codes[lane * S + k] = recode(blk.codes[(r - blockStart[b]!) * S + k]!, sd.expBits, c.ceExpBits, l.name, source);
        }
        ce.push({ code: codes });
      }
    }
  }
  return {
    weightBase: ceStart, idxBase: idxStart, bBase: bStart, blocksPerOutput: sd.layout.blockSizes.length, keptRows,
    words: { CE: ce.words.length - ceStart, IDX: idx.words.length - idxStart, B: bw.words.length - bStart },
  };
}

/** W words of a layer in dense mode: per output tile, per row, P_o lanes x S columns of int8. */
function packDenseWeights(l: EngineMacLayer, ctx: PackContext): { weightBase: number; words: number } {
  const { c } = ctx;
  const S = c.basis;
  const src = l.source;
  const shape = src.kind === 'conv' ? [src.outChannels, src.inChannels, src.kernel, src.kernel] : [src.outFeatures, src.inFeatures];
  const layout: BlockLayout = layoutFor(shape, { basis: S, blockRows: 1 });
  const O = l.outShape[0];
  const rows = rowsOf(l.kind, l.inShape[0], S);
  const w = ctx.writers.W!;
  const start = w.words.length;
  for (const t of outputTiles(O, O, c.peRows)) {
    for (let r = 0; r < rows; r++) {
      const lanes = new Array<number>(c.peRows * S).fill(0);
      for (let lane = 0; lane < t.lanes; lane++) {
        for (let j = 0; j < S; j++) {
          const at = tensorIndex(layout, t.o0 + lane, r, j);
          if (at >= 0) lanes[lane * S + j] = src.weights[at]!;
        }
      }
      w.push({ w: lanes });
    }
  }
  return { weightBase: start, words: w.words.length - start };
}

/** BIAS and QUANT words of a layer; returns chanBase. */
function packChannels(l: EngineMacLayer, ctx: PackContext): number {
  const { map, source } = ctx;
  const src: IntConvLayer | IntLinearLayer = l.source;
  const biasMem = memoryOf(map, 'BIAS');
  const quantMem = memoryOf(map, 'QUANT');
  const bias = ctx.writers.BIAS!;
  const quant = ctx.writers.QUANT!;
  // BIAS and QUANT share chanBase: align QUANT with BIAS (the final layer has no QUANT words)
  while (quant.words.length < bias.words.length) quant.push({ multiplier: 0, shift: 0 });
  const base = bias.words.length;
  src.bias.forEach((b, o) => {
    checkFits(l.name, `bias[${o}]`, b, biasMem.word, 'bias', 'accBits', source);
    bias.push({ bias: b });
  });
  if (!src.final) {
    src.multiplier.forEach((m, o) => {
      checkFits(l.name, `multiplier[${o}]`, m, quantMem.word, 'multiplier', 'multiplierBits', source);
      quant.push({ multiplier: m, shift: src.shift[o]! });
    });
  }
  return base;
}

function checkDims(l: EngineLayer, d: Descriptor, dl: DescriptorLayout, source: string): void {
  for (const f of ['C', 'H', 'W', 'O', 'outH', 'outW', 'rows', 'groupSize'] as const) {
    checkFits(l.name, f, d[f], dl.layout, f, 'actDepth x peCols (shape fields hold up to all activation bytes)', source);
  }
}

/** Packs a model for a configuration. `modelSource` names the model file in messages. */
export function packModel(model: IntModel, lc: LoadedConfig, modelSource = 'model'): PackedModel {
  const c = lc.config;
  const source = lc.source;
  const map = memoryMap(c);
  const dl = descriptorLayout(c);
  const layers = lowerModel(model, modelSource);
  const writers: PackContext['writers'] = {};
  for (const m of map.memories) if (m.contents === 'model') writers[m.name] = new MemoryWriter(map, m.name, source);
  const ctx: PackContext = { model, c, map, source, writers };
  const inputShape = [...model.spec.inputShape] as Shape3;
  const act = allocateActivations(
    inputShape[0] * inputShape[1] * inputShape[2],
    layers.map((l) => (l.kind !== 'maxpool2' && l.source.final ? null : l.outShape[0] * l.outShape[1] * l.outShape[2])),
    layers.map((l) => l.name), c, source);
  const placements: LayerPlacement[] = layers.map((l, i) => {
    if (!c.layerKinds.includes(l.kind)) refuse(l.name, `kind ${l.kind} is not in ${source} layerKinds [${c.layerKinds.join(', ')}]`);
    const [C, H, W] = l.inShape;
    const [O, outH, outW] = l.outShape;
    const d: Descriptor = {
      kind: l.kind, final: false, stride: 1, padding: 0, C, H, W, O, outH, outW, rows: 0, groupSize: 0, blocksPerOutput: 0,
      actIn: act.layers[i]!.actIn, actOut: Math.max(0, act.layers[i]!.actOut), weightBase: 0, idxBase: 0, bBase: 0, chanBase: 0,
      zIn: 0, zOut: 0, clampLo: l.clampLo,
    };
    const memory: LayerPlacement['memory'] = { ACT: { start: d.actIn, words: C * H * W } };
    let keptRows: number[] | undefined;
    if (l.kind !== 'maxpool2') {
      const src = l.source;
      macKindCheck(l, ctx);
      d.final = src.final;
      if (src.kind === 'conv') {
        d.stride = src.stride;
        d.padding = src.padding;
      }
      d.rows = rowsOf(l.kind, C, c.basis);
      d.zIn = src.inZero;
      d.zOut = src.outZero;
      d.groupSize = c.mode === 'sd' ? Math.min(src.sd!.groupSize, O) : O;
      checkDims(l, d, dl, source);
      if (c.mode === 'sd') {
        const p = packSdWeights(l, ctx, d.groupSize);
        Object.assign(d, { weightBase: p.weightBase, idxBase: p.idxBase, bBase: p.bBase, blocksPerOutput: p.blocksPerOutput });
        keptRows = p.keptRows;
        memory.CE = { start: p.weightBase, words: p.words.CE };
        memory.IDX = { start: p.idxBase, words: p.words.IDX };
        memory.B = { start: p.bBase, words: p.words.B };
      } else {
        const p = packDenseWeights(l, ctx);
        d.weightBase = p.weightBase;
        memory.W = { start: p.weightBase, words: p.words };
      }
      d.chanBase = packChannels(l, ctx);
      memory.BIAS = { start: d.chanBase, words: O };
      if (!src.final) memory.QUANT = { start: d.chanBase, words: O };
    } else {
      checkDims(l, d, dl, source);
    }
    if (d.final) {
      memory.LOGITS = { start: 0, words: O * outH * outW };
      const logits = memoryOf(map, 'LOGITS');
      if (O * outH * outW > logits.depth) refuse(l.name, `LOGITS needs ${O * outH * outW} words, memory holds ${logits.depth} (${source} logitsDepth)`);
    } else {
      memory.ACT = { start: d.actOut, words: O * outH * outW };
    }
    writers.DESC!.words.push(...encodeDescriptor(d, dl));
    for (const w of Object.values(writers)) w.checkFits(l.name);
    return { name: l.name, kind: l.kind, modelIndex: l.modelIndex, descriptor: d, memory, ...(keptRows ? { keptRows } : {}) };
  });
  const images: PackedModel['images'] = {};
  const used: PackedModel['used'] = {};
  for (const [name, w] of Object.entries(writers) as [MemoryName, MemoryWriter][]) {
    used[name] = w.words.length;
    images[name] = [[...w.words, ...new Array<bigint>(w.depth - w.words.length).fill(0n)]];
  }
  return { config: c, configSource: source, configHash: lc.hash, map, desc: dl, images, used, act, inputShape, classes: model.spec.classes, layers: placements };
}
