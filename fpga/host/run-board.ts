/**
 * Inference on a board over the link: load the packed model once, then per image write its input
 * activations, start, poll STATUS until the engine is idle, read the CSR counters and the logits,
 * and check everything bit-exact against the golden model of the same packed images (logits,
 * label, status, and every counter against the golden events and the cycle model).
 */
import { UserError } from '../../common/user-error.js';
import { startProgress } from '../../common/progress.js';
import { COUNTER_NAMES, CSR, type CounterName } from '../../generator/engine/csr.js';
import { expectedCounters } from '../../generator/engine/host-check.js';
import { inputActImage } from '../../sw/engine/act-alloc.js';
import { cycleHook, runTiming } from '../../sw/engine/cycle-model.js';
import { GoldenEngine } from '../../sw/engine/golden.js';
import { quantizeInput } from '../../sw/quant/int-infer.js';
import type { LinkClient } from './client.js';
import type { PackedDir } from './packed-dir.js';

export interface BoardImage {
  pixels: Uint8Array;
  /** The data set's label, when known (for accuracy). */
  label?: number;
}

export interface BoardImageResult {
  label: number;
  golden: number;
  /** Differences from the golden model (empty: bit-exact). */
  mismatches: string[];
  cycles: number;
}

export interface BoardRunSummary {
  images: number;
  /** Images whose label equals the data set's. */
  correct: number;
  labelled: number;
  bitExact: number;
  /** Values compared with the golden model. */
  compared: number;
  cyclesPerImage: number;
  modelWords: number;
  loadSeconds: number;
  seconds: number;
  linkBytes: number;
  linkBytesPerSecond: number;
  retries: number;
  mismatches: string[];
}

export interface BoardRunOptions {
  /** Longest wait for one run to finish (wall clock). */
  runTimeoutMs?: number;
  progress?: boolean;
}

function regionBase(p: PackedDir, name: string): number {
  const r = p.map.regions.find((x) => x.name === name);
  if (!r) throw new UserError(`the ${p.lc.config.mode} engine has no ${name} region`);
  return r.base;
}

/** Writes every section of image.bin; returns the host words written. */
export async function loadModel(client: LinkClient, p: PackedDir): Promise<number> {
  let words = 0;
  for (const s of p.sections) {
    await client.write(s.address, s.words);
    words += s.words.length;
  }
  return words;
}

/** Runs one image (model already loaded) and compares it with the golden model. */
export async function runImage(client: LinkClient, p: PackedDir, pixels: Uint8Array, o: BoardRunOptions = {}): Promise<BoardImageResult & { compared: number }> {
  const c = p.lc.config;
  const act = Array.from(quantizeInput(pixels), (v) => v & 0xff);
  await client.write8(regionBase(p, 'ACT') + p.manifest.act.input.base, act);
  await client.start();
  const deadline = Date.now() + (o.runTimeoutMs ?? 30_000);
  let st = await client.status();
  while (st.busy) {
    if (Date.now() > deadline) throw new UserError(`the engine on ${client.transport.name} is still busy ${o.runTimeoutMs ?? 30_000} ms after START`);
    st = await client.status();
  }
  const csr = regionBase(p, 'CSR');
  const counterWords = await client.read(csr + CSR.COUNTERS, COUNTER_NAMES.length);
  // A LOGITS word is a signed accBits value, read zero-extended.
  const pad = 32 - c.accBits;
  const logits = Int32Array.from(await client.read(regionBase(p, 'LOGITS'), p.manifest.classes), (w) => (w << pad) >> pad);

  const golden = new GoldenEngine(c, p.images).run(inputActImage(p.map, p.manifest.act, pixels), { cycles: cycleHook(p.images) });
  const mismatches: string[] = [];
  let compared = 0;
  const check = (name: string, want: number | string, got: number | string): void => {
    compared++;
    if (want !== got) mismatches.push(`${name}: golden ${want}, board ${got}`);
  };
  check('status', golden.status, st.error ? 'error' : 'done');
  if (golden.status === 'error') {
    check('error code', golden.error!.code, st.errorCode);
    check('error layer', golden.error!.layer, st.layer);
  } else {
    golden.logits.forEach((v, i) => check(`logit ${i}`, v, logits[i]!));
    check('label', golden.label, st.result);
    const timing = { cycles: golden.cycles!, stalls: runTiming(golden.layers, c, p.images).stalls };
    const want = expectedCounters(golden.events, timing, c.mode);
    // Counters are counterBits wide and wrap.
    const wrap = 2 ** (c.counterBits ?? 32);
    COUNTER_NAMES.forEach((n: CounterName, i) => check(`counter ${n}`, want[n] % wrap, counterWords[i]!));
  }
  return { label: st.result, golden: golden.label, mismatches, cycles: counterWords[0]!, compared };
}

/** Loads the model, runs every image, and sums up. */
export async function runOnBoard(client: LinkClient, p: PackedDir, images: readonly BoardImage[], o: BoardRunOptions = {}): Promise<BoardRunSummary> {
  const t0 = performance.now();
  await client.checkConfig();
  const modelWords = await loadModel(client, p);
  const t1 = performance.now();
  const bar = o.progress ? startProgress('board', images.length, ['acc', 'exact']) : undefined;
  let correct = 0;
  let labelled = 0;
  let bitExact = 0;
  let compared = 0;
  let cycles = 0;
  const mismatches: string[] = [];
  for (const [i, img] of images.entries()) {
    const r = await runImage(client, p, img.pixels, o);
    compared += r.compared;
    cycles += r.cycles;
    if (r.mismatches.length === 0) bitExact++;
    else mismatches.push(...r.mismatches.map((m) => `image ${i}: ${m}`));
    if (img.label !== undefined) {
      labelled++;
      if (r.label === img.label) correct++;
    }
    bar?.update(i + 1, { acc: labelled ? `${((100 * correct) / labelled).toFixed(1)}%` : '-', exact: `${bitExact}/${i + 1}` });
  }
  bar?.stop();
  const seconds = (performance.now() - t0) / 1000;
  const linkBytes = client.stats.bytesSent + client.stats.bytesReceived;
  return {
    images: images.length, correct, labelled, bitExact, compared, cyclesPerImage: images.length ? cycles / images.length : 0, modelWords,
    loadSeconds: (t1 - t0) / 1000, seconds, linkBytes, linkBytesPerSecond: linkBytes / seconds, retries: client.stats.retries, mismatches,
  };
}
