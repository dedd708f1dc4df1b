/**
 * What a training run saves: the float model (batch norm folded), optionally its SD form (the
 * fine-tuned model whose conv/linear weights are rebuilt from Ce x B, plus the sw/sd SdLayer of each
 * decomposed layer: the format the integer path consumes), and metadata.
 * Tensors: "<layer>.weight", "<layer>.bias" (float model); "sd/<layer>.weight", "sd/<layer>.bias"
 * (SD model); for each SD layer "sd/<layer>.ce" (all blocks' Ce, output-major then block, rows x S
 * each), "sd/<layer>.b" (S x S per block), "sd/<layer>.rowMask", "sd/<layer>.groupPruned"
 * (groups x rowsPerOutput).
 */
import { UserError } from '../../common/user-error.js';
import type { BlockLayout, SdLayer } from '../sd/blocks.js';
import type { FloatModel, ModelSpec } from '../model/spec.js';
import { validateSpec } from '../nn/network.js';
import { readContainer, writeContainer, type RawTensor } from './format.js';

export interface SdForm {
  /** The SD model in float form: SD layers' weights = Ce x B, fine-tuned biases. */
  model: FloatModel;
  /** SD form of the decomposed layers by name. */
  layers: Record<string, SdLayer>;
}

export interface Checkpoint {
  /** The float model (batch norm folded). */
  model: FloatModel;
  /** Absent for a float-only checkpoint. */
  sd?: SdForm;
  meta: Record<string, unknown>;
}

interface SdLayerHeader {
  layout: BlockLayout;
  groupSize: number;
  expBits: number;
  /** blockRows[o][b] and expBase[o][b]. */
  rows: number[][];
  expBase: number[][];
}

interface Body {
  spec: ModelSpec;
  meta: Record<string, unknown>;
  /** null for a float-only checkpoint. */
  sd: Record<string, SdLayerHeader> | null;
}

export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  const tensors = new Map<string, RawTensor>();
  const putModel = (prefix: string, model: FloatModel) => {
    for (const [name, p] of Object.entries(model.params)) {
      tensors.set(`${prefix}${name}.weight`, { dtype: 'f32', shape: [p.weight.length], data: p.weight });
      tensors.set(`${prefix}${name}.bias`, { dtype: 'f32', shape: [p.bias.length], data: p.bias });
    }
  };
  putModel('', ckpt.model);
  if (ckpt.sd) putModel('sd/', ckpt.sd.model);
  const sd: Record<string, SdLayerHeader> = {};
  for (const [name, layer] of Object.entries(ckpt.sd?.layers ?? {})) {
    const all = layer.blocks.flat();
    const S = layer.layout.basis;
    tensors.set(`sd/${name}.ce`, { dtype: 'f32', shape: [all.reduce((a, b) => a + b.rows, 0), S], data: concatF32(all.map((b) => b.ce)) });
    tensors.set(`sd/${name}.b`, { dtype: 'f32', shape: [all.length, S, S], data: concatF32(all.map((b) => b.b)) });
    tensors.set(`sd/${name}.rowMask`, { dtype: 'u8', shape: [all.reduce((a, b) => a + b.rows, 0)], data: concatU8(all.map((b) => b.rowMask)) });
    tensors.set(`sd/${name}.groupPruned`, { dtype: 'u8', shape: [layer.groupPruned.length, layer.layout.rowsPerOutput], data: concatU8(layer.groupPruned) });
    sd[name] = {
      layout: layer.layout, groupSize: layer.groupSize, expBits: layer.expBits,
      rows: layer.blocks.map((ob) => ob.map((b) => b.rows)),
      expBase: layer.blocks.map((ob) => ob.map((b) => b.expBase)),
    };
  }
  const body: Body = { spec: ckpt.model.spec, meta: ckpt.meta, sd: ckpt.sd ? sd : null };
  writeContainer(path, body, tensors);
}

export function loadCheckpoint(path: string): Checkpoint {
  const { body, tensors } = readContainer(path);
  const b = body as Partial<Body> | null;
  if (!b || typeof b !== 'object' || !b.spec) throw new UserError(`${path}: checkpoint header has no model spec`);
  try {
    validateSpec(b.spec);
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}`);
  }
  const take = (name: string, dtype: 'f32' | 'u8', size: number): RawTensor['data'] => {
    const t = tensors.get(name);
    if (!t) throw new UserError(`${path}: checkpoint has no tensor "${name}"`);
    if (t.dtype !== dtype || t.data.length !== size) throw new UserError(`${path}: tensor "${name}": expected ${size} ${dtype} values, found ${t.data.length} ${t.dtype}`);
    return t.data;
  };
  const readModel = (prefix: string): FloatModel => {
    const params: FloatModel['params'] = {};
    for (const l of b.spec!.layers) {
      if (l.kind === 'conv') {
        params[l.name] = { weight: take(`${prefix}${l.name}.weight`, 'f32', l.outChannels * l.inChannels * l.kernel * l.kernel) as Float32Array, bias: take(`${prefix}${l.name}.bias`, 'f32', l.outChannels) as Float32Array };
      } else if (l.kind === 'linear') {
        params[l.name] = { weight: take(`${prefix}${l.name}.weight`, 'f32', l.outFeatures * l.inFeatures) as Float32Array, bias: take(`${prefix}${l.name}.bias`, 'f32', l.outFeatures) as Float32Array };
      }
    }
    return { spec: b.spec!, params };
  };
  const ckpt: Checkpoint = { model: readModel(''), meta: b.meta ?? {} };
  if (b.sd) {
    const layers: Record<string, SdLayer> = {};
    for (const [name, h] of Object.entries(b.sd)) {
      const S = h.layout.basis;
      const flatRows = h.rows.flat();
      const totalRows = flatRows.reduce((a, r) => a + r, 0);
      const ce = take(`sd/${name}.ce`, 'f32', totalRows * S) as Float32Array;
      const bs = take(`sd/${name}.b`, 'f32', flatRows.length * S * S) as Float32Array;
      const mask = take(`sd/${name}.rowMask`, 'u8', totalRows) as Uint8Array;
      const groups = Math.ceil(h.layout.outChannels / h.groupSize);
      const gp = take(`sd/${name}.groupPruned`, 'u8', groups * h.layout.rowsPerOutput) as Uint8Array;
      let r0 = 0, k = 0;
      const blocks = h.rows.map((ob, o) => ob.map((rows, bi) => {
        const blk = { rows, ce: ce.slice(r0 * S, (r0 + rows) * S), b: bs.slice(k * S * S, (k + 1) * S * S), rowMask: mask.slice(r0, r0 + rows), expBase: h.expBase[o]![bi]! };
        r0 += rows;
        k++;
        return blk;
      }));
      const groupPruned = Array.from({ length: groups }, (_, g) => gp.slice(g * h.layout.rowsPerOutput, (g + 1) * h.layout.rowsPerOutput));
      layers[name] = { name, layout: h.layout, blocks, groupSize: h.groupSize, groupPruned, expBits: h.expBits };
    }
    ckpt.sd = { model: readModel('sd/'), layers };
  }
  return ckpt;
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function concatU8(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
