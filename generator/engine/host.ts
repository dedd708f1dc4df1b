/**
 * The host bus (docs/engine.md "Host bus"): 32-bit words, valid/ready requests, a response one
 * cycle after each accepted read. Word address = region << regionShift | offset; region 0 is the
 * CSR block, then the memories in memory-map order. A memory word of w bits is ceil(w/32) host
 * words, least significant first, each written to its 32-bit part memory as it comes (`<m>_we` has
 * one bit per part). ACT is one host word per byte (bits 7..0), at its linear byte address.
 *
 * Memory regions are only accessible while the engine is idle (`req_ready` low while busy); the
 * CSR block always is. Offsets past a memory's depth are ignored (writes dropped, reads give 0).
 */
import { Bool, UInt, cat, defineModule, lit, mux, select, type Value } from '../dsl/index.js';
import { atMost } from './const-compare.js';
import { CSR_DECODED_WORDS } from './csr.js';

export interface HostRegionParams {
  name: string;
  /** Bits of one memory word (ACT: 8). */
  width: number;
  /** Words of the memory (ACT: bytes of all banks). */
  depth: number;
}

export interface HostBusParams {
  regionShift: number;
  /** Memory regions 1..n in order (region 0 is the CSR block). */
  regions: HostRegionParams[];
}

export const HOST_WORD = 32;

export function hostAddrBits(p: HostBusParams): number {
  return p.regionShift + Math.max(1, Math.ceil(Math.log2(p.regions.length + 1)));
}

export const addrBitsOf = (depth: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(2, depth))));

/**
 * floor(x / n) and x mod n for an unsigned x of `bits` bits. A power of two is a shift; otherwise
 * long division, one quotient bit per bit of x from the top, each step a small table on the
 * running remainder and the next bit (LUT logic: no adder, no carry chain, no DSP).
 */
export function divideByConstant(x: Value, n: number, bits: number): { quotient: Value; remainder: Value } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`divideByConstant: n must be a positive integer, got ${n}`);
  const remBits = Math.max(1, Math.ceil(Math.log2(n)));
  const log = Math.log2(n);
  if (Number.isInteger(log)) {
    return { quotient: log === 0 ? x.trunc(bits) : x.srl(log).trunc(Math.max(1, bits - log)), remainder: log === 0 ? lit(0, UInt(1)) : x.trunc(log) };
  }
  // t = 2r + x_i < 2n: the step's quotient bit is t >= n, its remainder t - n or t.
  const stepRem = Array.from({ length: 2 * n }, (_, t) => lit(t >= n ? t - n : t, UInt(remBits)));
  let r: Value = lit(0, UInt(remBits));
  const q: Value[] = [];
  for (let i = bits - 1; i >= 0; i--) {
    const t = cat(r, x.bit(i));
    q.push(atMost(t, n - 1).not());
    r = select(t, stepRem, lit(0, UInt(remBits)));
  }
  return { quotient: cat(...q), remainder: r };
}

export const HostBus = defineModule('sd_host_bus', (m, p: HostBusParams) => {
  m.clockAndReset();
  const aBits = hostAddrBits(p);
  const reqValid = m.input('req_valid', Bool);
  const reqReady = m.output('req_ready', Bool);
  const reqWrite = m.input('req_write', Bool);
  const reqAddr = m.input('req_addr', UInt(aBits));
  const reqWdata = m.input('req_wdata', UInt(HOST_WORD));
  const respValid = m.output('resp_valid', Bool);
  const respRdata = m.output('resp_rdata', UInt(HOST_WORD));
  const busy = m.input('busy', Bool);

  const region = reqAddr.slice(aBits - 1, p.regionShift).named('region');
  const offset = reqAddr.slice(p.regionShift - 1, 0).named('offset');
  const isCsr = region.eq(0);
  reqReady.set(isCsr.or(busy.not()));
  const accept = reqValid.and(isCsr.or(busy.not())).named('accept');
  const rd = accept.and(reqWrite.not()).named('rd');
  const wr = accept.and(reqWrite).named('wr');

  // CSR block port.
  const csrBits = Math.log2(CSR_DECODED_WORDS);
  m.output('csr_we', Bool).set(wr.and(isCsr));
  m.output('csr_re', Bool).set(rd.and(isCsr));
  m.output('csr_addr', UInt(csrBits)).set(offset.trunc(csrBits));
  m.output('csr_wdata', UInt(HOST_WORD)).set(reqWdata);
  const csrRdata = m.input('csr_rdata', UInt(HOST_WORD));

  // The response: one registered select flag per region (set by the read, so a region's data is
  // only picked when its read was in range), then an AND-OR of the regions' read data.
  const respQ = m.reg('resp_valid_q', Bool, { init: 0 });
  respQ.set(rd);
  respValid.set(respQ);
  const csrSel = m.reg('resp_csr', Bool, { init: 0, enable: rd });
  csrSel.set(isCsr);
  let memData: Value = lit(0, UInt(HOST_WORD));
  p.regions.forEach((r, i) => {
    const parts = Math.ceil(r.width / HOST_WORD);
    const wBits = addrBitsOf(r.depth);
    const lname = r.name.toLowerCase();
    // Only offsets below parts * depth address a word; the division needs just their bits.
    const span = parts * r.depth;
    const spanBits = Math.min(p.regionShift, addrBitsOf(span));
    const inRange = atMost(offset, span - 1).named(`${lname}_in_range`);
    const split = divideByConstant(offset.trunc(spanBits), parts, spanBits);
    const word = split.quotient.named(`${lname}_word`);
    const part = split.remainder.named(`${lname}_part`);
    const hit = region.eq(i + 1).and(inRange);
    // A word wider than a host word is part memories: one write enable per part, the host word as data.
    if (parts > 1) m.output(`${lname}_we`, UInt(parts)).set(cat(...Array.from({ length: parts }, (_, k) => wr.and(hit).and(part.eq(k))).reverse()));
    else m.output(`${lname}_we`, Bool).set(wr.and(hit));
    m.output(`${lname}_re`, Bool).set(rd.and(hit));
    m.output(`${lname}_addr`, UInt(wBits)).set(word.resize(wBits));
    m.output(`${lname}_wdata`, UInt(Math.min(r.width, HOST_WORD))).set(reqWdata.trunc(Math.min(r.width, HOST_WORD)));
    // One flag per part: the part select is then just more terms of the AND-OR.
    const rdataIn = m.input(`${lname}_rdata`, UInt(r.width));
    for (let k = 0; k < parts; k++) {
      const sel = m.reg(parts === 1 ? `resp_${lname}` : `resp_${lname}${k}`, Bool, { init: 0, enable: rd });
      sel.set(parts === 1 ? hit : hit.and(part.eq(k)));
      const hi = Math.min(r.width, (k + 1) * HOST_WORD) - 1;
      memData = memData.or(mux(sel, rdataIn.slice(hi, k * HOST_WORD).zext(HOST_WORD), 0));
    }
  });
  // The CSR data last, through one select: a counter read's data comes from the counter bank's
  // adder, much later in the cycle than the memories' block-RAM outputs.
  respRdata.set(mux(csrSel, csrRdata, memData));
  return { reqValid, reqReady, reqWrite, reqAddr, reqWdata, respValid, respRdata, busy };
});
