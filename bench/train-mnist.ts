/**
 * MNIST and Fashion-MNIST with the mnist-small preset: float training (with batch norm, folded at
 * export), then SD-aware fine-tuning from the post-training decomposition; float, SD and integer
 * accuracy (integer: of the SD model, per sw/quant) on the full test sets, for MNIST also the
 * bucket-switching variant of the fine-tuning, SD weight storage; accuracy curves as SVG.
 * Writes build/bench/train-mnist.json, build/bench/train-<data>-accuracy.svg and the checkpoints
 * build/bench/<data>-sd.ckpt. Prints a JSON line at the end.
 * Environment: BENCH_EPOCHS (float, default 5), BENCH_SD_EPOCHS (default 1), BENCH_TRAIN_LIMIT
 * (training images, default all), BENCH_DATA (comma list, default mnist,fashion).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';
import { saveCheckpoint, type Checkpoint } from '../sw/checkpoint/checkpoint.js';
import { subset } from '../sw/data/dataset.js';
import { loadDataset } from '../sw/data/load.js';
import { presetSpec } from '../sw/nn/presets.js';
import { storageBits } from '../sw/sd/storage.js';
import { DEFAULT_SD_CONFIG, trainSd } from '../sw/sdtrain/finetune.js';
import { integerAccuracy } from '../sw/train/evaluate-models.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat, type EpochRecord } from '../sw/train/run.js';
import { lineChart } from './svg.js';

const outDir = 'build/bench';
const epochs = Number(process.env.BENCH_EPOCHS ?? 5);
const sdEpochs = Number(process.env.BENCH_SD_EPOCHS ?? 1);
const trainLimit = process.env.BENCH_TRAIN_LIMIT ? Number(process.env.BENCH_TRAIN_LIMIT) : Infinity;
const datasets = (process.env.BENCH_DATA ?? 'mnist,fashion').split(',');
const preset = 'mnist-small';
const goals = { mnist: { float: 0.99, sd: 0.988 } } as Record<string, { float: number; sd: number } | undefined>;

const log = (line: string) => process.stderr.write(line + '\n');
const pct = (v: number) => Number((100 * v).toFixed(2));
const results: Record<string, unknown>[] = [];

for (const data of datasets) {
  const trainAll = loadDataset(data, 'train');
  const train = subset(trainAll, 0, Math.min(trainLimit, trainAll.count));
  const test = loadDataset(data, 'test');
  const t0 = performance.now();
  const floatCfg = { ...DEFAULT_FLOAT_CONFIG, epochs, seed: 1 };
  const onEpoch = (label: string) => (r: EpochRecord) => log(`${data} ${label} epoch ${r.epoch}: test ${pct(r.test.accuracy)}% (${r.seconds.toFixed(0)} s)`);
  const float = trainFloat(presetSpec(preset), train, test, floatCfg, { onEpoch: onEpoch('float') });
  const floatSeconds = (performance.now() - t0) / 1000;
  const sdCfg = { ...DEFAULT_SD_CONFIG, epochs: sdEpochs, seed: 1 };
  const t1 = performance.now();
  const sd = trainSd(float.model, train, test, sdCfg, { onEpoch: onEpoch('sd') });
  const sdSeconds = (performance.now() - t1) / 1000;
  // The bucket-switching variant of SD fine-tuning (MNIST only, to keep the bench short).
  const bucket = data === 'mnist' ? trainSd(float.model, train, test, { ...sdCfg, update: 'bucket' }, { onEpoch: onEpoch('sd-bucket') }) : null;
  const ckpt: Checkpoint = { model: float.model, sd: { model: sd.model, layers: sd.sd }, meta: { data, preset, float: floatCfg, sd: sdCfg } };
  saveCheckpoint(join(outDir, `${data}-sd.ckpt`), ckpt);
  const intSd = integerAccuracy(ckpt, trainAll, test);
  const storage = Object.values(sd.sd).map((l) => ({ layer: l.name, ...storageBits(l) }));
  const sdBits = storage.reduce((a, s) => a + s.totalBits, 0), denseBits = storage.reduce((a, s) => a + s.denseInt8Bits, 0);
  const r = {
    data, preset, trainImages: train.count, testImages: test.count, floatEpochs: epochs, sdEpochs,
    floatAccuracy: pct(float.history.at(-1)!.test.accuracy),
    postTrainingSdAccuracy: pct(sd.history[0]!.test.accuracy),
    sdAccuracy: pct(sd.history.at(-1)!.test.accuracy),
    intSdAccuracy: pct(intSd),
    goals: goals[data] ? { float: pct(goals[data].float), sd: pct(goals[data].sd) } : null,
    sdWeightBits: sdBits, denseInt8WeightBits: denseBits, compression: Number((denseBits / sdBits).toFixed(2)),
    sdBucketAccuracy: bucket ? pct(bucket.history.at(-1)!.test.accuracy) : null, bucketSwitches: bucket?.switches ?? null, bucketBar: sdCfg.bar,
    sdUpdate: sdCfg.update, floatSeconds: Math.round(floatSeconds), sdSeconds: Math.round(sdSeconds),
    curves: {
      float: float.history.map((h) => ({ epoch: h.epoch, train: pct(h.train.accuracy), test: pct(h.test.accuracy), loss: Number(h.train.loss.toFixed(4)) })),
      sd: sd.history.map((h) => ({ epoch: epochs + h.epoch, test: pct(h.test.accuracy) })),
    },
  };
  results.push(r);
  log(`${data}: float ${r.floatAccuracy}%, post-training SD ${r.postTrainingSdAccuracy}%, SD ${r.sdAccuracy}%, integer SD ${r.intSdAccuracy}%, weights ${r.compression}x smaller than int8`);
  writeFileAtomic(join(outDir, `train-${data}-accuracy.svg`), lineChart({
    title: `${data} ${preset}: test accuracy`, xLabel: 'epoch (float, then SD fine-tuning)', yLabel: 'test accuracy (%)',
    series: [
      { name: 'float (train)', points: r.curves.float.map((c) => [c.epoch, c.train]) },
      { name: 'float (test)', points: r.curves.float.map((c) => [c.epoch, c.test]) },
      { name: `SD ${sdCfg.update} (test)`, points: r.curves.sd.map((c) => [c.epoch, c.test]) },
      ...(bucket ? [{ name: 'SD bucket (test)', points: bucket.history.map((h): [number, number] => [epochs + h.epoch, pct(h.test.accuracy)]) }] : []),
    ],
  }));
}

writeFileAtomic(join(outDir, 'train-mnist.json'), JSON.stringify({ results }, null, 2) + '\n');
process.stdout.write(JSON.stringify({ bench: 'train-mnist', results: results.map(({ curves: _curves, ...rest }) => rest) }) + '\n');
