import { UserError } from '../../common/user-error.js';
import type { ModelSpec } from '../model/spec.js';

/** Two 3x3 convs and a classifier on a 28 x 28 grey image; `c1`, `c2` channels. */
function twoConv(c1: number, c2: number): ModelSpec {
  return {
    inputShape: [1, 28, 28],
    classes: 10,
    layers: [
      { kind: 'conv', name: 'conv1', inChannels: 1, outChannels: c1, kernel: 3, stride: 1, padding: 1 },
      { kind: 'relu' },
      { kind: 'maxpool2' },
      { kind: 'conv', name: 'conv2', inChannels: c1, outChannels: c2, kernel: 3, stride: 1, padding: 1 },
      { kind: 'relu' },
      { kind: 'maxpool2' },
      { kind: 'flatten' },
      { kind: 'linear', name: 'fc', inFeatures: c2 * 7 * 7, outFeatures: 10 },
    ],
  };
}

/** Model presets by name. `mnist-small` is sized for a small iCE40 FPGA. */
export const PRESETS: Record<string, () => ModelSpec> = {
  'mnist-small': () => twoConv(8, 16),
  'mnist-medium': () => twoConv(16, 32),
  /** A toy net for tests and smoke runs. */
  'mnist-tiny': () => twoConv(4, 8),
};

export function presetSpec(name: string): ModelSpec {
  const make = PRESETS[name];
  if (!make) throw new UserError(`model preset: expected one of ${Object.keys(PRESETS).join(', ')}, found "${name}"`);
  return make();
}
