/**
 * MNIST and Fashion-MNIST with the mnist-small preset (the model the FPGA configuration is sized for):
 * 1. float training (batch norm folded at export, random-shift augmentation, cosine schedule);
 * 2. structural group pruning of conv2 and the classifier, fine-tuned in float with the pruned rows
 *    held at zero (sw/sdtrain/prune-finetune);
 * 3. SD-aware fine-tuning (straight-through) from the decomposition of the pruned model; for MNIST
 *    also the bucket-switching variant from the same start;
 * 4. integer accuracy of the SD model (sw/quant) and SD weight storage against dense int8 of the same
 *    layers (sw/sd/storage: Ce, index, B and shift bits).
 * Also reports post-training SD: the same compression applied straight to the float model.
 * Writes build/bench/train-mnist.json, build/bench/train-mnist.md (the table), the curves
 * build/bench/train-<data>-accuracy.svg, the checkpoints build/bench/<data>-sd.ckpt and the integer
 * models build/bench/<data>-int-model.json. Prints a JSON line at the end (bench/run.ts embeds it).
 * Environment: BENCH_EPOCHS (float, default 7), BENCH_PRUNE_EPOCHS (default 2), BENCH_SD_EPOCHS
 * (default 2), BENCH_SHIFT (float augmentation, pixels, default 1), BENCH_TRAIN_LIMIT (training
 * images, default all), BENCH_DATA (comma list, default mnist,fashion).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';
import { saveCheckpoint, type Checkpoint } from '../sw/checkpoint/checkpoint.js';
import { subset } from '../sw/data/dataset.js';
import { loadDataset } from '../sw/data/load.js';
import { presetSpec } from '../sw/nn/presets.js';
import { saveIntModel } from '../sw/quant/int-model-io.js';
import { intAccuracy } from '../sw/quant/accuracy.js';
import { storageBits } from '../sw/sd/storage.js';
import { buildSdNetwork, DEFAULT_SD_CONFIG, trainSd, type SdTrainConfig } from '../sw/sdtrain/finetune.js';
import { pruneFineTune } from '../sw/sdtrain/prune-finetune.js';
import { integerModel } from '../sw/train/evaluate-models.js';
import { evaluate } from '../sw/train/loop.js';
import { DEFAULT_FLOAT_CONFIG, trainFloat, type EpochRecord } from '../sw/train/run.js';
import { lineChart } from './svg.js';

const outDir = 'build/bench';
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const epochs = env('BENCH_EPOCHS', 7);
const pruneEpochs = env('BENCH_PRUNE_EPOCHS', 2);
const sdEpochs = env('BENCH_SD_EPOCHS', 2);
const floatShift = env('BENCH_SHIFT', 1);
const trainLimit = process.env.BENCH_TRAIN_LIMIT ? Number(process.env.BENCH_TRAIN_LIMIT) : Infinity;
const datasets = (process.env.BENCH_DATA ?? 'mnist,fashion').split(',');
const preset = 'mnist-small';
/** The goals (MNIST); Fashion-MNIST gets the same table without goals. */
const goals = { mnist: { float: 99.0, sd: 98.8, intBelowSd: 0.2, compression: 4 } } as Record<string, Record<string, number> | undefined>;

/**
 * Compression: group pruning of conv2 and the classifier in groups of 4 outputs, the engine's output
 * tile (configs/default.json peRows 4): a row pruned for the whole group is skipped by the index
 * selector for the tile, so it costs neither a CE word nor cycles (rows pruned per output still do).
 * The classifier keeps 24% of its rows per group; one B block per classifier output (blockRows 264 >=
 * its 262 rows). conv1 stays SD: the SD engine refuses dense layers.
 */
const groupSize = 4;
const layerPrune = { conv2: 0.33, fc: 0.76 };
const outputPrune = { fc: 0.76 };
const fineTuneShift = 1;
const sdCfg: SdTrainConfig = { ...DEFAULT_SD_CONFIG, epochs: sdEpochs, seed: 1, lr: 0.002, shift: fineTuneShift, layerPrune, blockRows: 264, groupSize };
const bucketCfg: SdTrainConfig = { ...sdCfg, update: 'bucket' };
const pruneCfg = { ...DEFAULT_SD_CONFIG, lr: 0.001, weightDecay: 5e-4, epochs: pruneEpochs, seed: 1, shift: fineTuneShift, layerPrune, outputPrune, basis: 3, groupSize };

const log = (line: string) => process.stderr.write(line + '\n');
const pct = (v: number) => Number((100 * v).toFixed(2));
const results: Record<string, any>[] = [];
const tStart = performance.now();

for (const data of datasets) {
  const trainAll = loadDataset(data, 'train');
  const train = subset(trainAll, 0, Math.min(trainLimit, trainAll.count));
  const test = loadDataset(data, 'test');
  const onEpoch = (label: string) => (r: EpochRecord) => log(`${data} ${label} epoch ${r.epoch}: test ${pct(r.test.accuracy)}% (${r.seconds.toFixed(0)} s)`);
  const seconds = (t: number) => Math.round((performance.now() - t) / 1000);

  let t = performance.now();
  const floatCfg = { ...DEFAULT_FLOAT_CONFIG, epochs, seed: 1, shift: floatShift };
  const float = trainFloat(presetSpec(preset), train, test, floatCfg, { onEpoch: onEpoch('float') });
  const floatSeconds = seconds(t);
  // Post-training SD: the same pruning and decomposition applied to the float model, no fine-tuning.
  const postSd = evaluate(buildSdNetwork(float.model, sdCfg).net, test).accuracy;

  t = performance.now();
  const pruned = pruneFineTune(float.model, train, test, pruneCfg, { onEpoch: onEpoch('pruned float') });
  const pruneSeconds = seconds(t);
  t = performance.now();
  const sd = trainSd(pruned.model, train, test, sdCfg, { onEpoch: onEpoch('sd') });
  const sdSeconds = seconds(t);
  // Bucket switching from the same start (MNIST only, to keep the bench short).
  const bucket = data === 'mnist' ? trainSd(pruned.model, train, test, bucketCfg, { onEpoch: onEpoch('sd-bucket') }) : null;

  const ckpt: Checkpoint = { model: float.model, sd: { model: sd.model, layers: sd.sd }, meta: { data, preset, float: floatCfg, prune: pruneCfg, sd: sdCfg } };
  saveCheckpoint(join(outDir, `${data}-sd.ckpt`), ckpt);
  const intModel = integerModel(ckpt, trainAll);
  saveIntModel(join(outDir, `${data}-int-model.json`), intModel);
  const intSd = intAccuracy(intModel, test).accuracy;
  const storage = Object.values(sd.sd).map((l) => ({ layer: l.name, ...storageBits(l) }));
  const sdBits = storage.reduce((a, s) => a + s.totalBits, 0), denseBits = storage.reduce((a, s) => a + s.denseInt8Bits, 0);
  const r = {
    data, preset, trainImages: train.count, testImages: test.count, floatEpochs: epochs, pruneEpochs, sdEpochs, floatShift, fineTuneShift, layerPrune, outputPrune,
    floatAccuracy: pct(float.history.at(-1)!.test.accuracy),
    postTrainingSdAccuracy: pct(postSd),
    prunedFloatAccuracy: pct(pruned.history.at(-1)!.test.accuracy),
    sdStartAccuracy: pct(sd.history[0]!.test.accuracy),
    sdAccuracy: pct(sd.history.at(-1)!.test.accuracy),
    intSdAccuracy: pct(intSd),
    goals: goals[data] ?? null,
    sdWeightBits: sdBits, denseInt8WeightBits: denseBits, compression: Number((denseBits / sdBits).toFixed(2)),
    storage: storage.map((s) => ({ layer: s.layer, ce: s.ceBits, index: s.indexBits, b: s.basisBits, shift: s.scaleBits, total: s.totalBits, denseInt8: s.denseInt8Bits })),
    sdBucketAccuracy: bucket ? pct(bucket.history.at(-1)!.test.accuracy) : null, bucketSwitches: bucket?.switches ?? null,
    bucketBar: bucketCfg.bar, bucketWindow: bucketCfg.bucketWindow,
    sdUpdate: sdCfg.update, floatSeconds, pruneSeconds, sdSeconds,
    curves: {
      float: float.history.map((h) => ({ epoch: h.epoch, train: pct(h.train.accuracy), test: pct(h.test.accuracy), loss: Number(h.train.loss.toFixed(4)) })),
      pruned: pruned.history.map((h) => ({ epoch: epochs + h.epoch, test: pct(h.test.accuracy) })),
      sd: sd.history.map((h) => ({ epoch: epochs + pruneEpochs + h.epoch, test: pct(h.test.accuracy) })),
      bucket: bucket?.history.map((h) => ({ epoch: epochs + pruneEpochs + h.epoch, test: pct(h.test.accuracy) })) ?? null,
    },
  };
  results.push(r);
  log(`${data}: float ${r.floatAccuracy}%, post-training SD ${r.postTrainingSdAccuracy}%, pruned float ${r.prunedFloatAccuracy}%, SD ${r.sdAccuracy}%, integer SD ${r.intSdAccuracy}%, weights ${r.compression}x smaller than int8`);
  writeFileAtomic(join(outDir, `train-${data}-accuracy.svg`), lineChart({
    title: `${data} ${preset}: test accuracy`, xLabel: 'epoch (float, pruned float, SD fine-tuning)', yLabel: 'test accuracy (%)',
    series: [
      { name: 'float (train, shifted)', points: r.curves.float.map((c) => [c.epoch, c.train]) },
      { name: 'float (test)', points: r.curves.float.map((c) => [c.epoch, c.test]) },
      { name: 'pruned float (test)', points: r.curves.pruned.map((c) => [c.epoch, c.test]) },
      { name: `SD ${sdCfg.update} (test)`, points: r.curves.sd.map((c) => [c.epoch, c.test]) },
      ...(r.curves.bucket ? [{ name: 'SD bucket (test)', points: r.curves.bucket.map((c): [number, number] => [c.epoch, c.test]) }] : []),
    ],
  }));
}

const totalMinutes = Number(((performance.now() - tStart) / 60000).toFixed(1));
writeFileAtomic(join(outDir, 'train-mnist.json'), JSON.stringify({ date: new Date().toISOString(), totalMinutes, results }, null, 2) + '\n');
writeFileAtomic(join(outDir, 'train-mnist.md'), markdownTable(results, totalMinutes));
process.stdout.write(JSON.stringify({ bench: 'train-mnist', totalMinutes, table: 'build/bench/train-mnist.md', results: results.map(({ curves: _c, storage: _s, ...rest }) => rest) }) + '\n');

/** The report table: one column per data set, goals beside the MNIST numbers. */
function markdownTable(rs: Record<string, any>[], minutes: number): string {
  const goal = (r: Record<string, any>, text: string) => (r.goals ? ` (goal ${text})` : '');
  const rows: [string, (r: Record<string, any>) => string][] = [
    ['float test accuracy', (r) => `${r.floatAccuracy}%${goal(r, '>= 99.0%')}`],
    ['post-training SD (same compression, no fine-tuning)', (r) => `${r.postTrainingSdAccuracy}%`],
    ['pruned float (rows at zero, fine-tuned)', (r) => `${r.prunedFloatAccuracy}%`],
    ['SD-trained (Ce x B in float)', (r) => `${r.sdAccuracy}%${goal(r, '>= 98.8%')}`],
    ['integer SD (sw/quant)', (r) => `${r.intSdAccuracy}% (${(r.intSdAccuracy - r.sdAccuracy).toFixed(2)} vs SD${goal(r, '>= -0.2')})`],
    ['SD weight bits / dense int8 bits', (r) => `${r.sdWeightBits} / ${r.denseInt8WeightBits} = ${r.compression}x smaller${goal(r, '>= 4x')}`],
    ['SD with bucket switching instead of STE', (r) => (r.sdBucketAccuracy === null ? '-' : `${r.sdBucketAccuracy}%`)],
    ['training time (float + pruned + SD)', (r) => `${r.floatSeconds} + ${r.pruneSeconds} + ${r.sdSeconds} s`],
  ];
  return [
    `# train-mnist (${new Date().toISOString().slice(0, 10)}, mnist-small, ${minutes} min in all)`,
    '',
    `| | ${rs.map((r) => r.data).join(' | ')} |`,
    `| --- | ${rs.map(() => '---').join(' | ')} |`,
    ...rows.map(([name, f]) => `| ${name} | ${rs.map(f).join(' | ')} |`),
    '',
    `Float: ${rs[0]?.floatEpochs} epochs, shifts up to ${rs[0]?.floatShift} px; group-pruned rows (groups of ${groupSize} outputs) ${JSON.stringify(rs[0]?.layerPrune)}, per-output ${JSON.stringify(rs[0]?.outputPrune)}, ` +
      `${rs[0]?.pruneEpochs} pruned-float epochs, ${rs[0]?.sdEpochs} SD epoch(s). Reproduce: npx tsx bench/train-mnist.ts`,
    '',
  ].join('\n');
}
