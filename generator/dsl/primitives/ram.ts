/**
 * A simple dual-port RAM (one write port, one synchronous read port) whose data width and
 * address width are real Verilog parameters: a user may override WIDTH / ADDR_WIDTH on the
 * emitted module without regenerating it. Maps to iCE40 block RAM under yosys.
 */
import { defineModule } from '../define.js';
import { UInt } from '../types.js';

export interface RamParams {
  width: number;
  addrWidth: number;
  /** Optional $readmemh image. */
  init?: string;
}

export const Ram = defineModule('ram', (m, p: RamParams) => {
  const WIDTH = m.param('WIDTH', p.width);
  const ADDR_WIDTH = m.param('ADDR_WIDTH', p.addrWidth);
  const clk = m.input('clk', UInt(1));
  const domain = m.clockDomain(clk);
  const io = {
    clk,
    we: m.input('we', UInt(1)),
    waddr: m.input('waddr', UInt(ADDR_WIDTH)),
    wdata: m.input('wdata', UInt(WIDTH)),
    re: m.input('re', UInt(1)),
    raddr: m.input('raddr', UInt(ADDR_WIDTH)),
    rdata: m.output('rdata', UInt(WIDTH)),
  };
  m.withDomain(domain, () => {
    const opts: { type: ReturnType<typeof UInt>; addrWidth: typeof ADDR_WIDTH; init?: string } = { type: UInt(WIDTH), addrWidth: ADDR_WIDTH };
    if (p.init !== undefined) opts.init = p.init;
    const mem = m.memory('mem', opts);
    mem.write(io.waddr, io.wdata, io.we);
    io.rdata.set(mem.read(io.raddr, { enable: io.re }));
  });
  return io;
}, { name: (p) => `ram_w${p.width}_a${p.addrWidth}${p.init ? '_i' + p.init.replace(/[^A-Za-z0-9]/g, '').slice(-12) : ''}` });

export type RamIO = ReturnType<typeof Ram> extends { __io?: infer IO } ? IO : never;
