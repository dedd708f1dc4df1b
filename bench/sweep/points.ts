/**
 * The point functions of the design-space sweeps (run in pool workers; each is a pure function of
 * its parameters, the data sets and the shipped checkpoint):
 *
 * - `compressionPoint` (sweeps pruning, ce-threshold, ce-exp-bits): from the shipped model's float
 *   weights, structural group pruning + SD decomposition with the point's settings, a short SD
 *   fine-tune (straight-through, `sdEpochs` epochs on the first `trainImages` training images),
 *   integer quantization, integer accuracy on the first `testImages` test images, then the engine
 *   (pack, golden events and cycles on `goldenImages` images) and optionally the area.
 * - `shapePoint` (sweep pe-shape): the shipped SD model as it is, on a PE array of peRows x peCols.
 */
import { join } from 'node:path';
import { loadCheckpoint, type Checkpoint } from '../../sw/checkpoint/checkpoint.js';
import { subset, type ImageDataset } from '../../sw/data/dataset.js';
import { loadDataset } from '../../sw/data/load.js';
import { loadConfig, type EngineConfig } from '../../sw/engine/config.js';
import { SHIPPED_CHECKPOINT } from '../../sw/flow/model.js';
import { intAccuracy } from '../../sw/quant/accuracy.js';
import { calibrationImages } from '../../sw/quant/cli.js';
import type { IntModel } from '../../sw/quant/int-model.js';
import { quantizeModel } from '../../sw/quant/quantize.js';
import { storageBits } from '../../sw/sd/storage.js';
import { DEFAULT_SD_CONFIG, trainSd, type SdTrainConfig } from '../../sw/sdtrain/finetune.js';
import { engineArea, type EngineArea } from './area.js';
import { engineMetrics, type EngineMetrics } from './engine-metrics.js';
import { DEFAULT_SWEEP_ROOT, type Json } from './store.js';

export const BASE_CONFIG = 'configs/default.json';
/** Calibration images for quantization, spread over the training set (as sw/flow does). */
const CALIBRATION = 300;
const AREA_CACHE = join(DEFAULT_SWEEP_ROOT, 'area');

// Loaded once per worker process: every point of a worker reuses them.
const cache = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}
const mnist = (split: 'train' | 'test'): ImageDataset => once(`mnist-${split}`, () => loadDataset('mnist', split));
const shipped = (): Checkpoint => once('ckpt', () => loadCheckpoint(SHIPPED_CHECKPOINT));
const baseConfig = (): EngineConfig => once('config', () => loadConfig(BASE_CONFIG).config);

function testImages(count: number): Uint8Array[] {
  const test = mnist('test');
  const size = test.pixels.length / test.count;
  return Array.from({ length: count }, (_, i) => test.pixels.subarray(i * size, (i + 1) * size));
}

/** Settings of a compression point; a sweep puts the swept one at the top level of its parameters. */
export interface CompressionSettings {
  [key: string]: Json;
  /** Group-pruned fraction of conv2's (input channel, kernel row) rows, groups of `groupSize` outputs. */
  conv2Prune: number;
  /** Group-pruned fraction of the classifier's rows (shipped: 0.76). */
  fcPrune: number;
  groupSize: number;
  /** Ce quantizer threshold (layer units, SMARTDEAL.md section 3). */
  threshold: number;
  /** Ce exponent bits of the decomposition and the engine (configs/default.json ceExpBits). */
  expBits: number;
  trainImages: number;
  sdEpochs: number;
  testImages: number;
  goldenImages: number;
  /** Synthesize the engine for the area (only where the configuration changes). */
  area: boolean;
}

/**
 * Parameters as stored: the swept setting at the top level (so a point's label is just it, e.g.
 * `conv2Prune=0.5`), the others under `settings`; top-level values win.
 */
export type CompressionParams = { settings: CompressionSettings } & Partial<CompressionSettings>;

export interface PointResult {
  [key: string]: Json;
}

function areaJson(a: EngineArea | null): Json {
  return a ? { ...a } : null;
}

/** The engine's numbers at the top level of a result (bench/report/sweeps.ts looks them up there). */
function metricsJson(m: EngineMetrics): PointResult {
  return { cyclesPerImage: m.cyclesPerImage, energy: m.energy as unknown as Json, weightBits: m.weightBits, weightBitsBy: m.weightBitsBy, goldenImages: m.images, events: m.events as unknown as Json };
}

export async function compressionPoint(params: CompressionParams): Promise<PointResult> {
  const { settings, ...swept } = params;
  const p = { ...settings, ...swept } as CompressionSettings;
  const trainAll = mnist('train');
  const test = mnist('test');
  const float = shipped().model;
  // The shipped SD training settings (models/README.md), with the point's compression.
  const cfg: SdTrainConfig = {
    ...DEFAULT_SD_CONFIG, epochs: p.sdEpochs, seed: 1, lr: 0.002, shift: 1, blockRows: 264,
    groupSize: p.groupSize, layerPrune: { conv2: p.conv2Prune, fc: p.fcPrune }, threshold: p.threshold, expBits: p.expBits,
  };
  const t0 = performance.now();
  // Per-epoch evaluation is only a signal here: 1,000 test images keep it cheap.
  const sd = trainSd(float, subset(trainAll, 0, Math.min(p.trainImages, trainAll.count)), subset(test, 0, 1000), cfg);
  const trainSeconds = (performance.now() - t0) / 1000;
  const layers = Object.values(sd.sd);
  const model: IntModel = quantizeModel(sd.model, { calibration: calibrationImages(trainAll, CALIBRATION), sd: layers });
  const acc = intAccuracy(model, test, p.testImages);
  const config: EngineConfig = { ...baseConfig(), ceExpBits: p.expBits };
  const engine = engineMetrics(model, config, `${BASE_CONFIG} (ceExpBits ${p.expBits})`, testImages(p.goldenImages));
  const storage = layers.map((l) => ({ layer: l.name, ...storageBits(l) }));
  const area = p.area ? await engineArea(config, AREA_CACHE) : null;
  return {
    intAccuracy: acc.accuracy, testImages: acc.count,
    sdFloatAccuracy1k: { postTraining: sd.history[0]!.test.accuracy, fineTuned: sd.history.at(-1)!.test.accuracy },
    sdWeightBits: storage.reduce((a, s) => a + s.totalBits, 0),
    denseInt8WeightBits: storage.reduce((a, s) => a + s.denseInt8Bits, 0),
    conv2PrunedRows: Math.floor(p.conv2Prune * (sd.sd.conv2?.layout.rowsPerOutput ?? 0)),
    ...metricsJson(engine),
    area: areaJson(area),
    config: config as unknown as Json,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
  };
}

export interface ShapeParams {
  [key: string]: Json;
  peRows: number;
  peCols: number;
  settings: { goldenImages: number; area: boolean };
}

/**
 * The base configuration with a peRows x peCols PE array and memories resized so they hold as many
 * bits as the base's: CE and W words are peRows lanes wide (depth scales by base peRows / peRows,
 * rounded up to a power of two), the activation banks are peCols (bytes per bank scale by base
 * peCols / peCols). IDX, B, BIAS and QUANT words do not depend on the shape.
 */
export function shapeConfig(base: EngineConfig, peRows: number, peCols: number): EngineConfig {
  const pow2Ceil = (v: number): number => 2 ** Math.ceil(Math.log2(v));
  return {
    ...base, peRows, peCols,
    ceDepth: pow2Ceil((base.ceDepth * base.peRows) / peRows),
    wDepth: pow2Ceil((base.wDepth * base.peRows) / peRows),
    actDepth: Math.max(16, (base.actDepth * base.peCols) / peCols),
  };
}

/**
 * The shipped model is pruned in groups of 4 outputs. Output tiles never cross a group, so with
 * more than 4 PE rows a tile would leave rows idle; for those shapes the model is re-grouped to
 * groups of peRows (rounded up to a multiple of its group), whose kept rows are the union of its
 * groups' kept rows: the same weights and accuracy, every PE row busy, some extra rows walked.
 */
export function regroupForPeRows(model: IntModel, peRows: number): IntModel {
  return {
    ...model,
    layers: model.layers.map((l) => {
      if (!('sd' in l) || !l.sd || l.sd.groupSize >= peRows) return l;
      const g = l.sd.groupSize;
      return { ...l, sd: { ...l.sd, groupSize: Math.ceil(peRows / g) * g } };
    }),
  };
}

export async function shapePoint(p: ShapeParams): Promise<PointResult> {
  const ckpt = shipped();
  const model = once('shipped-int', () => quantizeModel(ckpt.sd!.model, { calibration: calibrationImages(mnist('train'), CALIBRATION), sd: Object.values(ckpt.sd!.layers) }));
  const config = shapeConfig(baseConfig(), p.peRows, p.peCols);
  const regrouped = regroupForPeRows(model, p.peRows);
  const engine = engineMetrics(regrouped, config, `${BASE_CONFIG} (${p.peRows}x${p.peCols} PEs)`, testImages(p.settings.goldenImages));
  const area = p.settings.area ? await engineArea(config, AREA_CACHE) : null;
  const groupSizes = Object.fromEntries(regrouped.layers.flatMap((l) => ('sd' in l && l.sd ? [[l.name, l.sd.groupSize]] : [])));
  return { ...metricsJson(engine), area: areaJson(area), pes: p.peRows * p.peCols, groupSizes, config: config as unknown as Json };
}
