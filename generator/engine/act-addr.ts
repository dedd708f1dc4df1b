/**
 * Activation address generator and bank rotation (docs/engine.md "Activation memory").
 *
 * Element (c, y, x) of a feature map at base A has the linear byte address a = A + (c*H + y)*W + x
 * and lives in bank a mod P_c at word a div P_c. One request is one tap of a pixel tile: input
 * channel c, kernel row kh and column kw, output row oy and the tile's first output column ox0.
 * Column p (0..P_c-1) reads
 *   y = oy*s + kh - pad,   x = (ox0 + p)*s + kw - pad
 * or gets z_in when the tap is padding (y or x outside the map) or the pixel is past the row end
 * (ox0 + p >= outW, a partial tile). Stride 1 puts the P_c columns on P_c consecutive addresses,
 * hence distinct banks: one read per bank, then each column picks its bank (the rotation). Stride 2
 * would make columns collide; the request then takes two beats, columns [0, P_c/2) then
 * [P_c/2, P_c), whose addresses a0 + 2p are distinct modulo P_c within a beat.
 *
 * The request carries the products as sums the controller keeps without multipliers: `plane` =
 * c*H*W and `oy_row` = oy*s*W (both modulo 2^addrBits, like every address here), so the line
 * address is A + plane + oy_row + (kh - pad)*W, with kh - pad in -1..2.
 *
 * Pipeline (registers at each edge, `req_ready` low while a stride-2 request is on its first beat):
 *   S1: y, x0 = ox0*s + kw - pad, row in range, plane + oy_row, (kh - pad)*W, columns inside the tile
 *   S2: column 0's address A + plane + oy_row + (kh - pad)*W + x0; each column's x and range check
 *   S3: column p's address (column 0's + p*s), bank reads issued (bank_en / bank_addr, combinational)
 *   S4: bank data (one cycle after the read) rotated into columns a<p>; out_valid on the last beat
 * Latency ACT_ADDR_LATENCY cycles for stride 1, one more for stride 2. The per-layer inputs
 * (base, H, W, outW, stride2, pad, z_in) must stay constant while requests are in flight.
 *
 * The layer has passed the controller's shape checks (outH, outW by the conv formula for a k x k
 * kernel, kh, kw < k, oy < outH): then y <= (outH-1)*s + k-1 - pad <= H + pad - 1 <= H, and
 * likewise x <= W for a column inside the row, so the upper range checks are the equalities
 * y != H and x != W (the lower ones are sign bits): no comparator carry chains.
 * The same bounds put y and x in -1..2^dimBits - 1: d + 1 signed bits hold them (and a column
 * past the row end, whose x may wrap, is cut by its pixel check).
 */
import { Bool, SInt, UInt, cat, defineModule, lit, mux, select, type Value } from '../dsl/index.js';

export interface ActAddrParams {
  /** Activation banks = PE columns (P_c), a power of two. */
  cols: number;
  /** Bits of a linear activation byte address (all banks together). */
  addrBits: number;
  /** Bits of a shape field (c, H, W, oy, ox0, outW). */
  dimBits: number;
}

/** Cycles from an accepted request to out_valid (stride 1; stride 2 adds one). */
export const ACT_ADDR_LATENCY = 4;

export function bankBitsOf(cols: number): number {
  return Math.round(Math.log2(cols));
}

export const ActAddrGen = defineModule('sd_act_addr', (m, p: ActAddrParams) => {
  m.clockAndReset();
  const d = p.dimBits;
  const bankBits = bankBitsOf(p.cols);
  if (2 ** bankBits !== p.cols) throw new RangeError(`sd_act_addr: cols must be a power of two, got ${p.cols}`);
  const wordBits = Math.max(1, p.addrBits - bankBits);
  // Layer constants.
  const base = m.input('base', UInt(p.addrBits));
  const height = m.input('h', UInt(d));
  const width = m.input('w', UInt(d));
  const outW = m.input('out_w', UInt(d));
  const stride2 = m.input('stride2', Bool);
  const pad = m.input('pad', Bool);
  const zIn = m.input('z_in', SInt(8));
  // Requests.
  const reqValid = m.input('req_valid', Bool);
  const reqReady = m.output('req_ready', Bool);
  const plane = m.input('plane', UInt(p.addrBits));
  const oyRow = m.input('oy_row', UInt(p.addrBits));
  const kh = m.input('kh', UInt(2));
  const kw = m.input('kw', UInt(2));
  const oy = m.input('oy', UInt(d));
  const ox0 = m.input('ox0', UInt(d));
  // Banks.
  const bankEn = Array.from({ length: p.cols }, (_, b) => m.output(`bank_en${b}`, Bool));
  const bankAddr = Array.from({ length: p.cols }, (_, b) => m.output(`bank_addr${b}`, UInt(wordBits)));
  const bankData = Array.from({ length: p.cols }, (_, b) => m.input(`bank_data${b}`, SInt(8)));
  // Columns.
  const outValid = m.output('out_valid', Bool);
  const acts = Array.from({ length: p.cols }, (_, q) => m.output(`a${q}`, SInt(8)));

  const twoBeats = p.cols > 1;
  const beat = m.reg('beat', Bool, { init: 0 });
  const s2Valid = m.reg('s2_valid', Bool, { init: 0 });
  const hold = twoBeats ? s2Valid.and(stride2).and(beat.not()).named('hold') : lit0();
  const advance = hold.not().named('advance');
  reqReady.set(advance);
  beat.set(hold);

  // S1: coordinates of the tap (signed: padding makes them -1).
  const scaled = (v: Value): Value => mux(stride2, v.shl(1), v.zext(d + 1));
  // kh - pad and kw - pad in -1..2 first (three bits), so each coordinate takes one adder.
  const offset = (k: Value): Value => k.zext(3).sub(pad.zext(3)).trunc(3).asSigned();
  const y = scaled(oy).zext(d + 2).asSigned().add(offset(kh)).resize(d + 1).named('tap_y');
  const x0 = scaled(ox0).zext(d + 2).asSigned().add(offset(kw)).resize(d + 1).named('tap_x0');
  const nonNegative = (v: Value): Value => v.bit(v.width - 1).not();
  const rowOk = nonNegative(y).and(y.asUnsigned().trunc(d).ne(height)).named('row_ok');
  const a = p.addrBits;
  const planeRow = plane.add(oyRow).trunc(a).named('plane_row');
  const w = width.resize(a);
  const khRow = mux(kh.eq(2), w.shl(1).trunc(a), mux(kh.eq(1), w, 0)).sub(mux(pad, w, 0)).trunc(a).named('kh_row');
  // Column 0 is inside the row: a tile starts inside it (ox0 < outW).
  const pixOk = Array.from({ length: p.cols }, (_, q) => (q === 0 ? lit1() : ox0.add(q).lt(outW)));
  const s1Valid = m.reg('s1_valid', Bool, { init: 0, enable: advance });
  const s1RowOk = m.reg('s1_row_ok', Bool, { init: 0, enable: advance });
  const s1X0 = m.reg('s1_x0', SInt(d + 1), { init: 0, enable: advance });
  const s1PlaneRow = m.reg('s1_plane_row', UInt(p.addrBits), { init: 0, enable: advance });
  const s1KhRow = m.reg('s1_kh_row', UInt(p.addrBits), { init: 0, enable: advance });
  const s1PixOk = m.reg('s1_pix_ok', UInt(p.cols), { init: 0, enable: advance });
  s1Valid.set(reqValid);
  s1RowOk.set(rowOk);
  s1X0.set(x0);
  s1PlaneRow.set(planeRow);
  s1KhRow.set(khRow);
  s1PixOk.set(cat(...[...pixOk].reverse())); // column q at bit q

  // S2: column 0's address (line + x0) and each column's range check. The columns' x are not
  // carried further: S3 needs only their checks and column 0's address.
  const s2Addr0 = m.reg('s2_addr0', UInt(p.addrBits), { init: 0, enable: advance });
  const s2ColOk = m.reg('s2_col_ok', UInt(p.cols), { init: 0, enable: advance });
  m.when(advance, () => s2Valid.set(s1Valid));
  const columnStep = (q: number): Value => mux(stride2, 2 * q, q);
  const x0Bits = s1X0.resize(p.addrBits).asUnsigned(); // x0 = -1 still offsets the columns after it
  s2Addr0.set(base.add(s1PlaneRow).resize(p.addrBits).add(s1KhRow.add(x0Bits).resize(p.addrBits)).resize(p.addrBits));
  const s1ColOk = Array.from({ length: p.cols }, (_, q) => {
    const x = (q === 0 ? s1X0 : s1X0.add(columnStep(q)).resize(d + 1).asSigned()).named(`col_x${q}`);
    return s1RowOk.and(s1PixOk.bit(q)).and(nonNegative(x)).and(x.asUnsigned().trunc(d).ne(width));
  });
  s2ColOk.set(cat(...[...s1ColOk].reverse())); // column q at bit q

  // S3: per-column addresses, bank reads for this beat.
  const colOk: Value[] = [];
  const colBank: Value[] = [];
  const colWord: Value[] = [];
  const colInBeat: Value[] = [];
  for (let q = 0; q < p.cols; q++) {
    colOk.push(s2ColOk.bit(q).named(`col_ok${q}`));
    const addr = (q === 0 ? s2Addr0 : s2Addr0.add(columnStep(q)).resize(p.addrBits)).named(`col_addr${q}`);
    colBank.push(bankBits > 0 ? addr.slice(bankBits - 1, 0) : lit0());
    colWord.push(p.addrBits > bankBits ? addr.slice(p.addrBits - 1, bankBits) : lit0());
    const secondHalf = q >= p.cols / 2 ? 1 : 0;
    colInBeat.push(twoBeats ? stride2.not().or(beat.eq(secondHalf)).named(`col_in_beat${q}`) : lit1());
  }
  for (let b = 0; b < p.cols; b++) {
    const hits = colOk.map((ok, q) => ok.and(colInBeat[q]!).and(bankBits > 0 ? colBank[q]!.eq(b) : lit1()));
    bankEn[b]!.set(s2Valid.and(orAll(hits)));
    // At most one column of a beat hits a bank, so an AND-OR picks its word; a bank's address
    // only counts with its enable, so a lone column drives it ungated.
    bankAddr[b]!.set((p.cols === 1 ? colWord[0]! : orAll(hits.map((h, q) => mux(h, colWord[q]!, 0)))).resize(wordBits));
  }
  const s3Last = m.reg('s3_last', Bool, { init: 0 });
  s3Last.set(s2Valid.and(hold.not()));
  for (let q = 0; q < p.cols; q++) {
    const take = m.reg(`s3_take${q}`, Bool, { init: 0 });
    const ok = m.reg(`s3_ok${q}`, Bool, { init: 0 });
    const bank = m.reg(`s3_bank${q}`, UInt(Math.max(1, bankBits)), { init: 0 });
    take.set(s2Valid.and(colInBeat[q]!));
    ok.set(colOk[q]!);
    bank.set(colBank[q]!);
    // S4: the column's value (bank data arrived this cycle) or z_in.
    const areg = m.reg(`a_q${q}`, SInt(8), { init: 0 });
    const fromBank = bankBits > 0 ? select(bank, bankData) : bankData[0]!;
    m.when(take, () => areg.set(mux(ok, fromBank, zIn)));
    acts[q]!.set(areg);
  }
  const validQ = m.reg('out_valid_q', Bool, { init: 0 });
  validQ.set(s3Last);
  outValid.set(validQ);
  return { base, height, width, outW, stride2, pad, zIn, reqValid, reqReady, plane, oyRow, kh, kw, oy, ox0, bankEn, bankAddr, bankData, outValid, acts };
});

function orAll(vs: Value[]): Value {
  return vs.slice(1).reduce((a, v) => a.or(v), vs[0]!);
}

function lit0(): Value {
  return lit(0, UInt(1));
}

function lit1(): Value {
  return lit(1, UInt(1));
}
