/**
 * `smartdeal demo`: the whole flow on MNIST with nothing but the machine. Load the shipped SD
 * checkpoint (or train a short one), quantize it, pack it for the engine configuration, generate
 * the engine's Verilog, build it on Verilator, run test images through the host bus and check each
 * one bit-exact against the golden model, the cycle model and integer inference; then print
 * accuracy (RTL, integer, float), cycles per image and SD against dense weight storage.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { UserError } from '../../common/user-error.js';
import { saveCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { subset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { loadConfig } from '../engine/config.js';
import { inputActImage } from '../engine/act-alloc.js';
import { writePackedImages } from '../engine/images.js';
import { packModel } from '../engine/pack.js';
import { floatAccuracy } from '../quant/accuracy.js';
import { saveIntModel } from '../quant/int-model-io.js';
import { effectiveFloatModel } from '../quant/quantize.js';
import { openEngine } from './engine-sim.js';
import { DEFAULT_SHORT_TRAINING, loadSdCheckpoint, quantizeForEngines, SHIPPED_CHECKPOINT, trainShortSd } from './model.js';
import { runImagesOnRtl, type RtlRunSummary } from './rtl-check.js';
import { weightStorage } from './storage.js';

export interface EngineDemoOptions {
  /** Checkpoint with an SD model (default: the shipped one). */
  ckpt?: string;
  /** Train a short model instead of loading one (written to `<work>/trained.ckpt`). */
  train?: boolean;
  images: number;
  /** Engine configuration (SD mode) and the dense baseline it is compared with (storage only). */
  config: string;
  denseConfig: string;
  /** Verilog of the engine. */
  rtlOut: string;
  /** Integer model, packed images, summary. */
  work: string;
  /** Clock of the storage/throughput estimate (the iCEBreaker's oscillator). */
  clockHz?: number;
}

export interface EngineDemoResult {
  checkpoint: string;
  config: string;
  configHash: string;
  top: string;
  images: number;
  accuracy: { rtl: number; int: number; sdFloat: number; float: number };
  rtl: RtlRunSummary;
  cyclesPerImage: number;
  storage: ReturnType<typeof weightStorage>;
  seconds: { total: number; model: number; rtlBuild: number; run: number };
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const kbits = (bits: number): string => `${(bits / 1000).toFixed(1)} kbit`;

function step(i: number, what: string, detail: string): void {
  process.stdout.write(`[${i}/6] ${what.padEnd(9)} ${detail}\n`);
}

function describeCheckpoint(ckpt: Checkpoint): string {
  const m = ckpt.meta as { preset?: string; float?: { epochs?: number }; sd?: { epochs?: number } };
  return `${m.preset ?? 'model'}, ${m.float?.epochs ?? '?'} float + ${m.sd?.epochs ?? '?'} SD epochs`;
}

export async function runEngineDemo(o: EngineDemoOptions): Promise<EngineDemoResult> {
  if (!Number.isInteger(o.images) || o.images < 1) throw new UserError(`--images: expected a positive integer, found ${o.images}`);
  const clockHz = o.clockHz ?? 12e6;
  const t0 = performance.now();
  const lc = loadConfig(o.config);
  if (lc.config.mode !== 'sd') throw new UserError(`${o.config}: mode: the demo runs the SD engine, expected "sd", found "${lc.config.mode}"`);
  const denseLc = loadConfig(o.denseConfig);
  if (denseLc.config.mode !== 'dense') throw new UserError(`${o.denseConfig}: mode: expected "dense" for the baseline, found "${denseLc.config.mode}"`);
  const train = loadDataset('mnist', 'train');
  const testAll = loadDataset('mnist', 'test');
  const test = subset(testAll, 0, Math.min(o.images, testAll.count));

  let ckptPath = o.ckpt ?? SHIPPED_CHECKPOINT;
  let ckpt: Checkpoint;
  if (o.train) {
    const t = DEFAULT_SHORT_TRAINING;
    process.stdout.write(`training mnist-small: ${t.floatEpochs} float + ${t.sdEpochs} SD epoch on the first ${t.images} training images\n`);
    ckpt = trainShortSd(train, testAll, t);
    ckptPath = join(o.work, 'trained.ckpt');
    saveCheckpoint(ckptPath, ckpt);
  } else {
    ckpt = loadSdCheckpoint(ckptPath);
  }
  step(1, 'model', `${ckptPath} (${describeCheckpoint(ckpt)})`);

  const models = quantizeForEngines(ckpt, train);
  const intModelPath = join(o.work, 'int-model.json');
  saveIntModel(intModelPath, models.sd);
  step(2, 'quantize', `int8 SD model (300 calibration images, 16-bit multipliers) -> ${intModelPath}`);

  const packed = packModel(models.sd, lc, intModelPath);
  const packDir = join(o.work, 'pack');
  writePackedImages(packed, packDir, intModelPath, inputActImage(packed.map, packed.act, test.pixels.subarray(0, 784)));
  // The dense baseline of the same float network, packed only to count its weight storage; a
  // model too large for the dense configuration leaves that column empty.
  let densePacked;
  try {
    densePacked = packModel(models.dense, denseLc, 'dense int8 model');
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stdout.write(`  dense baseline not packed: ${e.message}\n`);
  }
  const used = Object.entries(packed.used).map(([k, v]) => `${k} ${v}`).join(', ');
  step(3, 'pack', `${o.config} (config ${lc.hash.slice(0, 12)}): ${used} words -> ${packDir}`);
  const tModel = performance.now();

  const engine = await openEngine(lc.config, o.rtlOut);
  step(4, 'rtl', `${engine.top}: ${engine.files.length} Verilog files in ${o.rtlOut} (${(engine.generateMs / 1000).toFixed(1)} s); ` +
    `Verilator model ${engine.cacheHit ? 'from the cache' : 'built'} in ${(engine.buildMs / 1000).toFixed(1)} s`);
  const tBuild = performance.now();
  let rtl: RtlRunSummary;
  try {
    const words = engine.host.loadModel(packed.images, packed.used);
    step(5, 'simulate', `${words} host words loaded over the bus; running ${test.count} MNIST test images, each checked against golden model, cycle model and runInt`);
    rtl = runImagesOnRtl(engine.host, packed, models.sd, test, test.count, { label: 'RTL' });
  } finally {
    engine.close();
  }
  const tRun = performance.now();

  const sdLayers = Object.values(ckpt.sd!.layers);
  const storage = weightStorage(packed, sdLayers, densePacked);
  const accuracy = {
    rtl: rtl.rtlCorrect / rtl.images,
    int: rtl.intCorrect / rtl.images,
    sdFloat: floatAccuracy(effectiveFloatModel(ckpt.sd!.model, sdLayers), test).accuracy,
    float: floatAccuracy(ckpt.model, test).accuracy,
  };
  const cyclesPerImage = rtl.cycles / rtl.images;
  const ok = rtl.imagesWithMismatch === 0;
  step(6, 'compare', `${rtl.compared} values compared: ${ok ? 'RTL bit-exact with golden model, cycle model and runInt on every image' : `${rtl.imagesWithMismatch} images DIFFER`}`);

  const lines = [
    '',
    `accuracy on the first ${rtl.images} MNIST test images:`,
    `  RTL (Verilator)            ${pct(accuracy.rtl)}`,
    `  integer inference (runInt) ${pct(accuracy.int)}`,
    `  float, SD weights (Ce x B) ${pct(accuracy.sdFloat)}`,
    `  float, before SD           ${pct(accuracy.float)}`,
    `cycles per image: ${Math.round(cyclesPerImage)} (min ${rtl.minCycles}, max ${rtl.maxCycles}; ${pct(rtl.stalls / rtl.cycles)} stalls; ` +
      `${(rtl.macs / rtl.cycles).toFixed(2)} MACs/cycle of ${lc.config.peRows * lc.config.peCols}) = ${((1000 * cyclesPerImage) / clockHz).toFixed(2)} ms per image at ${clockHz / 1e6} MHz`,
    `weight storage: SD engine ${kbits(storage.sdEngineBits)} (${Object.entries(storage.sdEngine).map(([k, v]) => `${k} ${v}`).join(' + ')} bits)` +
      (storage.denseEngineBits !== undefined ? `, dense engine ${kbits(storage.denseEngineBits)} (W): ${(storage.denseEngineBits / storage.sdEngineBits).toFixed(2)}x smaller` : ''),
    `                SD layers ${kbits(storage.sdBits)} against dense int8 ${kbits(storage.denseInt8Bits)}: ${(storage.denseInt8Bits / storage.sdBits).toFixed(2)}x smaller (sw/sd accounting)`,
    `simulation: ${(rtl.ms / 1000).toFixed(1)} s for ${rtl.images} images (${((1000 * rtl.images) / rtl.ms).toFixed(1)} images/s with all checks); whole demo ${((tRun - t0) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const result: EngineDemoResult = {
    checkpoint: ckptPath, config: o.config, configHash: lc.hash, top: engine.top, images: rtl.images, accuracy, rtl: { ...rtl, mismatches: rtl.mismatches.slice(0, 5) },
    cyclesPerImage, storage, seconds: { total: (tRun - t0) / 1000, model: (tModel - t0) / 1000, rtlBuild: (tBuild - tModel) / 1000, run: (tRun - tBuild) / 1000 },
  };
  writeFileAtomic(join(o.work, 'summary.json'), JSON.stringify(result, null, 2) + '\n');
  if (!ok) throw new UserError(`the RTL differs on ${rtl.imagesWithMismatch} of ${rtl.images} images:\n  ${rtl.mismatches.join('\n  ')}`);
  return result;
}
