/**
 * A second simulator for the engine: Icarus Verilog runs the generated RTL with a generated
 * testbench that loads the packed memory images with $readmemh (no host-bus loading), starts the
 * engine through the host bus, counts cycles while `busy`, and reads status, error, layer, result,
 * the 16 counters and the logits back through the host bus. Same observable result as the
 * Verilator harness's EngineHost.run, so the two simulators can be compared with the golden model
 * the same way.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { elaborate } from '../../generator/dsl/index.js';
import { emitVerilog } from '../../generator/emit/index.js';
import { iverilogRun } from '../../generator/emit/toolcheck.js';
import { COUNTER_NAMES, CSR, type CounterName } from '../../generator/engine/csr.js';
import { EngineTop } from '../../generator/engine/engine-top.js';
import type { EngineRunResult } from '../../generator/engine/host-driver.js';
import { inputActImage } from '../engine/act-alloc.js';
import { readmemh, writePackedImages } from '../engine/images.js';
import type { PackedModel } from '../engine/pack.js';

const partFile = (memory: string, part: number): string => `${memory}_p${part}.hex`;

/** Part files ($readmemh text) of the packed memories wider than a host word: bits 32k.. of each word. */
function writePartImages(packed: PackedModel, dir: string): void {
  for (const m of packed.map.memories) {
    const words = packed.images[m.name]?.[0];
    const parts = Math.ceil(m.width / 32);
    if (!words || parts === 1 || m.name === 'ACT') continue;
    for (let k = 0; k < parts; k++) {
      const w = Math.min(32, m.width - 32 * k);
      const mask = (1n << BigInt(w)) - 1n;
      writeFileAtomic(join(dir, partFile(m.name, k)), readmemh(words.map((x) => (x >> BigInt(32 * k)) & mask), w));
    }
  }
}

/** The testbench: one Verilog module, addresses and memory names taken from the memory map. */
function testbench(packed: PackedModel, top: string, addrBits: number, logits: number, timeoutCycles: number): string {
  const base = (name: string): number => packed.map.regions.find((r) => r.name === name)!.base;
  const loads = packed.map.memories.flatMap((m) => {
    // each bank is a pair of copies (generator/engine/act-bank.ts); layer 0 reads copy 0, and the host writes both
    if (m.name === 'ACT') return Array.from({ length: m.banks }, (_, b) => [0, 1].map((copy) => `    $readmemh("ACT${b}.hex", dut.act${b}.copy${copy});`)).flat();
    if (!packed.images[m.name]) return [];
    // memories wider than a host word are one memory per 32-bit part (engine-top.ts), one file each
    const parts = Math.ceil(m.width / 32);
    if (parts > 1) return Array.from({ length: parts }, (_, k) => `    $readmemh("${partFile(m.name, k)}", dut.${m.name.toLowerCase()}_p${k});`);
    return [`    $readmemh("${m.name}.hex", dut.${m.name.toLowerCase()});`];
  });
  const csrReads = [
    ['status', CSR.STATUS], ['error', CSR.ERROR], ['layer', CSR.LAYER], ['result', CSR.RESULT],
    ...COUNTER_NAMES.map((n, i) => [`counter ${n}`, CSR.COUNTERS + i] as const),
  ].map(([what, word]) => `    host_read(${base('CSR') + (word as number)}); $display("${what} %0d", rdata);`);
  return `\`timescale 1ns/1ps
module tb;
  reg clk = 0, rst = 1, req_valid = 0, req_write = 0;
  reg [${addrBits - 1}:0] req_addr = 0;
  reg [31:0] req_wdata = 0;
  wire req_ready, resp_valid, busy;
  wire [31:0] resp_rdata;
  reg [31:0] rdata;
  integer cycles, i;
  ${top} dut(.clk(clk), .rst(rst), .req_valid(req_valid), .req_write(req_write), .req_addr(req_addr), .req_wdata(req_wdata),
    .req_ready(req_ready), .resp_valid(resp_valid), .resp_rdata(resp_rdata), .busy(busy));
  always #5 clk = ~clk;

  // Inputs change after the falling edge; the rising edge samples them (as the Verilator harness does).
  task host_write(input [${addrBits - 1}:0] a, input [31:0] d);
    begin
      req_valid = 1; req_write = 1; req_addr = a; req_wdata = d;
      @(posedge clk); while (!req_ready) @(posedge clk);
      @(negedge clk); req_valid = 0; req_write = 0;
    end
  endtask
  task host_read(input [${addrBits - 1}:0] a);
    begin
      req_valid = 1; req_write = 0; req_addr = a;
      @(posedge clk); while (!req_ready) @(posedge clk);
      @(negedge clk); req_valid = 0;
      if (!resp_valid) begin $display("error no response to read of %0d", a); $finish; end
      rdata = resp_rdata;
    end
  endtask

  initial begin
${loads.join('\n')}
    @(negedge clk); @(negedge clk); rst = 0;
    host_write(${base('CSR') + CSR.CTRL}, 1);
    cycles = 0;
    while (busy && cycles < ${timeoutCycles}) begin @(negedge clk); cycles = cycles + 1; end
    $display("cycles %0d", cycles);
${csrReads.join('\n')}
    for (i = 0; i < ${logits}; i = i + 1) begin
      host_read(${base('LOGITS')} + i); $display("logit %0d", $signed(rdata));
    end
    $finish;
  end
endmodule
`;
}

/** Writes the engine, the images (model + this input) and the testbench into `dir` and runs Icarus. */
export function runEngineOnIcarus(packed: PackedModel, pixels: Uint8Array, dir: string, opts: { timeoutCycles: number }): EngineRunResult {
  mkdirSync(dir, { recursive: true });
  const emitted = emitVerilog(elaborate(EngineTop({ config: packed.config })));
  const files = emitted.files.map((f) => { const p = join(dir, f.name); writeFileAtomic(p, f.text); return p; });
  writePackedImages(packed, dir, 'model', inputActImage(packed.map, packed.act, pixels));
  writePartImages(packed, dir);
  const addrBits = emitted.ports[emitted.top]!.find((p) => p.name === 'req_addr')!.width;
  const logits = packed.classes;
  writeFileAtomic(join(dir, 'tb.v'), testbench(packed, emitted.top, addrBits, logits, opts.timeoutCycles));
  const r = iverilogRun([...files, join(dir, 'tb.v')], 'tb', dir, 300_000);
  if (!r.ok) throw new Error(`Icarus run of ${emitted.top} failed: ${r.command}\n${r.output.slice(0, 2000)}`);
  const values = new Map<string, number[]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\w+(?: \w+)?) (-?\d+)$/.exec(line.trim());
    if (m) values.set(m[1]!, [...(values.get(m[1]!) ?? []), Number(m[2])]);
  }
  const one = (k: string): number => {
    const v = values.get(k);
    if (!v || v.length !== 1) throw new Error(`Icarus output has no single "${k}" line:\n${r.stdout.slice(0, 2000)}`);
    return v[0]!;
  };
  const status = one('status');
  return {
    status: (status & 4) !== 0 ? 'error' : 'done', code: one('error'), layer: one('layer'), label: one('result'),
    logits: Int32Array.from(values.get('logit') ?? []),
    counters: Object.fromEntries(COUNTER_NAMES.map((n) => [n, one(`counter ${n}`)])) as Record<CounterName, number>,
    wallCycles: one('cycles'),
  };
}
