/**
 * The trained MNIST model on the engine RTL: quantize an SD checkpoint, pack it for the SD engine
 * (configs/default.json), run test images on Verilator through the host bus and check every image
 * bit-exact (logits, label, status, all 16 counters, the cycle counter against the cycle model,
 * logits against runInt); accuracy must equal integer inference. Then the dense baseline
 * (configs/dense.json) on the dense int8 model of the same float network, same checks.
 *
 * Usage: npx tsx bench/engine-mnist.ts [--ckpt file] [--images n] [--dense-images n]
 * (defaults: the shipped models/mnist-small-sd.ckpt, 1,000 and 1,000). Prints a summary and one
 * JSON line at the end.
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../sw/data/load.js';
import { loadConfig, type LoadedConfig } from '../sw/engine/config.js';
import { packModel } from '../sw/engine/pack.js';
import { openEngine } from '../sw/flow/engine-sim.js';
import { loadSdCheckpoint, quantizeForEngines, SHIPPED_CHECKPOINT } from '../sw/flow/model.js';
import { runImagesOnRtl, type RtlRunSummary } from '../sw/flow/rtl-check.js';
import { weightStorage } from '../sw/flow/storage.js';
import type { IntModel } from '../sw/quant/int-model.js';
import type { ImageDataset } from '../sw/data/dataset.js';

const { values } = parseArgs({ options: { ckpt: { type: 'string' }, images: { type: 'string' }, 'dense-images': { type: 'string' } } });
const ckptPath = values.ckpt ?? SHIPPED_CHECKPOINT;
const images = Number(values.images ?? 1000);
const denseImages = Number(values['dense-images'] ?? 1000);

async function runEngine(lc: LoadedConfig, model: IntModel, test: ImageDataset, n: number, what: string): Promise<{ summary: RtlRunSummary; buildSeconds: number; packed: ReturnType<typeof packModel> }> {
  const packed = packModel(model, lc, what);
  const engine = await openEngine(lc.config, `build/bench/engine-mnist/${lc.config.mode}-rtl`);
  try {
    engine.host.loadModel(packed.images, packed.used);
    const summary = runImagesOnRtl(engine.host, packed, model, test, n, { label: `${lc.config.mode} RTL` });
    return { summary, buildSeconds: engine.buildMs / 1000, packed };
  } finally {
    engine.close();
  }
}

function report(what: string, r: RtlRunSummary): Record<string, unknown> {
  const perImage = r.cycles / r.images;
  process.stdout.write(`${what}: ${r.images} images, RTL accuracy ${(100 * r.rtlCorrect / r.images).toFixed(2)}% (runInt ${(100 * r.intCorrect / r.images).toFixed(2)}%), ` +
    `${Math.round(perImage)} cycles/image (min ${r.minCycles}, max ${r.maxCycles}, ${(100 * r.stalls / r.cycles).toFixed(1)}% stalls, ${(r.macs / r.cycles).toFixed(2)} MACs/cycle), ` +
    `${(r.ms / 1000).toFixed(1)} s wall = ${(1000 * r.images / r.ms).toFixed(1)} images/s; ${r.compared} values compared, ${r.imagesWithMismatch} images with a difference\n`);
  for (const m of r.mismatches.slice(0, 5)) process.stdout.write(`  ${m}\n`);
  return {
    images: r.images, rtlAccuracy: r.rtlCorrect / r.images, intAccuracy: r.intCorrect / r.images, cyclesPerImage: perImage, minCycles: r.minCycles,
    maxCycles: r.maxCycles, stallShare: r.stalls / r.cycles, macsPerCycle: r.macs / r.cycles, wallSeconds: r.ms / 1000, imagesPerSecond: (1000 * r.images) / r.ms,
    compared: r.compared, imagesWithMismatch: r.imagesWithMismatch,
  };
}

const ckpt = loadSdCheckpoint(ckptPath);
const train = loadDataset('mnist', 'train');
const test = loadDataset('mnist', 'test');
const models = quantizeForEngines(ckpt, train);
const sd = await runEngine(loadConfig('configs/default.json'), models.sd, test, images, 'SD int model');
const sdRow = report('SD engine (configs/default.json)', sd.summary);
let denseRow: Record<string, unknown> | undefined;
let densePacked;
if (denseImages > 0) {
  const dense = await runEngine(loadConfig('configs/dense.json'), models.dense, test, denseImages, 'dense int model');
  denseRow = report('dense engine (configs/dense.json)', dense.summary);
  densePacked = dense.packed;
}
const storage = weightStorage(sd.packed, Object.values(ckpt.sd!.layers), densePacked);
process.stdout.write(`weight storage: SD engine ${storage.sdEngineBits} bits (CE + IDX + B)${storage.denseEngineBits !== undefined ? `, dense engine ${storage.denseEngineBits} bits (W), ${(storage.denseEngineBits / storage.sdEngineBits).toFixed(2)}x` : ''}\n`);
const exact = sd.summary.imagesWithMismatch === 0 && sd.summary.rtlCorrect === sd.summary.intCorrect && (denseRow === undefined || denseRow.imagesWithMismatch === 0);
process.stdout.write(JSON.stringify({ checkpoint: ckptPath, bitExact: exact, sd: sdRow, dense: denseRow ?? null, storage }) + '\n');
if (!exact) process.exit(1);
