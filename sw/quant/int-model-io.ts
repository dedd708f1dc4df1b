/**
 * IntModel files (JSON) and the structural check every consumer (packer, golden model) can rely on:
 * array lengths agree with the layer shapes, integers are in their ranges.
 */
import { writeFileAtomic } from '../../common/atomic-write.js';
import { UserError } from '../../common/user-error.js';
import { INT32_MAX, INT32_MIN, MAX_SHIFT } from './fixed-point.js';
import type { IntModel } from './int-model.js';
import { isMacLayer } from './int-model.js';
import { rebuildSdWeights } from './sd-weights.js';
import { readJsonFile } from '../../common/json-file.js';

function integersIn(where: string, field: string, values: unknown, length: number, lo: number, hi: number): void {
  if (!Array.isArray(values) || values.length !== length) {
    throw new UserError(`${where}: '${field}' must be a list of ${length} integers, found ${Array.isArray(values) ? `${values.length} values` : typeof values}`);
  }
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new UserError(`${where}: '${field}'[${i}] must be an integer in [${lo}, ${hi}], found ${JSON.stringify(v)}`);
  });
}

/** Throws a UserError naming the layer and field when the model is inconsistent. */
export function checkIntModel(m: IntModel, file: string): void {
  if (m?.format !== 'smartdeal-int-model' || m.version !== 1) {
    throw new UserError(`${file}: expected format "smartdeal-int-model" version 1, found ${JSON.stringify(m?.format)} version ${JSON.stringify(m?.version)}`);
  }
  if (!Array.isArray(m.layers) || m.layers.length === 0) throw new UserError(`${file}: 'layers' must be a non-empty list`);
  const last = m.layers[m.layers.length - 1]!;
  if (!isMacLayer(last) || !last.final) throw new UserError(`${file}: the last layer must be the final conv/linear layer (the classifier)`);
  m.layers.forEach((l, i) => {
    if (!isMacLayer(l)) return;
    const where = `${file}: layer ${i} "${l.name}"`;
    const outputs = l.kind === 'conv' ? l.outChannels : l.outFeatures;
    const count = l.kind === 'conv' ? l.outChannels * l.inChannels * l.kernel * l.kernel : l.outFeatures * l.inFeatures;
    integersIn(where, 'weights', l.weights, count, -128, 127);
    integersIn(where, 'bias', l.bias, outputs, INT32_MIN, INT32_MAX);
    integersIn(where, 'multiplier', l.multiplier, l.final ? 0 : outputs, 0, 2 ** m.multiplierBits - 1);
    integersIn(where, 'shift', l.shift, l.final ? 0 : outputs, 0, MAX_SHIFT);
    integersIn(where, 'inZero/outZero/clampLo', [l.inZero, l.outZero, l.clampLo], 3, -128, 127);
    if (l.sd) {
      const rebuilt = rebuildSdWeights(l.sd);
      const k = rebuilt.findIndex((v, j) => v !== l.weights[j]);
      if (k >= 0) throw new UserError(`${where}: weights[${k}] = ${l.weights[k]} but the SD codes rebuild to ${rebuilt[k]}`);
    }
  });
}

export function saveIntModel(path: string, m: IntModel): void {
  writeFileAtomic(path, JSON.stringify(m) + '\n');
}

export function loadIntModel(path: string): IntModel {
  const m = readJsonFile(path, 'the integer model') as IntModel;
  checkIntModel(m, path);
  return m;
}
