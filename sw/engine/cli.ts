/**
 * `smartdeal pack`: IntModel + engine configuration -> memory images ($readmemh per memory, one
 * binary image, a manifest). `--verify N` runs the golden model on the packed images for the first
 * N test images and compares every logit with integer inference (runInt).
 */
import type { Command } from 'commander';
import { UserError } from '../../common/user-error.js';
import { imageSize } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { loadIntModel } from '../quant/int-model-io.js';
import { numberOption } from '../sd/cli.js';
import { inputActImage } from './act-alloc.js';
import { loadConfig } from './config.js';
import { writePackedImages } from './images.js';
import { packModel } from './pack.js';
import { checkGoldenAgainstRunInt } from './verify.js';

interface PackCli {
  model: string;
  config: string;
  out: string;
  data: string;
  image?: string;
  verify?: string;
}

function count(flag: string, text: string): number {
  const v = numberOption(flag, text, 0);
  if (!Number.isInteger(v) || v < 0) throw new UserError(`${flag}: expected a non-negative integer, got '${text}'`);
  return v;
}

export function runPack(o: PackCli): void {
  const model = loadIntModel(o.model);
  const lc = loadConfig(o.config);
  const packed = packModel(model, lc, o.model);
  const needData = o.image !== undefined || o.verify !== undefined;
  const test = needData ? loadDataset(o.data, 'test') : undefined;
  const pixels = (i: number): Uint8Array => {
    const size = imageSize(test!);
    if (i >= test!.count) throw new UserError(`--image: ${o.data} has ${test!.count} test images, asked for image ${i}`);
    return test!.pixels.subarray(i * size, (i + 1) * size);
  };
  const act = o.image !== undefined ? inputActImage(packed.map, packed.act, pixels(count('--image', o.image))) : undefined;
  const manifest = writePackedImages(packed, o.out, o.model, act);
  process.stdout.write(`packed ${o.model} for ${o.config} (${lc.config.mode}, config ${lc.hash.slice(0, 12)}) into ${o.out}\n`);
  for (const [name, m] of Object.entries(manifest.memories)) {
    process.stdout.write(`  ${name.padEnd(6)} ${String(m.words).padStart(6)} of ${m.depth * m.banks} words x ${m.width} bits = ${m.bytes} bytes\n`);
  }
  if (o.verify !== undefined) {
    const n = Math.min(count('--verify', o.verify), test!.count);
    const t0 = performance.now();
    const r = checkGoldenAgainstRunInt(packed, model, Array.from({ length: n }, (_, i) => pixels(i)));
    const ms = (performance.now() - t0) / Math.max(1, n);
    const correct = r.labels.filter((l, i) => l === test!.labels[i]).length;
    process.stdout.write(`golden model on the packed images vs runInt: ${r.identical}/${r.compared} ${o.data} test images with identical logits; accuracy ${(100 * correct / Math.max(1, n)).toFixed(2)}% (${ms.toFixed(1)} ms/image for both)\n`);
    const per = (v: number): string => (v / Math.max(1, n)).toFixed(0);
    const ev = r.events;
    process.stdout.write(`  per image: ${per(ev.macs)} MACs, ${per(ev.rowsSkipped)} rows skipped, ${per(ev.rebuildShiftAdds)} rebuild shift-adds, ` +
      Object.entries(ev.memories).map(([k, t]) => `${k} ${per(t.readBits)} bits read`).join(', ') + '\n');
    if (r.firstMismatch) throw new UserError(`golden model differs from runInt on test image ${r.firstMismatch.image}${r.firstMismatch.error ? ` (${r.firstMismatch.error})` : ''}`);
  }
}

/** Adds `smartdeal pack` to the program. */
export function registerPack(program: Command): void {
  program
    .command('pack')
    .description('memory images of an integer model for an engine configuration ($readmemh files, image.bin, manifest.json)')
    .requiredOption('--model <file>', 'integer model written by smartdeal quantize')
    .option('--config <file>', 'engine configuration', 'configs/default.json')
    .option('--out <dir>', 'output folder', 'build/pack')
    .option('--image <n>', 'also write the ACT banks holding test image n as input')
    .option('--data <name>', 'data set of --image and --verify', 'mnist')
    .option('--verify <n>', 'run the golden model on the packed images for the first n test images and compare with runInt')
    .action((o: PackCli) => {
      runPack(o);
    });
}
