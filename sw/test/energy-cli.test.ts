import { describe, expect, it } from 'vitest';
import { isUserError } from '../../common/user-error.js';
import { runEnergy } from '../energy/cli.js';

const base = { checkpoint: 'models/mnist-small-sd.ckpt', data: 'mnist', images: '2', sdConfig: 'configs/default.json', denseConfig: 'configs/dense.json', dram: 'low' };

function messageOf(f: () => void): string {
  try { f(); } catch (e) { expect(isUserError(e)).toBe(true); return (e as Error).message; }
  throw new Error('expected a user error');
}

describe('smartdeal energy: user mistakes are one clear line', () => {
  it('names the option, what was expected and what was found', () => {
    const cases: [Partial<typeof base>, RegExp][] = [
      [{ dram: 'medium' }, /--dram: expected low or high, found 'medium'/],
      [{ images: '0' }, /--images: expected a positive integer, got '0'/],
      [{ sdConfig: 'configs/dense.json' }, /configs\/dense\.json: mode: expected sd for --sd-config, found dense/],
      [{ denseConfig: 'configs/default.json' }, /configs\/default\.json: mode: expected dense for --dense-config, found sd/],
    ];
    for (const [o, want] of cases) expect(messageOf(() => runEnergy({ ...base, ...o }))).toMatch(want);
    console.log(`compared ${cases.length} error messages`);
  });
});
