/**
 * The host bus (docs/engine.md "Host bus"): 32-bit words, valid/ready requests, a response one
 * cycle after each accepted read. Word address = region << regionShift | offset; region 0 is the
 * CSR block, then the memories in memory-map order. A memory word of w bits is ceil(w/32) host
 * words, least significant first; writing the last one commits the word (the lower ones wait in a
 * staging register). ACT is one host word per byte (bits 7..0), at its linear byte address.
 *
 * Memory regions are only accessible while the engine is idle (`req_ready` low while busy); the
 * CSR block always is. Offsets past a memory's depth are ignored (writes dropped, reads give 0).
 */
import { Bool, UInt, cat, defineModule, lit, mux, type Value } from '../dsl/index.js';
import { mulByConstant } from './const-mul.js';
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
 * floor(x / n) for x < 2^bits, by a multiply and a shift (exact: m = ceil(2^k / n), k = bits +
 * ceil(log2 n)); the constant multiply is shifts and adds (no DSP).
 */
export function divideByConstant(x: Value, n: number, bits: number): Value {
  if (n === 1) return x;
  const log = Math.ceil(Math.log2(n));
  if (2 ** log === n) return x.srl(log).trunc(Math.max(1, bits - log));
  const k = bits + log;
  const mult = (2n ** BigInt(k) + BigInt(n) - 1n) / BigInt(n);
  return mulByConstant(x.trunc(bits), Number(mult)).srl(k).trunc(bits);
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

  const maxParts = Math.max(...p.regions.map((r) => Math.ceil(r.width / HOST_WORD)));
  const staging = maxParts > 1 ? m.reg('staging', UInt((maxParts - 1) * HOST_WORD), { init: 0 }) : undefined;

  // The response: one registered select flag per region (set by the read, so a region's data is
  // only picked when its read was in range), then an AND-OR of the regions' read data.
  const respQ = m.reg('resp_valid_q', Bool, { init: 0 });
  respQ.set(rd);
  respValid.set(respQ);
  const respPart = m.reg('resp_part', UInt(Math.max(1, Math.ceil(Math.log2(maxParts)))), { init: 0, enable: rd });
  const csrSel = m.reg('resp_csr', Bool, { init: 0, enable: rd });
  csrSel.set(isCsr);
  let rdataOut: Value = mux(csrSel, csrRdata, 0);
  p.regions.forEach((r, i) => {
    const parts = Math.ceil(r.width / HOST_WORD);
    const wBits = addrBitsOf(r.depth);
    const lname = r.name.toLowerCase();
    // Only offsets below parts * depth address a word; the division needs just their bits.
    const span = parts * r.depth;
    const spanBits = Math.min(p.regionShift, addrBitsOf(span));
    const inRange = (span >= 2 ** p.regionShift ? lit(1, Bool) : offset.lt(span)).named(`${lname}_in_range`);
    const low = offset.trunc(spanBits);
    const word = divideByConstant(low, parts, spanBits).named(`${lname}_word`);
    const part = parts === 1 ? lit(0, UInt(1)) : low.sub(mulByConstant(word, parts)).trunc(Math.ceil(Math.log2(parts))).named(`${lname}_part`);
    const hit = region.eq(i + 1).and(inRange);
    const last = part.eq(parts - 1);
    m.output(`${lname}_we`, Bool).set(wr.and(hit).and(last));
    m.output(`${lname}_re`, Bool).set(rd.and(hit));
    m.output(`${lname}_addr`, UInt(wBits)).set(word.resize(wBits));
    const full = staging && parts > 1 ? cat(reqWdata, staging.trunc((parts - 1) * HOST_WORD)).trunc(r.width) : reqWdata.trunc(r.width);
    m.output(`${lname}_wdata`, UInt(r.width)).set(full);
    if (staging && parts > 1) {
      // Lower parts wait in the staging register, part k in 32-bit slot k.
      for (let k = 0; k < parts - 1; k++) {
        m.when(wr.and(hit).and(part.eq(k)), () => {
          const slots = Array.from({ length: maxParts - 1 }, (_, s) => (s === k ? reqWdata : staging.slice(s * HOST_WORD + HOST_WORD - 1, s * HOST_WORD)));
          staging.set(cat(...slots.reverse()));
        });
      }
      m.when(rd.and(region.eq(i + 1)), () => respPart.set(part.resize(respPart.width)));
    }
    const sel = m.reg(`resp_${lname}`, Bool, { init: 0, enable: rd });
    sel.set(hit);
    const rdataIn = m.input(`${lname}_rdata`, UInt(r.width));
    const padded = rdataIn.zext(parts * HOST_WORD);
    const slices = Array.from({ length: parts }, (_, k) => padded.slice(k * HOST_WORD + HOST_WORD - 1, k * HOST_WORD));
    const chosen = parts === 1 ? slices[0]! : selectPart(respPart, slices);
    rdataOut = rdataOut.or(mux(sel, chosen, 0));
  });
  respRdata.set(rdataOut);
  return { reqValid, reqReady, reqWrite, reqAddr, reqWdata, respValid, respRdata, busy };
});

function selectPart(sel: Value, slices: Value[]): Value {
  return slices.slice(1).reduce((acc, s, k) => mux(sel.eq(k + 1), s, acc), slices[0]!);
}
