/**
 * Activation banks on an iCE40 (docs/engine.md "Activation banks on the FPGA").
 *
 * `ActBankPair`: one bank as two single-port copies (docs/engine.md "Activation banks on the FPGA").
 * A conv layer reads its input while the requantizer writes its output, but an iCE40 SPRAM has one
 * address per cycle. Each layer reads only what the previous one wrote, so the bank keeps two
 * copies: the copy `sel` is read, the other one is written; the next layer flips `sel`. The host
 * writes both copies (`wboth`), so the input image is in the copy layer 0 reads.
 *
 * A copy's port writes when asked (write wins) and otherwise reads; a read of the copy being
 * written in the same cycle is dropped and `rdata` keeps its value, as it does on cycles without a
 * read. `rdata` is the word read one edge earlier from the copy `sel` named at that read.
 */
import { Bool, UInt, defineModule, mux } from '../dsl/index.js';

export interface ActBankParams {
  /** Bytes of the bank (each copy holds all of them). */
  depth: number;
}

export const actBankAddrBits = (depth: number): number => Math.max(1, Math.ceil(Math.log2(depth)));

export const ActBankPair = defineModule('sd_act_bank_pair', (m, p: ActBankParams) => {
  m.clockAndReset();
  const aBits = actBankAddrBits(p.depth);
  const sel = m.input('sel', Bool);
  const re = m.input('re', Bool);
  const raddr = m.input('raddr', UInt(aBits));
  const we = m.input('we', Bool);
  const wboth = m.input('wboth', Bool);
  const waddr = m.input('waddr', UInt(aBits));
  const wdata = m.input('wdata', UInt(8));
  const rdata = m.output('rdata', UInt(8));

  const data = [0, 1].map((copy) => {
    const isReadCopy = copy === 0 ? sel.not() : sel;
    const writing = we.and(wboth.or(isReadCopy.not())).named(`write${copy}`);
    const reading = re.and(isReadCopy).named(`read${copy}`);
    // 'huge': yosys 0.23 puts 8192 x 8 and smaller into block RAM unless asked for SPRAM (and uses
    // SPRAM when asked even without -spram: targets without SPRAM take ActBankSingle instead).
    const mem = m.memory(`copy${copy}`, { type: UInt(8), depth: p.depth, style: 'huge' });
    return mem.singlePort(mux(writing, waddr, raddr).named(`addr${copy}`), { writeData: wdata, writeEnable: writing, readEnable: reading });
  });
  const selQ = m.reg('sel_q', Bool, { init: 0, enable: re });
  selQ.set(sel);
  rdata.set(mux(selQ, data[1]!, data[0]!));
  return { sel, re, raddr, we, wboth, waddr, wdata, rdata };
});

/**
 * `ActBankSingle`: one bank as one block RAM with a read and a write port, for targets where the
 * bank is not in SPRAM (the iCE40HX has none): half the block RAMs of a copy pair. A layer reads
 * its input region while it writes its output region (act-alloc.ts keeps them apart), so reads and
 * writes of the same cycle never meet at one address; the host reads and writes while idle, one at
 * a time. `rdata` is the word read one edge earlier and keeps its value on cycles without a read.
 */
export const ActBankSingle = defineModule('sd_act_bank_single', (m, p: ActBankParams) => {
  m.clockAndReset();
  const aBits = actBankAddrBits(p.depth);
  const re = m.input('re', Bool);
  const raddr = m.input('raddr', UInt(aBits));
  const we = m.input('we', Bool);
  const waddr = m.input('waddr', UInt(aBits));
  const wdata = m.input('wdata', UInt(8));
  const rdata = m.output('rdata', UInt(8));
  const mem = m.memory('bank', { type: UInt(8), depth: p.depth, style: 'block' });
  mem.write(waddr, wdata, we);
  rdata.set(mem.read(raddr, { enable: re }));
  return { re, raddr, we, waddr, wdata, rdata };
});
