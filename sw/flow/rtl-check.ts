/**
 * The check stage of the flow: run test images through the engine RTL (model already loaded) and,
 * for every image, compare logits, label, status, every CSR counter and the cycle count with the
 * golden model and the cycle model (generator/engine/host-check.ts), and the logits with integer
 * inference (runInt), the reference that accuracy is reported with.
 */
import { startProgress } from '../../common/progress.js';
import { compareImage } from '../../generator/engine/host-check.js';
import type { EngineHost } from '../../generator/engine/host-driver.js';
import { imageSize, type ImageDataset } from '../data/dataset.js';
import type { PackedModel } from '../engine/pack.js';
import type { IntModel } from '../quant/int-model.js';
import { runInt } from '../quant/int-infer.js';

export interface RtlRunSummary {
  images: number;
  /** Images the RTL labelled correctly. */
  rtlCorrect: number;
  /** Images integer inference (runInt) labelled correctly. */
  intCorrect: number;
  /** Values compared (logits, label, status, 16 counters, stepped cycles, runInt logits). */
  compared: number;
  /** Images on which anything differed. */
  imagesWithMismatch: number;
  /** First differences (at most 20), each naming the image and the value. */
  mismatches: string[];
  /** RTL cycle counter: total, fewest and most per image. */
  cycles: number;
  minCycles: number;
  maxCycles: number;
  stalls: number;
  macs: number;
  /** Wall time of the whole loop (golden model, runInt and RTL). */
  ms: number;
}

/** Runs the first `count` test images of `ds` (from `first`) on the RTL and checks each one. */
export function runImagesOnRtl(host: EngineHost, packed: PackedModel, model: IntModel, ds: ImageDataset, count: number, opts: { first?: number; label?: string } = {}): RtlRunSummary {
  const first = opts.first ?? 0;
  const n = Math.max(0, Math.min(count, ds.count - first));
  const size = imageSize(ds);
  const s: RtlRunSummary = { images: n, rtlCorrect: 0, intCorrect: 0, compared: 0, imagesWithMismatch: 0, mismatches: [], cycles: 0, minCycles: Infinity, maxCycles: 0, stalls: 0, macs: 0, ms: 0 };
  const bar = startProgress(opts.label ?? `RTL ${packed.config.mode}`, n, ['acc', 'cycles']);
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const pixels = ds.pixels.subarray(i * size, (i + 1) * size);
    const r = compareImage(host, packed, pixels, `${ds.name} test image ${i}`);
    const ref = runInt(model, pixels);
    const diffs = [...r.mismatches];
    s.compared += r.compared + ref.logits.length;
    ref.logits.forEach((v, j) => { if (r.rtl.logits[j] !== v) diffs.push(`${ds.name} test image ${i}: runInt logit ${j}: expected ${v}, RTL gave ${r.rtl.logits[j]}`); });
    if (diffs.length > 0) s.imagesWithMismatch++;
    s.mismatches.push(...diffs.slice(0, Math.max(0, 20 - s.mismatches.length)));
    const label = ds.labels[i];
    if (r.rtl.label === label) s.rtlCorrect++;
    if (ref.label === label) s.intCorrect++;
    const c = r.rtl.counters;
    s.cycles += c.cycles;
    s.minCycles = Math.min(s.minCycles, c.cycles);
    s.maxCycles = Math.max(s.maxCycles, c.cycles);
    s.stalls += c.stalls;
    s.macs += c.macs;
    bar.update(k + 1, { acc: `${((100 * s.rtlCorrect) / (k + 1)).toFixed(1)}%`, cycles: c.cycles });
  }
  bar.stop();
  s.ms = performance.now() - t0;
  if (n === 0) s.minCycles = 0;
  return s;
}
