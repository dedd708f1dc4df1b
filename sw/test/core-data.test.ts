import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { batches, subset } from '../data/dataset.js';
import { readFashionClass } from '../data/fashion.js';
import { parseIdx } from '../data/idx.js';
import { loadIdxPair, loadMnist, mnistDataDir } from '../data/mnist.js';

const dir = mkdtempSync(join(tmpdir(), 'sd-data-'));

function idx(magic: number[], dims: number[], data: number[]): Uint8Array {
  const head = [...magic];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...head, ...data]);
}

function expectUserError(fn: () => unknown, ...parts: string[]): void {
  let message = '';
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('UserError');
    message = (e as Error).message;
  }
  for (const p of parts) expect(message, `message "${message}" should mention "${p}"`).toContain(p);
}

describe('IDX loader', () => {
  it('parses a hand-made file', () => {
    const a = parseIdx(idx([0, 0, 8, 3], [2, 1, 2], [1, 2, 3, 4]), 'mem', 3);
    expect(a.dims).toEqual([2, 1, 2]);
    expect([...a.data]).toEqual([1, 2, 3, 4]);
    console.log('compared the dims and 4 bytes of a hand-made IDX file');
  });

  it('rejects wrong magic, short header and truncated or overlong data, naming the file', () => {
    expectUserError(() => parseIdx(idx([0, 0, 8, 1], [2], [0, 1]), 'labels.idx', 3), 'labels.idx', '0x00000803', '0x00000801');
    expectUserError(() => parseIdx(idx([0, 0, 0x0d, 3], [1, 1, 1], [0]), 'f.idx', 3), 'f.idx', 'magic');
    expectUserError(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), 'short.idx', 3), 'short.idx', '16-byte header', 'found 6');
    expectUserError(() => parseIdx(idx([0, 0, 8, 3], [2, 2, 2], [1, 2, 3]), 'trunc.idx', 3), 'trunc.idx', 'need 8', 'found 3', 'truncated');
    expectUserError(() => parseIdx(idx([0, 0, 8, 1], [2], [1, 2, 3]), 'long.idx', 1), 'long.idx', 'need 2', 'found 3');
    console.log('compared 5 corrupted IDX headers/bodies with the expected UserError messages');
  });

  it('rejects an image/label pair that disagrees, and a missing file', () => {
    const images = join(dir, 'img');
    const labels = join(dir, 'lab');
    writeFileSync(images, idx([0, 0, 8, 3], [2, 28, 28], new Array(2 * 784).fill(0)));
    writeFileSync(labels, idx([0, 0, 8, 1], [3], [1, 2, 3]));
    expectUserError(() => loadIdxPair('t', images, labels), labels, 'expected 2 labels', 'found 3');
    writeFileSync(labels, idx([0, 0, 8, 1], [2], [1, 12]));
    expectUserError(() => loadIdxPair('t', images, labels), labels, 'label 1 is 12');
    writeFileSync(images, idx([0, 0, 8, 3], [1, 27, 28], new Array(27 * 28).fill(0)));
    expectUserError(() => loadIdxPair('t', images, labels), images, '28 x 28', '27 x 28');
    expectUserError(() => loadIdxPair('t', join(dir, 'nope'), labels), join(dir, 'nope'), 'ENOENT');
    // A real file cut short: the first 1000 bytes of the MNIST test images.
    const cut = join(dir, 'cut-images');
    writeFileSync(cut, readFileSync(join(mnistDataDir(), 't10k-images-idx3-ubyte')).subarray(0, 1000));
    expectUserError(() => loadIdxPair('t', cut, labels), cut, 'need 7840000', 'found 984', 'truncated');
    console.log('compared 5 inconsistent image/label files with the expected UserError messages');
  });

  it('loads the real MNIST files (known first labels: train 5, 0, 4, 1; test 7, 2, 1, 0)', () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect([...train.labels.subarray(0, 4)]).toEqual([5, 0, 4, 1]);
    expect([...test.labels.subarray(0, 4)]).toEqual([7, 2, 1, 0]);
    console.log('compared counts and the first 4 labels of MNIST train/test with the published values');
  });
});

describe('Fashion-MNIST class files', () => {
  it('accepts a good file (skipping empty records) and rejects bad ones with file and position', () => {
    const good = join(dir, 'good.json');
    const img = new Array(784).fill(0).map((_, i) => i % 256);
    writeFileSync(good, JSON.stringify({ data: [img, [], img] }));
    const bytes = readFashionClass(good);
    expect(bytes.length).toBe(2 * 784);
    expect(bytes[783]).toBe(783 % 256);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ data: [img, img.slice(0, 700)] }));
    expectUserError(() => readFashionClass(bad), bad, 'image 1', '784 pixels', '700 values');
    writeFileSync(bad, JSON.stringify({ data: [[...img.slice(0, 10), 300, ...img.slice(11)]] }));
    expectUserError(() => readFashionClass(bad), bad, 'pixel 10', '0..255', '300');
    writeFileSync(bad, JSON.stringify({ images: [] }));
    expectUserError(() => readFashionClass(bad), bad, '"data" array');
    writeFileSync(bad, '{"data": [[1,2,');
    expectUserError(() => readFashionClass(bad), bad, 'cannot read');
    console.log('compared 1 good and 4 corrupted Fashion-MNIST class files with expected bytes/messages');
  });
});

describe('batching', () => {
  it('visits every image exactly once per epoch, seeded order is reproducible', () => {
    const ds = subset(loadMnist('test'), 100, 50);
    const seen = (seed: number) => {
      const labels: number[] = [];
      let sum = 0;
      for (const b of batches(ds, 16, new Rng(seed))) {
        labels.push(...b.labels);
        for (const v of b.x.data) sum += v;
      }
      return { labels, sum };
    };
    const a = seen(3), b = seen(3);
    expect(a).toEqual(b);
    expect([...a.labels].sort()).toEqual([...ds.labels].sort());
    let pixelSum = 0;
    for (const p of ds.pixels) pixelSum += p / 255;
    expect(a.sum).toBeCloseTo(pixelSum, 1);
    console.log(`compared labels and pixel sums of 50 images over two seeded epochs (seed 3)`);
  });
});
