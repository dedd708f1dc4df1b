/**
 * Benchmark: elaborate + check + emit a generated design of >= 10,000 IR cells (lanes of
 * adders, saturators, muxes and registers built by loops). Prints the median over several runs
 * and, last, one JSON line for the bench runner.
 *   npx tsx bench/dsl-elaborate.ts [--lanes 96] [--stages 8] [--runs 7]
 */
import { Bool, SInt, UInt, defineModule, elaborate, mux, type Value } from '../generator/dsl/index.js';
import { emitVerilog } from '../generator/emit/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const LANES = arg('lanes', 96);
const STAGES = arg('stages', 8);
const RUNS = arg('runs', 7);

const Array2d = defineModule('bench_array', (m, p: { lanes: number; stages: number }) => {
  m.clockAndReset();
  const en = m.input('en', Bool);
  const sel = m.input('sel', UInt(2));
  const xs = Array.from({ length: 4 }, (_, i) => m.input(`x${i}`, SInt(8)));
  const ws = Array.from({ length: 4 }, (_, i) => m.input(`w${i}`, SInt(8)));
  let fold: Value | undefined;
  for (let lane = 0; lane < p.lanes; lane++) {
    let v: Value = xs[lane % 4]!;
    for (let s = 0; s < p.stages; s++) {
      const prod = v.mul(ws[(lane + s) % 4]!).add(lane * 7 + s).sat(8);
      const r = m.reg(`r_${lane}_${s}`, SInt(8), { init: 0 });
      m.when(en, () => r.set(mux(sel.bit(s % 2), prod, v.sra(1).resize(8))));
      v = r;
    }
    fold = fold ? fold.xor(v) : v;
  }
  m.output('y', SInt(8)).set(fold!);
});

const times: number[] = [];
let cells = 0;
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const design = elaborate(Array2d({ lanes: LANES, stages: STAGES }));
  const out = emitVerilog(design);
  times.push(performance.now() - t0);
  cells = design.cellCount();
  bytes = out.files.reduce((s, f) => s + f.text.length, 0);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`dsl-elaborate: ${cells} IR cells (${LANES} lanes x ${STAGES} stages), ${bytes} bytes of Verilog; ` +
  `elaborate+check+emit median ${median.toFixed(1)} ms over ${RUNS} runs (min ${sorted[0]!.toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)})`);
console.log(JSON.stringify({ bench: 'dsl-elaborate', cells, runs: RUNS, median_ms: Number(median.toFixed(1)), min_ms: Number(sorted[0]!.toFixed(1)), verilog_bytes: bytes, goal_ms: 1000 }));
