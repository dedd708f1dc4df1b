// Speed of the Verilator harness on a small design (32-bit counter plus adder), side by side:
// a pure C++ loop against the same model, the synchronous path, the batched path and the
// coroutine path; plus cold / warm / changed-design build times. Prints one JSON line at the end.
//   npx tsx bench/harness-speed.ts            (about a minute)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../verif/build/model.js';
import { modelCxxFlags } from '../verif/build/flags.js';
import { repoRoot } from '../verif/build/paths.js';
import { runtimeKey } from '../verif/build/runtime.js';
import { toolchain } from '../verif/build/toolchain.js';
import { Simulation } from '../verif/index.js';

const RUNS = 5;
const CYCLES = 2_000_000;
const ASYNC_CYCLES = 300_000;
const design = readFileSync(join(repoRoot, 'verif/test/fixtures/counter_adder.v'), 'utf8');
const sources = [{ name: 'counter_adder.v', text: design }];
const top = 'counter_adder';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function repeat(label: string, once: () => number): number {
  const samples = Array.from({ length: RUNS }, once);
  const m = median(samples);
  console.log(`${label.padEnd(34)} ${(1e9 / m).toFixed(1).padStart(7)} ns/cycle  ${(m / 1e6).toFixed(2)} M cycles/s  (median of ${RUNS})`);
  return m;
}

async function buildTimes(): Promise<{ coldS: number; warmS: number; changedS: number }> {
  const cache = mkdtempSync(join(tmpdir(), 'sd-bench-cache-'));
  try {
    const log = (): void => {};
    const cold = await buildModel({ sources, top, cacheRoot: cache, log });
    const warm = await buildModel({ sources, top, cacheRoot: cache, log });
    if (!warm.cacheHit) throw new Error('second build of an unchanged design was not a cache hit');
    const changed = await buildModel({ sources: [{ name: 'counter_adder.v', text: design.replace("count + 32'd1", "count + 32'd3") }], top, cacheRoot: cache, log });
    return { coldS: cold.ms / 1000, warmS: warm.ms / 1000, changedS: changed.ms / 1000 };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** A small main compiled against the same model objects and runtime archive. */
function pureCpp(modelDir: string, prefix: string): number {
  const tc = toolchain();
  const runtimeArchive = join(repoRoot, 'build', 'verilator', `runtime-${runtimeKey(tc)}`, 'libsdverilated.a');
  const work = mkdtempSync(join(tmpdir(), 'sd-bench-cpp-'));
  try {
    writeFileSync(join(work, 'main.cpp'), `#include "${prefix}.h"
#include <chrono>
#include <cstdio>
int main() {
  VerilatedContext context;
  ${prefix} m(&context, "TOP");
  m.en = 1;
  for (int run = 0; run < ${RUNS}; run++) {
    auto t0 = std::chrono::steady_clock::now();
    unsigned acc = 0;
    for (unsigned i = 0; i < ${CYCLES}u; i++) {
      m.a = i; m.b = 3;
      m.clk = 1; m.eval(); m.clk = 0; m.eval();
      acc += m.sum + m.count;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("%f %u\\n", ${CYCLES} / s, acc);
  }
}
`);
    const obj = join(modelDir, 'obj');
    const objects = readdirSync(obj).filter((f) => f.endsWith('.o')).map((f) => join(obj, f));
    const flags = modelCxxFlags(tc).filter((f) => f !== '-fvisibility=hidden');
    execFileSync(tc.cxx, [...flags, `-I${obj}`, join(work, 'main.cpp'), ...objects, runtimeArchive, '-lz', '-pthread', '-o', join(work, 'bench')]);
    const rates = execFileSync(join(work, 'bench'), { encoding: 'utf8' }).trim().split('\n').map((l) => Number(l.split(' ')[0]));
    const m = median(rates);
    console.log(`${'pure C++ loop'.padEnd(34)} ${(1e9 / m).toFixed(1).padStart(7)} ns/cycle  ${(m / 1e6).toFixed(2)} M cycles/s  (median of ${RUNS})`);
    return m;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function syncChecked(sim: Simulation): number {
  const a = sim.port('a');
  const b = sim.port('b');
  const sum = sim.port('sum');
  const count = sim.port('count');
  sim.set('en', 1);
  const t0 = performance.now();
  let acc = 0;
  for (let i = 0; i < CYCLES; i++) {
    a.set(i);
    b.set(3);
    sim.step();
    acc = (acc + (sum.get() as number) + (count.get() as number)) >>> 0;
  }
  if (acc === 0.5) console.log(acc);
  return CYCLES / ((performance.now() - t0) / 1000);
}

function syncViews(sim: Simulation): number {
  const a = sim.port('a').view as Uint32Array;
  const b = sim.port('b').view as Uint32Array;
  const sum = sim.port('sum').view as Uint32Array;
  const count = sim.port('count').view as Uint32Array;
  sim.set('en', 1);
  const t0 = performance.now();
  let acc = 0;
  for (let i = 0; i < CYCLES; i++) {
    a[0] = i;
    b[0] = 3;
    sim.step();
    acc = (acc + sum[0]! + count[0]!) >>> 0;
  }
  if (acc === 0.5) console.log(acc);
  return CYCLES / ((performance.now() - t0) / 1000);
}

function batched(sim: Simulation): number {
  sim.set('en', 1);
  const t0 = performance.now();
  sim.run(CYCLES * 5);
  return (CYCLES * 5) / ((performance.now() - t0) / 1000);
}

/** Clock (the scheduler) + a driver and a monitor coroutine, each awaiting every rising edge. */
async function coroutines(sim: Simulation): Promise<number> {
  const a = sim.port('a');
  const sum = sim.port('sum');
  let seen = 0;
  sim.set('en', 1);
  const start = sim.cycle;
  const t0 = performance.now();
  sim.fork(async () => {
    for (let i = 0; ; i++) {
      a.set(i & 0xffff);
      await sim.tick();
    }
  });
  const monitor = sim.fork(async () => {
    while (sim.cycle - start < ASYNC_CYCLES) {
      await sim.tick();
      seen = (seen + (sum.get() as number)) >>> 0;
    }
  });
  await monitor;
  if (seen === 0.5) console.log(seen);
  return (sim.cycle - start) / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const builds = await buildTimes();
  console.log(`build: cold ${builds.coldS.toFixed(2)} s (runtime + model, empty cache), warm ${builds.warmS.toFixed(3)} s (cache hit), changed design ${builds.changedS.toFixed(2)} s`);
  const model = await buildModel({ sources, top });
  const fresh = async (): Promise<Simulation> => Simulation.create({ sources, top, echo: false });
  const cpp = pureCpp(model.dir, model.prefix);
  const results: Record<string, number> = {};
  for (const [label, fn] of [['sync, checked ports', syncChecked], ['sync, raw views', syncViews], ['batched run(n) in C', batched]] as const) {
    const samples: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const sim = await fresh();
      samples.push(fn(sim));
      sim.close();
    }
    results[label] = repeat(label, ((i) => () => samples[i++]!)(0));
  }
  const asyncSamples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const sim = await fresh();
    asyncSamples.push(await coroutines(sim));
    sim.close();
  }
  const coroutineRate = repeat('coroutines (clock+driver+monitor)', ((i) => () => asyncSamples[i++]!)(0));
  const summary = {
    bench: 'harness-speed',
    design: top,
    cppCyclesPerS: Math.round(cpp),
    syncCheckedCyclesPerS: Math.round(results['sync, checked ports']!),
    syncViewsCyclesPerS: Math.round(results['sync, raw views']!),
    batchedCyclesPerS: Math.round(results['batched run(n) in C']!),
    coroutineCyclesPerS: Math.round(coroutineRate),
    syncToCpp: Number((results['sync, checked ports']! / cpp).toFixed(3)),
    syncViewsToCpp: Number((results['sync, raw views']! / cpp).toFixed(3)),
    coldBuildS: Number(builds.coldS.toFixed(2)),
    warmBuildS: Number(builds.warmS.toFixed(3)),
    changedBuildS: Number(builds.changedS.toFixed(2)),
  };
  console.log(JSON.stringify(summary));
}

await main();
