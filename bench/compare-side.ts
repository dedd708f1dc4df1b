/**
 * One engine (SD or dense) on one data set's integer model, for bench/compare.ts: packed weight bits,
 * integer accuracy on the test set, N test images on the RTL (each checked bit-exact against the
 * golden model, the cycle model and runInt), the golden model's events averaged over the same
 * images, and from those events the on-chip accesses, off-chip bytes and modelled energy (sw/energy).
 */
import { startProgress } from '../common/progress.js';
import { imageSize, type ImageDataset } from '../sw/data/dataset.js';
import { inputActImage } from '../sw/engine/act-alloc.js';
import type { LoadedConfig } from '../sw/engine/config.js';
import { addEvents, emptyEvents, type EngineEvents } from '../sw/engine/events.js';
import { GoldenEngine } from '../sw/engine/golden.js';
import { packModel, type PackedModel } from '../sw/engine/pack.js';
import { energyOfEvents, footprintOf, offChipBytes } from '../sw/energy/model.js';
import { openEngine } from '../sw/flow/engine-sim.js';
import { runImagesOnRtl } from '../sw/flow/rtl-check.js';
import { packedBits } from '../sw/flow/storage.js';
import { intAccuracy } from '../sw/quant/accuracy.js';
import type { IntModel } from '../sw/quant/int-model.js';
import { SCENARIOS, type EngineSide, type EnergyPerImage, type Scenario } from './report/types.js';

export interface SideOptions {
  /** Test images run on the RTL (and the golden model for events). */
  rtlImages: number;
  /** Test images for integer accuracy (10,000 = the whole test set). */
  accuracyImages: number;
  /** Folder for the generated Verilog. */
  rtlDir: string;
  label: string;
}

/** Events of each field divided by n: the per-image mean. */
export function meanEvents(total: EngineEvents, n: number): EngineEvents {
  const d = Math.max(1, n);
  const out = emptyEvents([]);
  addEvents(out, total);
  for (const t of Object.values(out.memories)) {
    t.readWords /= d; t.readBits /= d; t.writeWords /= d; t.writeBits /= d;
  }
  for (const k of ['macs', 'rowsSkipped', 'rowsWalked', 'rebuiltWeights', 'rebuildShiftAdds', 'requantized', 'logitsWritten', 'outputTiles', 'pixelTiles', 'poolOutputs'] as const) out[k] /= d;
  return out;
}

/** Golden-model events summed over the first `n` test images. */
function goldenEvents(packed: PackedModel, ds: ImageDataset, n: number, label: string): EngineEvents {
  const golden = new GoldenEngine(packed.config, packed.images);
  const total = emptyEvents([]);
  const size = imageSize(ds);
  const bar = startProgress(`${label} golden events`, n);
  for (let i = 0; i < n; i++) {
    const r = golden.run(inputActImage(packed.map, packed.act, ds.pixels.subarray(i * size, (i + 1) * size)));
    if (r.status !== 'done') throw new Error(`${label}: the golden model stopped on test image ${i}: ${r.error?.message}`);
    addEvents(total, r.events);
    bar.update(i + 1);
  }
  bar.stop();
  return total;
}

function accuracyWithProgress(model: IntModel, ds: ImageDataset, n: number, label: string): number {
  // intAccuracy is the reference; this loop only adds a progress bar over chunks of it.
  const chunk = 500;
  const bar = startProgress(`${label} integer accuracy`, n);
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const size = imageSize(ds);
    const part = { pixels: ds.pixels.subarray(start * size, (start + count) * size), labels: ds.labels.subarray(start, start + count), count };
    correct += intAccuracy(model, part).correct;
    bar.update(start + count);
  }
  bar.stop();
  return correct / Math.max(1, n);
}

/** `configs/x.json (sha256 1a2b3c4d)`: the file name and which contents were measured (configurations change). */
export function configLabel(lc: LoadedConfig): string {
  return `${lc.source} (sha256 ${lc.hash.slice(0, 8)})`;
}

export async function measureSide(model: IntModel, lc: LoadedConfig, test: ImageDataset, o: SideOptions): Promise<EngineSide> {
  const packed = packModel(model, lc, o.label);
  const weightMemories = lc.config.mode === 'sd' ? (['CE', 'IDX', 'B'] as const) : (['W'] as const);
  const weightBits = packedBits(packed, weightMemories) as Record<string, number>;
  const n = Math.min(o.rtlImages, test.count);

  const engine = await openEngine(lc.config, o.rtlDir);
  let rtl;
  try {
    engine.host.loadModel(packed.images, packed.used);
    rtl = runImagesOnRtl(engine.host, packed, model, test, n, { label: `${o.label} RTL` });
    for (const m of rtl.mismatches.slice(0, 5)) process.stderr.write(`  ${o.label} mismatch: ${m}\n`);
  } finally {
    engine.close();
  }
  const events = meanEvents(goldenEvents(packed, test, n, o.label), n);
  const footprint = footprintOf(packed);
  const accesses = Object.fromEntries(Object.entries(events.memories).map(([m, t]) => [m, { reads: t.readWords, writes: t.writeWords }]));
  const offChip = Object.fromEntries(SCENARIOS.map((sc) => [sc, offChipBytes(events, lc.config, footprint, sc).totalBytes])) as Record<Scenario, number>;
  const energy = Object.fromEntries(SCENARIOS.map((sc) => {
    const b = energyOfEvents(events, lc.config, { scenario: sc, footprint });
    return [sc, { totalPj: b.totalPj, parts: b.parts.map((p) => ({ group: p.group, name: p.name, events: p.events, pjPerEvent: p.pjPerEvent, pj: p.pj })) } satisfies EnergyPerImage];
  })) as Record<Scenario, EnergyPerImage>;
  const accuracyImages = Math.min(o.accuracyImages, test.count);

  return {
    config: configLabel(lc),
    weightBits,
    weightBitsTotal: Object.values(weightBits).reduce((a, b) => a + b, 0),
    offChipBytes: offChip,
    accesses,
    cyclesPerImage: rtl.cycles / Math.max(1, rtl.images),
    rtl: { images: rtl.images, accuracy: rtl.rtlCorrect / Math.max(1, rtl.images), bitExact: rtl.imagesWithMismatch === 0 && rtl.rtlCorrect === rtl.intCorrect, imagesWithMismatch: rtl.imagesWithMismatch },
    intAccuracy: accuracyWithProgress(model, test, accuracyImages, o.label),
    testImages: accuracyImages,
    energy,
    fpga: null,
  };
}
