import { writeFileAtomic } from '../../common/atomic-write.js';
import type { Checkpoint, SdForm } from '../checkpoint/checkpoint.js';
import type { ImageDataset } from '../data/dataset.js';
import { reconstructLayer } from '../sd/blocks.js';
import type { FloatModel } from '../model/spec.js';
import { networkFromFloatModel } from '../nn/network.js';
import { evaluate } from './loop.js';
import { quantizeModel } from '../quant/quantize.js';
import type { IntModel } from '../quant/int-model.js';
import { intAccuracy } from '../quant/accuracy.js';
import { calibrationImages } from '../quant/cli.js';

export interface EvalResult {
  data: string;
  count: number;
  floatAccuracy: number;
  /** Accuracy with every SD layer's weight rebuilt from its Ce and B (when the checkpoint has SD layers). */
  sdAccuracy?: number;
  /** Integer-only inference (sw/quant) of the SD model when present, else of the float model. */
  intAccuracy?: number;
}

/** Calibration images for the integer model: this many, spread over the training set. */
export const CALIBRATION_IMAGES = 300;

/** The checkpoint's deployable model (SD when present) as an integer model (sw/quant, per-channel weight scales, 16-bit multipliers). */
export function integerModel(ckpt: Checkpoint, train: ImageDataset): IntModel {
  const model = ckpt.sd ? ckpt.sd.model : ckpt.model;
  return quantizeModel(model, { calibration: calibrationImages(train, CALIBRATION_IMAGES), sd: ckpt.sd ? Object.values(ckpt.sd.layers) : [] });
}

/** Integer accuracy of the checkpoint's deployable model (see integerModel). */
export function integerAccuracy(ckpt: Checkpoint, train: ImageDataset, test: ImageDataset): number {
  return intAccuracy(integerModel(ckpt, train), test).accuracy;
}

/**
 * The SD model with every SD layer's weight rebuilt from its stored Ce and B (so the accuracy is
 * that of the codes, not of a float copy).
 */
export function sdFloatModel(sd: SdForm): FloatModel {
  const params: FloatModel['params'] = { ...sd.model.params };
  for (const [name, layer] of Object.entries(sd.layers)) params[name] = { weight: reconstructLayer(layer), bias: sd.model.params[name]!.bias };
  return { spec: sd.model.spec, params };
}

/** Float, SD and integer accuracy of a checkpoint on a test set; prints them and optionally writes JSON. */
export function evaluateModels(ckpt: Checkpoint, train: ImageDataset, test: ImageDataset, jsonOut?: string): EvalResult {
  const result: EvalResult = { data: test.name, count: test.count, floatAccuracy: evaluate(networkFromFloatModel(ckpt.model), test).accuracy };
  process.stdout.write(`float accuracy on ${test.name} (${test.count} images): ${(100 * result.floatAccuracy).toFixed(2)}%\n`);
  if (ckpt.sd) {
    result.sdAccuracy = evaluate(networkFromFloatModel(sdFloatModel(ckpt.sd)), test).accuracy;
    process.stdout.write(`SD accuracy (weights rebuilt from Ce x B): ${(100 * result.sdAccuracy).toFixed(2)}%\n`);
  }
  result.intAccuracy = integerAccuracy(ckpt, train, test);
  process.stdout.write(`integer accuracy (${ckpt.sd ? 'SD' : 'float'} model, int8 per sw/quant): ${(100 * result.intAccuracy).toFixed(2)}%\n`);
  if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(result, null, 2) + '\n');
  return result;
}
