/**
 * The layer descriptor (docs/engine.md "Layer descriptor"): the fields the controller reads for one
 * layer, their widths (derived from the configuration through the memory map), their placement in
 * DESC_WORDS 32-bit DESC words, encode/decode, and the checks the controller makes before it starts
 * a layer (each failure is one of the CSR error codes).
 */
import { LAYER_KINDS, type EngineConfig, type LayerKind } from './config.js';
import { fieldOf, packWord, readField, layoutWord, type FieldSpec, type WordLayout } from './fields.js';
import { HOST_WORD_BITS, addressBits, derivedWidths } from './memory-map.js';

export interface Descriptor {
  kind: LayerKind;
  /** The classifier: accumulators go to LOGITS, the walk ends after it. */
  final: boolean;
  stride: number;
  padding: number;
  /** Input shape (linear: C features, H = W = 1). */
  C: number;
  H: number;
  W: number;
  /** Output shape (maxpool2: O = C). */
  O: number;
  outH: number;
  outW: number;
  /** Matrix rows per output channel: 3C (conv3) or ceil(C/3) (conv1, linear); 0 for maxpool2. */
  rows: number;
  /** Output channels per pruning group; output tiles never cross a group (dense mode: O). */
  groupSize: number;
  /** B words per output channel (sd mode; 0 otherwise). */
  blocksPerOutput: number;
  /** Linear activation byte addresses of the input and output feature maps. */
  actIn: number;
  actOut: number;
  /** First CE word (sd) or W word (dense) of the layer. */
  weightBase: number;
  /** First IDX word (sd). */
  idxBase: number;
  /** First B word (sd). */
  bBase: number;
  /** First BIAS and QUANT word of the layer (output channel o at chanBase + o). */
  chanBase: number;
  /** Input zero point (padding value), output zero point, lower clamp (ReLU when = zOut). */
  zIn: number;
  zOut: number;
  clampLo: number;
}

/** CSR ERROR codes (docs/engine.md "CSR block"). */
export const ERROR_CODES = { unknownKind: 1, shape: 2, address: 3, watchdog: 4 } as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface DescriptorLayout {
  /** All fields as one wide word; no field straddles a 32-bit DESC word. */
  layout: WordLayout;
  /** DESC words per layer. */
  words: number;
}

/** Kind codes: the index in LAYER_KINDS (conv3 0, conv1 1, linear 2, maxpool2 3). */
export const KIND_BITS = 2;

/** Field list of a descriptor for a configuration (sd mode adds IDX/B fields). */
export function descriptorLayout(c: EngineConfig): DescriptorLayout {
  const w = derivedWidths(c);
  const dim = (name: string, doc: string): FieldSpec => ({ name, width: w.dimBits, doc });
  const specs: FieldSpec[] = [
    { name: 'kind', width: KIND_BITS, doc: 'conv3 0, conv1 1, linear 2, maxpool2 3' },
    { name: 'final', width: 1, doc: 'classifier: write LOGITS and stop' },
    { name: 'stride', width: 2, doc: 'conv stride 1..3' },
    { name: 'padding', width: 2, doc: 'conv zero padding 0..3 (pads read zIn)' },
    dim('C', 'input channels (linear: features)'), dim('H', 'input height'), dim('W', 'input width'),
    dim('O', 'output channels'), dim('outH', 'output height'), dim('outW', 'output width'),
    dim('rows', 'matrix rows per output channel'), dim('groupSize', 'output channels per pruning group'),
    { name: 'actIn', width: w.actAddrBits, doc: 'input feature map base (linear byte address)' },
    { name: 'actOut', width: w.actAddrBits, doc: 'output feature map base (linear byte address)' },
    { name: 'weightBase', width: addressBits(c.mode === 'sd' ? c.ceDepth : c.wDepth), doc: 'first CE (sd) or W (dense) word' },
  ];
  if (c.mode === 'sd') {
    specs.push(
      { name: 'idxBase', width: addressBits(c.idxDepth), doc: 'first IDX word' },
      { name: 'bBase', width: addressBits(c.bDepth), doc: 'first B word' },
      { name: 'blocksPerOutput', width: c.blockIndexBits + 1, doc: 'B words per output channel' },
    );
  }
  specs.push(
    { name: 'chanBase', width: addressBits(Math.max(c.biasDepth, c.quantDepth)), doc: 'first BIAS/QUANT word' },
    { name: 'zIn', width: c.actBits, signed: true, doc: 'input zero point' },
    { name: 'zOut', width: c.actBits, signed: true, doc: 'output zero point' },
    { name: 'clampLo', width: c.actBits, signed: true, doc: 'lower clamp of requantized outputs and of max-pool outputs' },
  );
  const layout = layoutWord('DESC', specs, HOST_WORD_BITS);
  return { layout, words: layout.width / HOST_WORD_BITS };
}

/** Values of one descriptor as DESC_WORDS 32-bit words. */
export function encodeDescriptor(d: Descriptor, dl: DescriptorLayout): bigint[] {
  const values: Record<string, number> = {};
  for (const f of dl.layout.fields) {
    const v = d[f.name as keyof Descriptor];
    values[f.name] = f.name === 'kind' ? LAYER_KINDS.indexOf(d.kind) : typeof v === 'boolean' ? Number(v) : (v as number);
  }
  const wide = packWord(dl.layout, values);
  const mask = (1n << BigInt(HOST_WORD_BITS)) - 1n;
  return Array.from({ length: dl.words }, (_, i) => (wide >> BigInt(i * HOST_WORD_BITS)) & mask);
}

/** Reads a descriptor from its DESC words (fields absent in this mode decode as 0). */
export function decodeDescriptor(words: readonly bigint[], dl: DescriptorLayout): Descriptor {
  let wide = 0n;
  words.forEach((w, i) => { wide |= w << BigInt(i * HOST_WORD_BITS); });
  const get = (name: string): number => dl.layout.fields.some((f) => f.name === name) ? readField(wide, fieldOf(dl.layout, name)) : 0;
  return {
    kind: LAYER_KINDS[get('kind')]!,
    final: get('final') === 1,
    stride: get('stride'), padding: get('padding'),
    C: get('C'), H: get('H'), W: get('W'), O: get('O'), outH: get('outH'), outW: get('outW'),
    rows: get('rows'), groupSize: get('groupSize'), blocksPerOutput: get('blocksPerOutput'),
    actIn: get('actIn'), actOut: get('actOut'), weightBase: get('weightBase'), idxBase: get('idxBase'), bBase: get('bBase'),
    chanBase: get('chanBase'), zIn: get('zIn'), zOut: get('zOut'), clampLo: get('clampLo'),
  };
}

export function isMacKind(kind: LayerKind): boolean {
  return kind !== 'maxpool2';
}

/** Kernel side of a kind (1 for conv1, linear and maxpool2 has none). */
export function kernelOf(kind: LayerKind): number {
  return kind === 'conv3' ? 3 : 1;
}

/** Output side of a conv along one dimension. */
export function convOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Matrix rows per output channel of a MAC kind with C inputs (S = 3 columns per row). */
export function rowsOf(kind: LayerKind, C: number, basis: number): number {
  return kind === 'conv3' ? C * 3 : Math.ceil(C / basis);
}

/** Output tiles of a MAC layer: [first output, lanes] for each tile; tiles never cross a pruning group. */
export function outputTiles(O: number, groupSize: number, peRows: number): { o0: number; lanes: number; group: number }[] {
  const tiles: { o0: number; lanes: number; group: number }[] = [];
  for (let g0 = 0, g = 0; g0 < O; g0 += groupSize, g++) {
    const end = Math.min(O, g0 + groupSize);
    for (let o0 = g0; o0 < end; o0 += peRows) tiles.push({ o0, lanes: Math.min(peRows, end - o0), group: g });
  }
  return tiles;
}

/**
 * The controller's checks before a layer starts, in order; returns the first failure or null.
 * Extents that depend on IDX counts (CE and IDX words of an sd layer) are checked while walking.
 */
export function descriptorError(d: Descriptor, c: EngineConfig): { code: ErrorCode; message: string } | null {
  if (!c.layerKinds.includes(d.kind)) return { code: ERROR_CODES.unknownKind, message: `kind ${d.kind} is not supported by this configuration` };
  const shape = (message: string) => ({ code: ERROR_CODES.shape, message });
  const address = (message: string) => ({ code: ERROR_CODES.address, message });
  if (d.C < 1 || d.H < 1 || d.W < 1) return shape(`input shape ${d.C}x${d.H}x${d.W} is empty`);
  const inBytes = d.C * d.H * d.W;
  const actBytes = c.actDepth * c.peCols;
  if (d.actIn + inBytes > actBytes) return address(`input ${d.actIn}+${inBytes} exceeds ${actBytes} activation bytes`);
  if (d.kind === 'maxpool2') {
    if (d.O !== d.C || d.outH !== d.H >> 1 || d.outW !== d.W >> 1 || d.outH < 1 || d.outW < 1) return shape(`maxpool2 ${d.C}x${d.H}x${d.W} -> ${d.O}x${d.outH}x${d.outW}`);
    if (d.final) return shape('maxpool2 cannot be the final layer');
  } else {
    const k = kernelOf(d.kind);
    if (d.stride < 1) return shape('stride 0');
    if (d.kind === 'linear' && (d.H !== 1 || d.W !== 1 || d.stride !== 1 || d.padding !== 0)) return shape('linear layers have H = W = stride = 1 and no padding');
    if (d.outH !== convOut(d.H, k, d.stride, d.padding) || d.outW !== convOut(d.W, k, d.stride, d.padding) || d.outH < 1 || d.outW < 1) return shape(`output ${d.outH}x${d.outW} does not follow from the input, kernel, stride and padding`);
    if (d.O < 1 || d.rows !== rowsOf(d.kind, d.C, c.basis) || d.groupSize < 1) return shape(`O ${d.O}, rows ${d.rows}, group size ${d.groupSize}`);
    if (c.mode === 'sd' && (d.blocksPerOutput < 1 || d.blocksPerOutput > 2 ** c.blockIndexBits)) return shape(`blocksPerOutput ${d.blocksPerOutput}`);
    if (d.chanBase + d.O > c.biasDepth || (!d.final && d.chanBase + d.O > c.quantDepth)) return address(`channels ${d.chanBase}+${d.O} exceed BIAS/QUANT`);
    if (c.mode === 'sd' && d.bBase + d.O * d.blocksPerOutput > c.bDepth) return address(`B words ${d.bBase}+${d.O * d.blocksPerOutput} exceed ${c.bDepth}`);
    if (c.mode === 'dense') {
      const words = outputTiles(d.O, d.groupSize, c.peRows).length * d.rows;
      if (d.weightBase + words > c.wDepth) return address(`W words ${d.weightBase}+${words} exceed ${c.wDepth}`);
    }
  }
  const outCount = d.O * d.outH * d.outW;
  if (d.final) {
    if (outCount > c.logitsDepth) return address(`${outCount} logits exceed ${c.logitsDepth}`);
  } else if (d.actOut + outCount > actBytes) {
    return address(`output ${d.actOut}+${outCount} exceeds ${actBytes} activation bytes`);
  }
  return null;
}
