/**
 * The model stage of the end-to-end flow: get a trained SD checkpoint (the one shipped in models/,
 * any other file, or a short training run) and quantize it into the integer models the engines run:
 * the SD model for the SD engine and the dense int8 model of the same float network for the dense
 * baseline.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../../common/user-error.js';
import { startProgress } from '../../common/progress.js';
import { loadCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { subset, type ImageDataset } from '../data/dataset.js';
import { presetSpec } from '../nn/presets.js';
import { calibrationImages } from '../quant/cli.js';
import type { IntModel } from '../quant/int-model.js';
import { quantizeModel } from '../quant/quantize.js';
import { DEFAULT_SD_CONFIG, trainSd } from '../sdtrain/finetune.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat, type TrainHooks } from '../train/run.js';

/** The checkpoint `smartdeal demo` uses unless told otherwise (see models/README.md). */
export const SHIPPED_CHECKPOINT = 'models/mnist-small-sd.ckpt';
/** Calibration images for quantization (the same count `smartdeal quantize` uses by default). */
export const FLOW_CALIBRATION_IMAGES = 300;

/** Loads a checkpoint that holds an SD model; the message says how to get one when it does not. */
export function loadSdCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new UserError(`${path}: checkpoint not found (the shipped one is ${SHIPPED_CHECKPOINT}; --train trains a short one)`);
  const ckpt = loadCheckpoint(path);
  if (!ckpt.sd) throw new UserError(`${path}: the checkpoint has no SD model (train it with SD fine-tuning, i.e. without --no-sd)`);
  return ckpt;
}

export interface ShortTraining {
  /** Training images used by each phase (the first ones of the training set). */
  images: number;
  floatEpochs: number;
  sdEpochs: number;
  seed: number;
}

export const DEFAULT_SHORT_TRAINING: ShortTraining = { images: 20_000, floatEpochs: 1, sdEpochs: 1, seed: 1 };

function epochProgress(label: string, total: number): TrainHooks {
  let bar: ReturnType<typeof startProgress> | undefined;
  let current = -1;
  return {
    onBatch: (epoch, done, m) => {
      if (epoch !== current) {
        bar?.stop();
        bar = startProgress(`${label} epoch ${epoch + 1}`, total, ['acc']);
        current = epoch;
      }
      bar!.update(done, { acc: `${(100 * m.accuracy).toFixed(1)}%` });
    },
    onEpoch: () => { bar?.stop(); bar = undefined; },
  };
}

/** Trains mnist-small briefly (float, then SD-aware fine-tuning) with the trainer's default settings. */
export function trainShortSd(train: ImageDataset, test: ImageDataset, t: ShortTraining = DEFAULT_SHORT_TRAINING): Checkpoint {
  const part = subset(train, 0, Math.min(t.images, train.count));
  // Per-epoch evaluation is only a progress signal here: 1,000 test images keep it cheap.
  const check = subset(test, 0, Math.min(1000, test.count));
  const floatCfg = { ...DEFAULT_FLOAT_CONFIG, epochs: t.floatEpochs, seed: t.seed };
  const float = trainFloat(presetSpec('mnist-small'), part, check, floatCfg, epochProgress('float', part.count));
  const sdCfg = { ...DEFAULT_SD_CONFIG, epochs: t.sdEpochs, seed: t.seed };
  const sd = trainSd(float.model, part, check, sdCfg, epochProgress('sd', part.count));
  return { model: float.model, sd: { model: sd.model, layers: sd.sd }, meta: { data: 'mnist', preset: 'mnist-small', float: floatCfg, sd: sdCfg, trainImages: part.count } };
}

export interface FlowModels {
  /** SD layers quantized for the SD engine. */
  sd: IntModel;
  /** The float network before SD, int8 dense, for the dense baseline. */
  dense: IntModel;
}

/** Quantizes the checkpoint's SD model and its float model (per-channel scales, 16-bit multipliers). */
export function quantizeForEngines(ckpt: Checkpoint, train: ImageDataset): FlowModels {
  if (!ckpt.sd) throw new UserError('quantize: the checkpoint has no SD model');
  const calibration = calibrationImages(train, FLOW_CALIBRATION_IMAGES);
  return {
    sd: quantizeModel(ckpt.sd.model, { calibration, sd: Object.values(ckpt.sd.layers) }),
    dense: quantizeModel(ckpt.model, { calibration }),
  };
}
