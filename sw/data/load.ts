import { UserError } from '../../common/user-error.js';
import type { ImageDataset } from './dataset.js';
import { loadFashion } from './fashion.js';
import { loadMnist, type Split } from './mnist.js';

export const DATASETS = ['mnist', 'fashion'] as const;
export type DatasetName = (typeof DATASETS)[number];

export function loadDataset(name: string, split: Split): ImageDataset {
  if (name === 'mnist') return loadMnist(split);
  if (name === 'fashion') return loadFashion(split);
  throw new UserError(`data set: expected one of ${DATASETS.join(', ')}, found "${name}"`);
}
