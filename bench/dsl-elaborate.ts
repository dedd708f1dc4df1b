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

const total: number[] = [];
const elab: number[] = [];
const emit: number[] = [];
let cells = 0;
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const design = elaborate(Array2d({ lanes: LANES, stages: STAGES }));
  const t1 = performance.now();
  const out = emitVerilog(design, { locators: !process.argv.includes("--no-locators") });
  const t2 = performance.now();
  total.push(t2 - t0);
  elab.push(t1 - t0);
  emit.push(t2 - t1);
  cells = design.cellCount();
  bytes = out.files.reduce((s, f) => s + f.text.length, 0);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Number(x.toFixed(1));
console.log(`dsl-elaborate: ${cells} IR cells (${LANES} lanes x ${STAGES} stages), ${bytes} bytes of Verilog; ` +
  `median over ${RUNS} runs: elaborate+check ${median(elab).toFixed(1)} ms, emit ${median(emit).toFixed(1)} ms, ` +
  `total ${median(total).toFixed(1)} ms (min ${Math.min(...total).toFixed(1)}, max ${Math.max(...total).toFixed(1)})`);
console.log(JSON.stringify({
  bench: 'dsl-elaborate', cells, runs: RUNS, median_ms: round(median(total)), elaborate_check_ms: round(median(elab)),
  emit_ms: round(median(emit)), min_ms: round(Math.min(...total)), verilog_bytes: bytes, goal_ms: 1000,
}));
