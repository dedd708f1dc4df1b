/**
 * Training throughput (images/s) of our trainer against @tensorflow/tfjs on its pure-JS CPU backend,
 * same model (mnist-small: conv3x3 1->8, BN, ReLU, maxpool, conv3x3 8->16, BN, ReLU, maxpool,
 * linear 784->10), same batch, SGD with momentum, one process, medians of several runs.
 * Prints a JSON line at the end. Usage: npx tsx bench/train-throughput.ts [batch]
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../common/rng.js';
import { gatherBatch, subset } from '../sw/data/dataset.js';
import { loadMnist } from '../sw/data/mnist.js';
import { buildNetwork } from '../sw/nn/network.js';
import { presetSpec } from '../sw/nn/presets.js';
import { Sgd } from '../sw/optim/optimizer.js';
import { constantLr } from '../sw/optim/schedule.js';
import { trainEpoch } from '../sw/train/loop.js';

const batch = Number(process.argv[2] ?? 64);
const oursBatches = 20, oursRuns = 5;
const tfBatches = 3, tfRuns = 3;
const data = loadMnist('train');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function oursRun(seed: number): number {
  const rng = new Rng(seed);
  const net = buildNetwork(presetSpec('mnist-small'), rng, { batchNorm: true });
  const opt = new Sgd(net.params(), { momentum: 0.9 });
  const ds = subset(data, seed * 1000, batch * oursBatches);
  const t0 = performance.now();
  trainEpoch(net, ds, opt, { batchSize: batch, rng, schedule: constantLr(0.05), firstStep: 0, totalSteps: oursBatches });
  return ds.count / ((performance.now() - t0) / 1000);
}

function tfModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same' }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.reLU());
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.reLU());
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy' });
  return m;
}

async function tfRun(seed: number): Promise<number> {
  const model = tfModel();
  const batches = Array.from({ length: tfBatches + 1 }, (_, b) => {
    const idx = Array.from({ length: batch }, (_, i) => seed * 1000 + b * batch + i);
    const { x, labels } = gatherBatch(data, idx);
    return { x: tf.tensor4d(x.data, [batch, 28, 28, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) };
  });
  await model.trainOnBatch(batches[0]!.x, batches[0]!.y); // warm-up: builds the graph and kernels
  const t0 = performance.now();
  for (let b = 1; b <= tfBatches; b++) await model.trainOnBatch(batches[b]!.x, batches[b]!.y);
  const rate = (tfBatches * batch) / ((performance.now() - t0) / 1000);
  for (const b of batches) tf.dispose([b.x, b.y]);
  model.dispose();
  return rate;
}

await tf.setBackend('cpu');
oursRun(0); // warm-up for the JIT
const ours: number[] = [];
for (let r = 1; r <= oursRuns; r++) {
  ours.push(oursRun(r));
  process.stderr.write(`ours run ${r}: ${ours.at(-1)!.toFixed(0)} images/s\n`);
}
const peer: number[] = [];
for (let r = 1; r <= tfRuns; r++) {
  peer.push(await tfRun(r));
  process.stderr.write(`tfjs-cpu run ${r}: ${peer.at(-1)!.toFixed(1)} images/s\n`);
}
const result = {
  bench: 'train-throughput', model: 'mnist-small', batch, backend: `tfjs ${tf.version.tfjs} ${tf.getBackend()}`,
  oursImagesPerSec: Math.round(median(ours)), tfjsImagesPerSec: Number(median(peer).toFixed(1)),
  speedup: Number((median(ours) / median(peer)).toFixed(1)), goal: 20,
  runs: { ours: ours.map(Math.round), tfjs: peer.map((v) => Number(v.toFixed(1))) },
};
process.stdout.write(`ours ${result.oursImagesPerSec} images/s, tfjs-cpu ${result.tfjsImagesPerSec} images/s: ${result.speedup}x (goal ${result.goal}x)\n`);
process.stdout.write(JSON.stringify(result) + '\n');
