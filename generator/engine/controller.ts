/**
 * The controller (docs/engine.md "Controller"): walks the layer descriptors in DESC, checks each
 * one, and runs it on the blocks (index selector, rebuild engine or dense W words, activation
 * address generator, PE array, requantizer, max-pool, argmax). Within an output tile the pixel
 * tiles stream back to back: the next tile's walk starts in the last tap's cycle, the finished
 * tile is captured into the PE shadow registers as it leaves the pipeline and drains through the
 * requantizer while the next tiles are tapped. sw/engine/cycle-model.ts states the count exactly:
 *
 *   layer:        next 1, fetch DESC_WORDS + 1, check 2
 *   MAC layer:    init 1; per output tile lanes + 1 (BIAS/QUANT into lane registers), start 1,
 *                 count 1, first fetch 1; per kept row 3 taps of tapSlot cycles (1; stride 2 with
 *                 P_c > 1: 3); a B reload adds lanes cycles; a tile's last tap waits until
 *                 max(lanes x cols of the previous tile, capture latency) cycles after the previous
 *                 tile's last tap; after the output tile's last tap: capture, drain, requantizer
 *                 tail, advance 1
 *   final layer:  + argmax pass over LOGITS (outputs + 1), finish 1
 *   max-pool:     init 1, 4 reads per output, tail 2
 *
 * Errors (ERROR codes of sw/engine/descriptor.ts) stop the walk; the watchdog stops it with code 4
 * if no state change or memory access happens for WATCHDOG_CYCLES (it cannot fire in a correct run:
 * every state makes progress; it bounds any wait a future change might add).
 */
import { Bool, SInt, UInt, addTree, cat, defineModule, lit, mux, select, type Signal, type Value } from '../dsl/index.js';
import { configHash, type EngineConfig } from '../../sw/engine/config.js';
import { descriptorLayout, ERROR_CODES } from '../../sw/engine/descriptor.js';
import { LAYER_KINDS } from '../../sw/engine/config.js';
import { bitsForValue as bitsFor, fieldOf } from '../../sw/engine/fields.js';
import { derivedWidths, memoryMap, memoryOf } from '../../sw/engine/memory-map.js';
import { geConst, gtConst, ltConst } from './const-compare.js';
import { mulByConstant } from './const-mul.js';
import { ActAddrGen, bankBitsOf } from './act-addr.js';
import { COUNTERS, type CounterName } from './csr.js';
import { addrBitsOf } from './host.js';
import { IndexSelector } from './index-selector.js';
import { PeArray } from './pe-array.js';
import { Argmax, MaxPool2 } from './pool.js';
import { RebuildEngine } from './rebuild.js';
import { Requant, REQUANT_LATENCY } from './requant.js';
import { requantBeats } from '../../sw/engine/cycle-model.js';

/**
 * Cycles of one tap: one; at stride 2 with P_c > 1 three (the address generator takes two beats and
 * holds its input the cycle after its first beat, so a tap every third cycle never waits).
 */
export const tapSlot = (stride: number, cols: number): number => (stride === 2 && cols > 1 ? 3 : 1);
export const WATCHDOG_BITS = 10;
/** Cycles of check1: the layer products, one per cycle through the shared multiplier. */
export const LAYER_PRODUCTS = 6;
/** Latency of the address generator: 4, one more for the second beat of stride 2 (P_c > 1). */
const actLatency = (stride2: boolean, cols: number): number => (stride2 && cols > 1 ? 5 : 4);

export interface ControllerParams {
  config: EngineConfig;
}

/** Widths of the controller's memory ports (shared with the top). */
export function controllerWidths(c: EngineConfig) {
  const map = memoryMap(c);
  const w = derivedWidths(c);
  const dl = descriptorLayout(c);
  const width = (name: Parameters<typeof memoryOf>[1]): number => memoryOf(map, name).width;
  return {
    map, dl, dims: w,
    descWords: dl.words,
    descAddr: addrBitsOf(c.descDepth),
    ceAddr: addrBitsOf(c.ceDepth), idxAddr: addrBitsOf(c.idxDepth), bAddr: addrBitsOf(c.bDepth), wAddr: addrBitsOf(c.wDepth),
    biasAddr: addrBitsOf(c.biasDepth), quantAddr: addrBitsOf(c.quantDepth), logitsAddr: addrBitsOf(c.logitsDepth),
    actWord: Math.max(1, w.actAddrBits - bankBitsOf(c.peCols)),
    layerBits: Math.max(1, Math.ceil(Math.log2(Math.floor(c.descDepth / dl.words) + 1))),
    resultBits: addrBitsOf(c.logitsDepth),
    ceWidth: c.mode === 'sd' ? width('CE') : 0, idxWidth: c.mode === 'sd' ? width('IDX') : 0, bWidth: c.mode === 'sd' ? width('B') : 0,
    wWidth: c.mode === 'dense' ? width('W') : 0,
    biasWidth: width('BIAS'), quantWidth: width('QUANT'),
  };
}



export const Controller = defineModule('sd_controller', (m, p: ControllerParams) => {
  const { clk, rst } = m.clockAndReset();
  const c = p.config;
  const cw = controllerWidths(c);
  const sd = c.mode === 'sd';
  const P = c.peRows;
  const Q = c.peCols;
  const S = c.basis;
  const d = cw.dims.dimBits;
  const aa = cw.dims.actAddrBits;
  const DW = cw.descWords;
  const actBytes = c.actDepth * Q;
  const laneBits = bitsFor(P);
  const colBits = bitsFor(Q);

  // ---- ports -----------------------------------------------------------------------------
  const start = m.input('start', Bool);
  const busy = m.output('busy', Bool);
  const doneOut = m.output('done', Bool);
  const errorOut = m.output('error', Bool);
  const codeOut = m.output('code', UInt(3));
  const layerOut = m.output('layer', UInt(cw.layerBits));
  const resultOut = m.output('result', UInt(cw.resultBits));
  const inc = Object.fromEntries(COUNTERS.map((k) => [k.name, m.output(`inc_${k.name}`, UInt(k.incBits({ ...c, dimBits: derivedWidths(c).dimBits })))])) as Record<CounterName, Signal>;
  for (const k of COUNTERS) m.setDefault(inc[k.name], 0);

  const readPort = (name: string, addrBits: number, width: number) => {
    const re = m.output(`${name}_re`, Bool);
    const addr = m.output(`${name}_addr`, UInt(addrBits));
    const data = m.input(`${name}_rdata`, UInt(width));
    m.setDefault(re, 0);
    m.setDefault(addr, 0);
    return { re, addr, data };
  };
  const desc = readPort('desc', cw.descAddr, 32);
  const ce = sd ? readPort('ce', cw.ceAddr, cw.ceWidth) : undefined;
  const idx = sd ? readPort('idx', cw.idxAddr, cw.idxWidth) : undefined;
  const bmem = sd ? readPort('b', cw.bAddr, cw.bWidth) : undefined;
  const wmem = sd ? undefined : readPort('w', cw.wAddr, cw.wWidth);
  const bias = readPort('bias', cw.biasAddr, cw.biasWidth);
  const quant = readPort('quant', cw.quantAddr, cw.quantWidth);
  const logits = readPort('logits', cw.logitsAddr, c.accBits);
  const actRe = Array.from({ length: Q }, (_, b) => m.output(`act_re${b}`, Bool));
  const actRaddr = Array.from({ length: Q }, (_, b) => m.output(`act_raddr${b}`, UInt(cw.actWord)));
  const actRdata = Array.from({ length: Q }, (_, b) => m.input(`act_rdata${b}`, UInt(8)).asSigned());
  const actWe = m.output('act_we', Bool);
  const actWaddr = m.output('act_waddr', UInt(aa));
  const actWdata = m.output('act_wdata', UInt(8));
  const logitsWe = m.output('logits_we', Bool);
  const logitsWaddr = m.output('logits_waddr', UInt(cw.logitsAddr));
  const logitsWdata = m.output('logits_wdata', UInt(c.accBits));
  m.setDefault(logitsWe, 0);
  m.setDefault(logitsWaddr, 0);
  m.setDefault(logitsWdata, 0);

  // ---- descriptor registers --------------------------------------------------------------
  const descWords = Array.from({ length: DW }, (_, i) => m.reg(`desc_w${i}`, UInt(32), { init: 0 }));
  const descAll = cat(...[...descWords].reverse());
  const field = (name: string): Value => {
    const f = fieldOf(cw.dl.layout, name);
    const v = descAll.slice(f.offset + f.width - 1, f.offset);
    return f.signed ? v.asSigned() : v;
  };
  const kind = field('kind').named('d_kind');
  const isFinal = field('final').named('d_final');
  const stride = field('stride').named('d_stride');
  const padding = field('padding').named('d_padding');
  const C = field('C').named('d_c');
  const H = field('H').named('d_h');
  const W = field('W').named('d_w');
  const O = field('O').named('d_o');
  const outH = field('outH').named('d_out_h');
  const outW = field('outW').named('d_out_w');
  const rows = field('rows').named('d_rows');
  const G = field('groupSize').named('d_group');
  const actIn = field('actIn').named('d_act_in');
  const actOut = field('actOut').named('d_act_out');
  const bpo = sd ? field('blocksPerOutput').named('d_bpo') : lit(0, UInt(1));
  const zIn = field('zIn').named('d_z_in');
  const zOut = field('zOut').named('d_z_out');
  const clampLo = field('clampLo').named('d_clamp_lo');
  const isConv3 = kind.eq(LAYER_KINDS.indexOf('conv3')).named('is_conv3');
  const isLinear = kind.eq(LAYER_KINDS.indexOf('linear')).named('is_linear');
  const isPool = kind.eq(LAYER_KINDS.indexOf('maxpool2')).named('is_pool');
  const stride2 = stride.eq(2).named('is_stride2');

  // ---- state -----------------------------------------------------------------------------
  const fsm = m.fsm('ctl', ['idle', 'next', 'fetch', 'check1', 'check2', 'linit', 'tinit', 'wstart', 'wcount', 'wrow', 'tap', 'bload',
    'wempty', 'oflush', 'ptile', 'amax', 'finish', 'pinit', 'pool', 'ptail', 'fail'] as const);
  const isIdle = fsm.is('idle');
  busy.set(isIdle.not());
  const doneFlag = m.reg('done_flag', Bool, { init: 0 });
  const errorFlag = m.reg('error_flag', Bool, { init: 0 });
  const code = m.reg('code_q', UInt(3), { init: 0 });
  const failCode = m.reg('fail_code', UInt(3), { init: 0 });
  const layer = m.reg('layer_q', UInt(cw.layerBits), { init: 0 });
  const result = m.reg('result_q', UInt(cw.resultBits), { init: 0 });
  doneOut.set(doneFlag);
  errorOut.set(errorFlag);
  codeOut.set(code);
  layerOut.set(layer);
  resultOut.set(result);
  const descPtr = m.reg('desc_ptr', UInt(bitsFor(c.descDepth + DW)), { init: 0 });
  const k = m.reg('k', UInt(Math.max(bitsFor(DW), laneBits, bitsFor(c.logitsDepth), bitsFor(LAYER_PRODUCTS)) + 1), { init: 0 });
  const goto = (target: Parameters<typeof fsm.goto>[0]): void => {
    leaving.set(1);
    fsm.goto(target);
  };
  const fail = (codeValue: number): void => {
    failCode.set(codeValue);
    goto('fail');
  };

  // Watchdog: cycles since the last state change or memory access. A state change counts in the
  // cycle that decides it (goto), so the state register is only compared with constants and
  // yosys may re-encode the state machine.
  const progress = m.wire('progress', Bool, { default: 0 });
  const leaving = m.wire('leaving', Bool, { default: 0 });  // a goto this cycle
  const watchdog = m.reg('watchdog', UInt(WATCHDOG_BITS), { init: 0 });
  m.when(isIdle.or(progress).or(leaving), () => watchdog.set(0)).otherwise(() => watchdog.set(watchdog.add(1).trunc(WATCHDOG_BITS)));

  // ---- layer registers -------------------------------------------------------------------
  // IDX and CE/W walk pointers: the base field (below 2^addrBits) plus extents that wcount has checked
  // to end within the memory, so they never pass max(2^addrBits - 1, depth): one bit above the address.
  const wideBits = (depth: number): number => addrBitsOf(depth) + 1;
  // Layer products, saturated at 2^(d+1) - 1 (above every memory size, so the checks' comparisons
  // keep their outcome; a layer that passes them has every product below its memory size).
  const satBits = d + 1;
  // Address checks of products used nowhere else are decided as their product leaves the
  // multiplier (check1) and kept as one bit each, not as the product.
  const inBytesBad = m.reg('in_bytes_bad', Bool, { init: 0 });
  const outBad = m.reg('out_bad', Bool, { init: 0 });
  const bNeedBad = m.reg('b_need_bad', Bool, { init: 0 });
  // Outputs of the final layer for the argmax pass (at most logitsDepth once the checks pass).
  const outCount = m.reg('out_count', UInt(bitsFor(c.logitsDepth)), { init: 0 });
  const planeSize = m.reg('plane_size', UInt(satBits), { init: 0 });
  const inPlane = m.reg('in_plane', UInt(satBits), { init: 0 });
  const o0 = m.reg('o0', UInt(d + 1), { init: 0 });
  const groupEnd = m.reg('group_end', UInt(d + 1), { init: 0 });
  const lanes = m.reg('lanes', UInt(laneBits), { init: 0 });
  // BIAS/QUANT address chanBase + o0 + k as a counter: set in linit, stepped per lane read in tinit,
  // so each tinit ends at the next output tile's chanBase + o0.
  const chan = m.reg('chan_addr', UInt(Math.max(cw.biasAddr, cw.quantAddr, fieldOf(cw.dl.layout, 'chanBase').width)), { init: 0 });
  const idxPtr = m.reg('idx_ptr', UInt(wideBits(c.idxDepth)), { init: 0 });
  const ceTile = m.reg('ce_tile', UInt(wideBits(sd ? c.ceDepth : c.wDepth)), { init: 0 });
  const count = m.reg('count', UInt(d), { init: 0 });
  const oy = m.reg('oy', UInt(d), { init: 0 });
  const ox0 = m.reg('ox0', UInt(d), { init: 0 });
  // ACT addresses below are formed modulo 2^aa: only their low aa bits reach a memory port.
  const pixOff = m.reg('pix_off', UInt(aa), { init: 0 });
  const oyRow = m.reg('oy_row', UInt(aa), { init: 0 });  // oy * stride * W
  // Pixels of the tile being tapped (a partial tile at the row end) and its MACs per tap = its drain length.
  // outW - ox0, and whether this is the row's last pixel tile / the last row, are registers stepped
  // with ox0 and oy (not formed from them): they feed the walk's decisions and the counters.
  const colsLeft = m.reg('cols_left', UInt(d), { init: 0 });
  const lastCols = m.reg('last_cols', Bool, { init: 0 });  // colsLeft <= Q
  const lastRow = m.reg('last_row', Bool, { init: 0 });    // oy + 1 = outH
  const cols = mux(lastCols, colsLeft, Q).resize(colBits).named('cols_now');
  const tileMacs = lanes.mul(cols).resize(bitsFor(P * Q)).named('tile_macs');
  // Tile-start products as running sums, stepped per lane in tinit: bBase + o0 * bpo and the drain base
  // actOut + o0 * outH*outW (the final layer's LOGITS: o0 * outH*outW).
  const bTileBase = m.reg('b_tile_base', UInt(cw.bAddr), { init: 0 });
  const o0Plane = m.reg('o0_plane', UInt(aa), { init: 0 });
  const nextBTile = m.reg('next_b_tile', UInt(cw.bAddr), { init: 0 });
  const nextO0Plane = m.reg('next_o0_plane', UInt(aa), { init: 0 });
  const heldValid = m.reg('held_valid', Bool, { init: 0 });
  const heldBlock = m.reg('held_block', UInt(c.blockIndexBits), { init: 0 });
  const laneBias = Array.from({ length: P }, (_, o) => m.reg(`lane_bias${o}`, SInt(c.accBits), { init: 0 }));
  // Each lane's requantizer multiplier and shift (a QUANT word's low bits). The drain takes them in
  // lane order, so they rotate through a ring of `lanes` registers (the current lane's always in the
  // first) instead of being picked by a multiplexer; each pixel tile's drain turns the ring once.
  const quantBits = c.multiplierBits + cw.dims.requantShiftBits;
  const laneQuant = Array.from({ length: P }, (_, o) => m.reg(`lane_quant${o}`, UInt(quantBits), { init: 0 }));

  // ---- descriptor checks (sw/engine/descriptor.ts descriptorError, same order) -------------
  const kindOk = select(kind, LAYER_KINDS.map((kk) => (c.layerKinds.includes(kk) ? 1 : 0))).named('kind_ok');
  // out = floor((in + 2p - k) / s) + 1 with in + 2p - k >= 0 and out > 0 is, for s = 1, 2 (the
  // stride and padding checks come first), out > 0 and out = (in + 2p + 1 - k + s - 1) >> (s - 1):
  // one adder of a small constant, no subtraction of out.
  // The constant is registered (the descriptor's first word is in place from fetch's second cycle).
  const convOffset = m.reg('conv_offset', SInt(3), { init: 0 });
  convOffset.set(select(cat(stride2, isConv3, padding.bit(0)), [0, 2, -2, 0, 1, 3, -1, 1].map((v) => lit(v, SInt(3)))));
  const convOk = (inSize: Value, outSize: Value): Value => {
    const t = inSize.zext(d + 1).asSigned().add(convOffset).named('conv_t');
    const steps = mux(stride2, t.shr(1), t);
    return outSize.ne(0).and(steps.eq(outSize.zext(d + 1).asSigned()));
  };
  // conv3: rows = 3C; conv1/linear: rows = ceil(C / 3), i.e. 3 rows - C in 0..2 (C > 0 is checked first).
  const rowsExcess = mulByConstant(rows, 3).zext(d + 3).asSigned().sub(C.zext(d + 3).asSigned()).named('rows_excess');
  const rowsExcessTop = rowsExcess.width - 1;  // 0..2: sign clear, the rest below 3 (no carry chain)
  // conv3: rows = 3C, i.e. 3 rows - C = 8C (one adder less than forming 3C).
  const rowsOk = mux(isConv3, rowsExcess.asUnsigned().eq(C.shl(3).zext(rowsExcess.width)),
    rowsExcess.bit(rowsExcessTop).not().and(ltConst(rowsExcess.slice(rowsExcessTop - 1, 0), 3)));
  const chanEnd = chan.add(O).named('chan_end');  // chanBase + O
  // The checks on descriptor fields alone are settled from check1 on: each is registered there as
  // one bit, and check2 picks the first failure among those and the product checks' bits, in
  // descriptorError's order (the comparisons and the priority never share a cycle).
  const headChecks: [Value, number][] = [
    [kindOk.not(), ERROR_CODES.unknownKind],
    [C.eq(0).or(H.eq(0)).or(W.eq(0)), ERROR_CODES.shape],
  ];
  type Check = [bad: Value, code: number, when?: Value];
  // One comparison for both dimensions: H in check1's even cycles, W in its odd ones.
  const convBad = isPool.not().and(convOk(mux(k.bit(0), W, H), mux(k.bit(0), outW, outH)).not()).named('conv_bad');
  const fieldChecks: Check[] = [
    [isPool.and(O.ne(C).or(outH.ne(H.srl(1))).or(outW.ne(W.srl(1))).or(outH.eq(0)).or(outW.eq(0)).or(isFinal)), ERROR_CODES.shape],
    // The RTL runs stride 1 and 2 and padding 0 and 1 (the address generator's range).
    [isPool.not().and(stride.eq(0).or(gtConst(stride, 2)).or(gtConst(padding, 1))), ERROR_CODES.shape],
    [isPool.not().and(isLinear).and(H.ne(1).or(W.ne(1)).or(stride.ne(1)).or(padding.ne(0))), ERROR_CODES.shape],
    [convBad, ERROR_CODES.shape, k.bit(0).not()],  // H
    [convBad, ERROR_CODES.shape, k.bit(0)],        // W
    [isPool.not().and(O.eq(0).or(rowsOk.not()).or(G.eq(0))), ERROR_CODES.shape],
    ...(sd ? [[isPool.not().and(bpo.eq(0).or(gtConst(bpo, 2 ** c.blockIndexBits))), ERROR_CODES.shape] as [Value, number]] : []),
    [isPool.not().and(gtConst(chanEnd, c.biasDepth).or(isFinal.not().and(gtConst(chanEnd, c.quantDepth)))), ERROR_CODES.address],
  ];
  const settledRegs: [Signal, Value, Value | undefined][] = [];  // register, its check, when (check1)
  const settled = (checks: Check[]): [Value, number][] => checks.map(([bad, codeValue, when]) => {
    const reg = m.reg(`check_bad${settledRegs.length}`, Bool, { init: 0 });
    settledRegs.push([reg, bad, when]);
    return [reg, codeValue];
  });
  const checkCode = [
    ...settled(headChecks),
    [inBytesBad, ERROR_CODES.address],
    ...settled(fieldChecks),
    ...(sd ? [[isPool.not().and(bNeedBad), ERROR_CODES.address] as [Value, number]] : []),
    [outBad, ERROR_CODES.address],
  ].reduceRight<Value>((acc, [bad, codeValue]) => mux(bad, codeValue, acc), lit(0, UInt(3))).named('check_code');

  // ---- row source: the index selector (sd) or a row counter (dense) -----------------------
  const fetch = m.wire('fetch', Bool, { default: 0 });
  const selStart = m.wire('sel_start', Bool, { default: 0 });
  let src: { valid: Value; c: Value; kh: Value; block: Value; index: Value; last: Value };
  const denseRow = m.reg('dense_row', UInt(d), { init: 0 });
  const denseC = m.reg('dense_c', UInt(d), { init: 0 });
  // 3 x dense_row, stepped with it: a conv1/linear row's first input without a x3 adder on the fetch path.
  const denseRow3 = m.reg('dense_row3', UInt(d + 2), { init: 0 });
  const denseKh = m.reg('dense_kh', UInt(2), { init: 0 });
  if (sd) {
    const sel = m.instance('selector', IndexSelector({ addrBits: cw.idxAddr, cBits: d, blockBits: c.blockIndexBits }), {
      clk, rst: rst.or(isIdle), start: selStart, base: idxPtr.trunc(cw.idxAddr), out_ready: fetch, mem_data: idx!.data,
    });
    idx!.re.set(sel.io.memEn);
    idx!.addr.set(sel.io.memAddr);
    src = { valid: sel.io.outValid, c: sel.io.outC, kh: sel.io.outKh, block: sel.io.outBlock, index: sel.io.outIndex, last: sel.io.outLast };
    m.when(idx!.re.and(isIdle.not()), () => { inc.idxReads.set(1); progress.set(1); });
  } else {
    src = {
      valid: lit(1, Bool), c: mux(isConv3, denseC, denseRow), kh: mux(isConv3, denseKh, 0), block: lit(0, UInt(1)), index: denseRow,
      last: denseRow.eq(count.sub(1).trunc(d)),
    };
    m.when(selStart, () => { denseRow.set(0); denseRow3.set(0); denseC.set(0); denseKh.set(0); });
    m.when(fetch, () => {
      denseRow.set(denseRow.add(1).trunc(d));
      denseRow3.set(denseRow3.add(3).trunc(d + 2));
      m.when(denseKh.eq(2), () => { denseKh.set(0); denseC.set(denseC.add(1).trunc(d)); }).otherwise(() => denseKh.set(denseKh.add(1).trunc(2)));
    });
  }
  // ---- the controller's one multiplier ---------------------------------------------------
  // check1 forms the layer products (k = 0..4: H*W, outH*outW, C*H*W, O*outH*outW, O*bpo; k = 5
  // is spare); a row fetch forms its channel plane: c * H*W (conv3) or 3r * H*W (conv1/linear row r,
  // inputs 3r..3r+2), taken mod 2^aa like every ACT address.
  const inCheck = fsm.is('check1');
  const opBits = satBits;
  // 3c of a conv1/linear row (its first input); conv3 rows use c itself.
  const srcC3 = (sd ? mulByConstant(src.c, 3) : denseRow3).named('src_c3');
  const opA = mux(inCheck, select(k.trunc(3), [H, outH, C, O, O, O].map((v) => v.resize(opBits))), mux(isConv3, src.c, srcC3).resize(opBits));
  const opB = mux(inCheck, select(k.trunc(3), [W, outW, inPlane, planeSize, bpo.resize(opBits), inPlane].map((v) => v.resize(opBits))), inPlane.resize(opBits));
  const product = opA.mul(opB).named('product');

  const reloadNeeded = sd ? heldValid.not().or(src.block.ne(heldBlock)).named('reload_needed') : lit(0, Bool);

  // The row being tapped.
  // conv1/linear: which of the row's taps j read an input (3c + j < C), decided at the fetch from
  // C - 3c (a tap's own cycle then only picks a bit).
  const rowLive = m.reg('row_live', UInt(3), { init: 0 });
  const cLeft = C.zext(d + 3).asSigned().sub(srcC3.zext(d + 3).asSigned()).named('c_left');
  const cLeftLow = cLeft.slice(d + 2, 0);
  const liveOfRow = cat(...[2, 1, 0].map((j) => cLeft.bit(cLeft.width - 1).not().and(gtConst(cLeftLow, j)))).named('live_of_row');
  const rowPlane = m.reg('row_plane', UInt(aa), { init: 0 });  // ACT offset of the row's (first) channel
  const rowKh = m.reg('row_kh', UInt(2), { init: 0 });
  const rowLast = m.reg('row_last', Bool, { init: 0 });
  const rowFirst = m.reg('row_first', Bool, { init: 0 });
  const tapJ = m.reg('tap_j', UInt(2), { init: 0 });
  const slot = m.reg('slot', UInt(2), { init: 0 });
  const weightAddr = ceTile.add(src.index).named('weight_addr');
  const weightPort = sd ? ce! : wmem!;
  // Read addresses are driven whatever the read enable (the enable alone gates a read): no gating logic.
  weightPort.addr.set(weightAddr.trunc(weightPort.addr.width));
  m.when(fetch, () => {
    weightPort.re.set(1);
    rowLive.set(liveOfRow);
    rowPlane.set(product.trunc(aa));
    rowKh.set(src.kh);
    rowLast.set(src.last);
    rowFirst.set(src.index.eq(0));
    tapJ.set(0);
    slot.set(0);
    inc.weightReads.set(1);
    inc.rowsWalked.set(1);
    progress.set(1);
    goto('tap');
  });

  // B reload: lane 0 is read where the reload starts, lanes 1.. in bload (one per cycle), each
  // written into its lane register a cycle after its read; the row is fetched with the last write.
  const bAddr = m.reg('b_next_addr', UInt(bTileBase.width + 1), { init: 0 });
  const startReload = m.wire('start_reload', Bool, { default: 0 });
  const cfgWe = m.wire('cfg_we', Bool, { default: 0 });
  if (sd) {
    const first = bTileBase.add(src.block).named('b_first');
    bmem!.addr.set(bAddr.trunc(cw.bAddr));
    m.when(startReload, () => {
      bmem!.re.set(1);
      bmem!.addr.set(first.trunc(cw.bAddr));
      bAddr.set(first.add(bpo).resize(bAddr.width));
      heldBlock.set(src.block);
      heldValid.set(1);
      k.set(1);
      inc.bReads.set(1);
      progress.set(1);
      goto('bload');
    });
  }
  // Continues the walk after a row's last tap (or before the first row).
  const nextRow = (): void => {
    m.when(reloadNeeded, () => startReload.set(1)).otherwise(() => fetch.set(1));
  };

  // ---- taps: address generator, rebuild engine (sd) or W columns (dense), PE array ---------
  // ---- tile boundaries ---------------------------------------------------------------------
  // Pixel tiles of an output tile follow each other without a gap: the selector restarts during
  // the last row's taps, and the next tile's first row is fetched in the last tap's cycle. A
  // tile's last tap (its "end issue") waits until the previous tile's end issue is at least
  // max(its drain length, capture latency) cycles back, so the drain of one tile never overlaps
  // the next capture and the pending drain address is not overwritten before its capture.
  const lastTile = lastRow.and(lastCols).named('last_tile');
  // The output row / column iteration (MAC loop: `step` = Q pixels per tile; max-pool: 1).
  const restartCols = (step: number): void => {
    colsLeft.set(outW);
    lastCols.set(gtConst(outW, step).not());
  };
  const nextCols = (step: number): void => {
    colsLeft.set(colsLeft.sub(step).trunc(d));
    lastCols.set(gtConst(colsLeft, 2 * step).not());
  };
  const startRows = (step: number): void => {
    restartCols(step);
    oy.set(0);
    lastRow.set(outH.eq(1));
  };
  const nextOutRow = (): void => {  // oy < outH - 1
    lastRow.set(oy.add(2).eq(outH));
    oy.set(oy.add(1).trunc(d));
  };
  const beats = requantBeats(c);
  const gap = m.reg('gap', UInt(bitsFor(Math.max(beats * P * Q, actLatency(true, Q) + 1))), { init: 0 });
  const gapFree = gap.eq(0).named('gap_free');
  const hold = fsm.is('tap').and(slot.eq(0)).and(rowLast).and(tapJ.eq(2)).and(gapFree.not()).named('end_hold');
  const tapOffer = fsm.is('tap').and(slot.eq(0)).and(hold.not()).named('tap_offer');
  const slotEnd = (tapSlot(2, Q) === 3 ? mux(stride2, slot.eq(2), lit(1, Bool)) : lit(1, Bool)).named('slot_end');
  // The tap's cycles are over: the next tap takes the next kernel column (S per row).
  const tapDone = fsm.is('tap').and(hold.not()).and(slotEnd).named('tap_done');
  const emptyIssue = fsm.is('wempty').and(gapFree).named('empty_issue');
  const firstIssue = tapOffer.and(rowFirst).and(tapJ.eq(0)).or(emptyIssue).named('first_issue');
  const endIssue = tapOffer.and(rowLast).and(tapJ.eq(2)).or(emptyIssue).named('end_issue');
  const spacing = mux(stride2, actLatency(true, Q) + 1, actLatency(false, Q) + 1);
  const drainCycles = (beats === 2 ? mux(isFinal, tileMacs, tileMacs.shl(1)) : tileMacs).named('drain_cycles');
  const gapNext = mux(drainCycles.gt(spacing), drainCycles, spacing).sub(1).named('gap_next');
  m.when(endIssue, () => gap.set(gapNext.resize(gap.width)))
    .elseWhen(gapFree.not(), () => gap.set(gap.sub(1).trunc(gap.width)));
  // First / end marks travel beside the taps: PE load with the first tap, capture after the last.
  const marks = (name: string, src0: Value): Value[] => {
    const line: Value[] = [src0];
    for (let s = 1; s <= actLatency(true, Q) + 1; s++) {
      const r = m.reg(`${name}_d${s}`, Bool, { init: 0 });
      r.set(line[s - 1]!);
      line.push(r);
    }
    return line;
  };
  const firstLine = marks('first_mark', firstIssue);
  const endLine = marks('end_mark', endIssue);
  // Where the finished tile drains: latched at its end issue, taken by the drain at its capture.
  const pendBase = m.reg('pend_base', UInt(aa), { init: 0 });
  const pendCols = m.reg('pend_cols', UInt(colBits), { init: 0 });
  m.when(endIssue, () => {
    pendBase.set(o0Plane.add(pixOff).resize(pendBase.width));
    pendCols.set(cols);
  });
  const liveTap = tapOffer.and(isConv3.or(mux(tapJ.bit(1), rowLive.bit(2), mux(tapJ.bit(0), rowLive.bit(1), rowLive.bit(0))))).named('live_tap');
  // conv1/linear tap j reads channel 3r + j: the row's plane + j * H*W.
  const tapPlaneStep = mux(isConv3.or(tapJ.eq(0)), 0, mux(tapJ.bit(1), inPlane.shl(1), inPlane)).trunc(aa);
  const tapPlane = rowPlane.add(tapPlaneStep).trunc(aa).named('tap_plane');
  const act = m.instance('act_addr', ActAddrGen({ cols: Q, addrBits: aa, dimBits: d }), {
    clk, rst, base: actIn, h: H, w: W, out_w: outW, stride2, pad: padding.bit(0), z_in: zIn,
    req_valid: liveTap, plane: tapPlane, oy_row: oyRow, kh: mux(isConv3, rowKh, 0), kw: mux(isConv3, tapJ, 0), oy, ox0,
  });
  act.io.bankData.forEach((b, i) => b.set(actRdata[i]!));

  // Weights of the tap per lane, and how many cycles they lead the activations by.
  let laneWeights: Value[];
  let sourceLatency: number;
  if (sd) {
    const rb = m.instance('rebuild', RebuildEngine({ basis: S, expBits: c.ceExpBits, shiftBits: c.rebuildShiftBits, lanes: P }), {
      clk, rst, cfg_we: cfgWe, cfg_lane: k.sub(1).trunc(Math.max(1, Math.ceil(Math.log2(P)))),
      cfg_bword: bmem!.data, in_valid: liveTap, in_codes: ce!.data, in_next: tapDone,
    });
    laneWeights = rb.io.weights;
    sourceLatency = 2;
    const cw2 = c.ceExpBits;
    const nonZero = Array.from({ length: P * S }, (_, i) => ce!.data.slice(i * (cw2 + 1) + cw2 - 1, i * (cw2 + 1)).orR());
    m.when(liveTap, () => {
      inc.rebuiltWeights.set(lanes);
      inc.rebuildShiftAdds.set(addTree(nonZero).resize(inc.rebuildShiftAdds.width));
    });
  } else {
    laneWeights = Array.from({ length: P }, (_, o) => select(tapJ, Array.from({ length: S }, (_, j) => wmem!.data.slice((o * S + j) * 8 + 7, (o * S + j) * 8).asSigned())));
    sourceLatency = 0;
  }
  const delayed: Value[][] = [laneWeights];
  for (let s = 1; s <= actLatency(true, Q) - sourceLatency; s++) {
    delayed.push(laneWeights.map((_, o) => {
      const r = m.reg(`w_d${s}_${o}`, SInt(8), { init: 0 });
      r.set(delayed[s - 1]![o]!);
      return r;
    }));
  }
  const peWeights = laneWeights.map((_, o) => mux(stride2, delayed[actLatency(true, Q) - sourceLatency]![o]!, delayed[actLatency(false, Q) - sourceLatency]![o]!));
  const peLoad = mux(stride2, firstLine[actLatency(true, Q)]!, firstLine[actLatency(false, Q)]!).named('pe_load');
  const capture = mux(stride2, endLine[actLatency(true, Q) + 1]!, endLine[actLatency(false, Q) + 1]!).named('capture');
  const shSel = m.wire('sh_sel', UInt(Math.max(1, Math.ceil(Math.log2(P * Q)))), { default: 0 });
  const peConn: Record<string, Value> = { clk, rst, load: peLoad, en: act.io.outValid, capture, sh_sel: shSel };
  peWeights.forEach((w, o) => { peConn[`w${o}`] = w; peConn[`bias${o}`] = laneBias[o]!; });
  act.io.acts.forEach((a, q) => { peConn[`a${q}`] = a; });
  const pe = m.instance('pe', PeArray({ rows: P, cols: Q, accBits: c.accBits }), peConn);
  const shAcc = pe.port('sh_acc');
  m.when(liveTap, () => inc.macs.set(tileMacs));
  const actReadCount = addTree(act.io.bankEn.map((e) => e.zext(1)));

  // ---- drain: shadow -> requantizer -> ACT, or -> LOGITS -----------------------------------
  // Runs beside the walk: started by each capture, lanes x cols values, two cycles each through the
  // requantizer (its one multiplier takes the accumulator's halves in turn), one each to LOGITS.
  const drainLane = m.reg('drain_lane', UInt(laneBits), { init: 0 });
  const drainCol = m.reg('drain_col', UInt(colBits), { init: 0 });
  const drainCols = m.reg('drain_cols', UInt(colBits), { init: 0 });
  const laneOff = m.reg('lane_off', UInt(aa), { init: 0 });
  const draining = m.reg('draining', Bool, { init: 0 });
  // The requantizer takes two beats per value (low, high half); LOGITS take one per cycle.
  const drainBeat = beats === 2 ? m.reg('drain_beat', Bool, { init: 0 }) : undefined;
  const drainStep = (drainBeat ? draining.and(isFinal.or(drainBeat)) : draining).named('drain_step');
  const colEnd = drainCol.eq(drainCols.sub(1).trunc(colBits)).named('drain_col_end');
  // A lane's last value: the ring turns (also when the next capture comes in the same cycle).
  m.when(drainStep.and(colEnd), () => {
    // Lane i takes lane i+1's values, lane lanes-1 lane 0's.
    for (let i = 1; i < P; i++) {
      const next = i === P - 1 ? laneQuant[0]! : mux(lanes.eq(i + 1), laneQuant[0]!, laneQuant[i + 1]!);
      m.when(gtConst(lanes, i), () => laneQuant[i]!.set(next));
    }
    if (P > 1) m.when(gtConst(lanes, 1), () => laneQuant[0]!.set(laneQuant[1]!));
  });
  m.when(capture, () => {
    draining.set(1);
    drainBeat?.set(0);
    drainLane.set(0);
    drainCol.set(0);
    drainCols.set(pendCols);
    laneOff.set(pendBase);
  }).elseWhen(draining.and(drainStep.not()), () => drainBeat?.set(1)).elseWhen(draining, () => {
    drainBeat?.set(0);
    drainCol.set(mux(colEnd, 0, drainCol.add(1).trunc(colBits)));
    m.when(colEnd, () => {
      drainLane.set(drainLane.add(1).trunc(laneBits));
      laneOff.set(laneOff.add(planeSize).trunc(laneOff.width));
      m.when(drainLane.eq(lanes.sub(1).trunc(laneBits)), () => draining.set(0));
    });
  });
  const requantIn = draining.and(isFinal.not()).and(drainBeat ?? lit(1, Bool)).named('requant_in');
  const requant = m.instance('requant', Requant({ accBits: c.accBits, multiplierBits: c.multiplierBits, shiftBits: cw.dims.requantShiftBits, beats }), {
    clk, rst, ...(drainBeat ? { in_lo: draining.and(isFinal.not()).and(drainBeat.not()) } : {}), in_valid: requantIn, acc: shAcc,
    mult: laneQuant[0]!.slice(c.multiplierBits - 1, 0), shift: laneQuant[0]!.slice(quantBits - 1, c.multiplierBits), z_out: zOut, lo: clampLo,
  });
  const drainAddr = laneOff.add(drainCol).trunc(aa).named('drain_addr');
  shSel.set(mulByConstant(drainLane, Q).add(drainCol).resize(shSel.width));
  logitsWaddr.set(drainAddr.trunc(cw.logitsAddr));
  logitsWdata.set(shAcc.asUnsigned());
  m.when(draining, () => {
    progress.set(1);
    m.when(isFinal, () => {
      logitsWe.set(1);
      inc.logitsWrites.set(1);
    });
  });
  // Anything of the output tile still in flight: end marks, the drain, the requantizer.
  const requantBusy: Value[] = [];
  for (let s = 0; s < REQUANT_LATENCY; s++) {
    const r = m.reg(`requant_busy${s}`, Bool, { init: 0 });
    r.set(s === 0 ? requantIn : requantBusy[s - 1]!);
    requantBusy.push(r);
  }
  const pipeBusy = [...endLine.slice(1), draining, ...requantBusy].reduce((a, b) => a.or(b)).named('pipe_busy');
  let waddrPipe: Value = drainAddr;
  for (let s = 0; s < REQUANT_LATENCY; s++) {
    const r = m.reg(`drain_addr_q${s}`, UInt(drainAddr.width), { init: 0 });
    r.set(waddrPipe);
    waddrPipe = r;
  }

  // ---- max-pool --------------------------------------------------------------------------
  // The output loop reuses the MAC loop's registers: channel o0 (lanes = 1), row oy with last_row,
  // column count cols_left with last_cols; the window's address is a register stepped by 2.
  const poolR = m.reg('pool_r', UInt(2), { init: 0 });
  const poolCol = m.reg('pool_col', UInt(aa + 2), { init: 0 });    // address of (ch, 2y, 2x)
  const poolRow = m.reg('pool_row', UInt(aa + 2), { init: 0 });    // address of (ch, 2y, 0)
  const poolChan = m.reg('pool_chan', UInt(aa + 2), { init: 0 });  // address of (ch, 0, 0)
  const poolRead = fsm.is('pool').named('pool_read');
  const poolAddr = poolCol.add(mux(poolR.bit(1), W, 0)).add(poolR.bit(0)).resize(aa).named('pool_addr');
  const bankBits = bankBitsOf(Q);
  const poolBank = bankBits > 0 ? poolAddr.slice(bankBits - 1, 0) : lit(0, UInt(1));
  const poolWord = poolAddr.slice(aa - 1, bankBits).resize(cw.actWord);
  const poolTag = m.reg('pool_tag', UInt(2), { init: 0 });
  const poolTagValid = m.reg('pool_tag_valid', Bool, { init: 0 });
  const poolBankQ = m.reg('pool_bank_q', UInt(Math.max(1, bankBits)), { init: 0 });
  poolTag.set(poolR);
  poolTagValid.set(poolRead);
  poolBankQ.set(poolBank.resize(poolBankQ.width));
  const poolData = bankBits > 0 ? select(poolBankQ, actRdata) : actRdata[0]!;
  // The window's four values stream into the max-pool unit as they are read.
  const mp = m.instance('maxpool', MaxPool2(), { clk, rst, in_valid: poolTagValid, in_first: poolTag.eq(0), in_last: poolTag.eq(3), x: poolData });
  // Outputs are written in order, so the write address is a counter stepped by each write.
  const poolWriteAddr = m.reg('pool_waddr', UInt(aa), { init: 0 });
  m.when(mp.io.outValid, () => poolWriteAddr.set(poolWriteAddr.add(1).trunc(aa)));
  const poolY8 = mux(mp.io.y.lt(clampLo), clampLo, mp.io.y).named('pool_y_clamped');

  // ---- ACT bank ports and the single ACT write port ---------------------------------------
  for (let b = 0; b < Q; b++) {
    const poolHit = poolRead.and(bankBits > 0 ? poolBank.eq(b) : lit(1, Bool));
    actRe[b]!.set(mux(poolRead, poolHit, act.io.bankEn[b]!));
    actRaddr[b]!.set(mux(poolRead, poolWord, act.io.bankAddr[b]!));
  }
  const drainWrite = requant.io.outValid;
  actWe.set(drainWrite.or(mp.io.outValid));
  actWaddr.set(mux(mp.io.outValid, poolWriteAddr, waddrPipe.trunc(aa)));
  actWdata.set(mux(mp.io.outValid, poolY8, requant.io.y).asUnsigned());
  m.when(actWe, () => { inc.actWrites.set(1); progress.set(1); });
  m.when(poolRead, () => inc.actReads.set(1)).otherwise(() => inc.actReads.set(actReadCount.resize(inc.actReads.width)));

  // ---- argmax pass over LOGITS -----------------------------------------------------------
  const amaxValid = m.reg('amax_valid', Bool, { init: 0 });
  amaxValid.set(fsm.is('amax').and(k.lt(outCount)));
  const argmax = m.instance('argmax', Argmax({ valueBits: c.accBits, indexBits: cw.resultBits }), {
    clk, rst, start: fsm.is('amax').and(k.eq(0)), in_valid: amaxValid, value: logits.data.asSigned(),
  });

  // ---- the walk --------------------------------------------------------------------------
  const macLoop = ['tinit', 'wstart', 'wcount', 'wrow', 'tap', 'bload', 'wempty', 'oflush', 'ptile'] as const;
  const inMacLoop = macLoop.map((s) => fsm.is(s)).reduce((a, b) => a.or(b));
  m.when(inMacLoop.and(liveTap.not()), () => inc.stalls.set(1));
  m.when(isIdle.not(), () => inc.cycles.set(1));

  fsm.state('idle', () => {
    m.when(start, () => {
      descPtr.set(0);
      layer.set(0);
      doneFlag.set(0);
      errorFlag.set(0);
      code.set(0);
      result.set(0);
      goto('next');
    });
  });
  fsm.state('next', () => {
    k.set(0);
    m.when(gtConst(descPtr.add(DW), c.descDepth), () => fail(ERROR_CODES.address)).otherwise(() => goto('fetch'));
  });
  desc.addr.set(descPtr.add(k).trunc(cw.descAddr));
  fsm.state('fetch', () => {
    m.when(ltConst(k, DW), () => {
      desc.re.set(1);
      inc.descReads.set(1);
      progress.set(1);
    });
    descWords.forEach((w, i) => m.when(k.eq(i + 1), () => w.set(desc.data)));
    // The layer's base addresses go straight into the registers that walk from them (no
    // descriptor register of their own; nothing steps those registers before tinit).
    const bases: [string, Signal][] = [['weightBase', ceTile], ['chanBase', chan], ...(sd ? [['idxBase', idxPtr], ['bBase', nextBTile]] as [string, Signal][] : [])];
    for (const [name, reg] of bases) {
      const f = fieldOf(cw.dl.layout, name);
      const lo = f.offset % 32;
      m.when(k.eq(Math.floor(f.offset / 32) + 1), () => reg.set(desc.data.slice(lo + f.width - 1, lo).resize(reg.width)));
    }
    k.set(k.add(1).trunc(k.width));
    m.when(k.eq(DW), () => { k.set(0); goto('check1'); });
  });
  // check1: the layer products, one per cycle (k = 0..LAYER_PRODUCTS-1) through the multiplier the
  // row fetch uses (one SB_MAC16; the states never overlap).
  fsm.state('check1', () => {
    for (const [reg, bad, when] of settledRegs) m.when(when ?? lit(1, Bool), () => reg.set(bad));
    const sat = product.sat(satBits);
    m.when(k.eq(0), () => inPlane.set(sat));
    m.when(k.eq(1), () => planeSize.set(sat));
    // The three base + size checks share one adder (base picked by k).
    const baseBits = Math.max(aa, cw.bAddr);
    const base = mux(k.bit(2), sd ? nextBTile.resize(baseBits) : lit(0, UInt(baseBits)), mux(k.bit(0), actOut, actIn).resize(baseBits)).named('check_base');
    const end = base.add(sat).named('check_end');
    m.when(k.eq(2), () => inBytesBad.set(gtConst(end, actBytes)));  // actIn + C*H*W
    m.when(k.eq(3), () => {
      outBad.set(mux(isFinal, gtConst(sat, c.logitsDepth), gtConst(end, actBytes)));  // actOut + O*outH*outW
      outCount.set(sat.resize(outCount.width));
    });
    m.when(k.eq(4), () => bNeedBad.set(gtConst(end, c.bDepth)));  // bBase + O*bpo
    k.set(k.add(1).trunc(k.width));
    m.when(k.eq(LAYER_PRODUCTS - 1), () => goto('check2'));
  });
  fsm.state('check2', () => {
    // o0 + lanes = 0 in linit, so linit and ptile share the group-end adder and comparator.
    o0.set(0);
    lanes.set(0);
    m.when(checkCode.ne(0), () => { failCode.set(checkCode); goto('fail'); })
      .elseWhen(isPool, () => goto('pinit'))
      .otherwise(() => goto('linit'));
  });

  // MAC layer.
  // The first channel after this output tile, and the end of the group starting there.
  const o0Next = o0.add(lanes).trunc(d + 1).named('o0_next');
  // Whether this output tile (max-pool: channel) is the layer's last / its group's last, registered:
  // o0 and lanes settle in tinit (pinit) and change only where these are used, cycles later.
  const lastOutTile = m.reg('last_out_tile', Bool, { init: 0 });
  const groupLast = m.reg('group_last', Bool, { init: 0 });
  lastOutTile.set(o0Next.eq(O));
  groupLast.set(o0Next.eq(groupEnd));
  const nextGroupEnd = mux(o0Next.add(G).gt(O), O, o0Next.add(G)).resize(d + 1).named('next_group_end');
  fsm.state('linit', () => {
    groupEnd.set(nextGroupEnd);
    // Drain addresses start at actOut (LOGITS: 0), so the ACT write address needs no adder.
    nextO0Plane.set(mux(isFinal, 0, actOut).resize(aa));
    k.set(0);
    goto('tinit');
  });
  // (One PE row: always 1, as tinit starts below the group end.)
  const laneCount = (P === 1 ? lit(1, UInt(laneBits)) : mux(gtConst(groupEnd.sub(o0).trunc(d + 1), P), P, groupEnd.sub(o0).trunc(d + 1)).resize(laneBits)).named('lane_count');
  // lanes takes lane_count in tinit's first cycle (k = 0, lane_count >= 1: o0 < group end there), so
  // the rest of tinit compares k with the register.
  const laneRead = k.eq(0).or(k.lt(lanes)).named('lane_read');
  bias.addr.set(chan.trunc(cw.biasAddr));
  quant.addr.set(chan.trunc(cw.quantAddr));
  fsm.state('tinit', () => {
    m.when(k.eq(0), () => lanes.set(laneCount));
    m.when(laneRead, () => {
      chan.set(chan.add(1).trunc(chan.width));
      bias.re.set(1);
      inc.biasReads.set(1);
      progress.set(1);
      m.when(isFinal.not(), () => {
        quant.re.set(1);
        inc.quantReads.set(1);
      });
    });
    for (let o = 0; o < P; o++) {
      m.when(k.eq(o + 1), () => {
        laneBias[o]!.set(bias.data.asSigned());
        laneQuant[o]!.set(quant.data.slice(quantBits - 1, 0));
      });
    }
    m.when(k.eq(0), () => {
      bTileBase.set(nextBTile);
      o0Plane.set(nextO0Plane);
    });
    m.when(laneRead, () => {
      nextBTile.set(nextBTile.add(bpo).trunc(cw.bAddr));
      nextO0Plane.set(nextO0Plane.add(planeSize).trunc(aa));
    });
    startRows(Q);
    oyRow.set(0);
    ox0.set(0);
    pixOff.set(0);
    heldValid.set(0);
    k.set(k.add(1).trunc(k.width));
    m.when(k.ne(0).and(k.eq(lanes)), () => goto('wstart'));
  });
  fsm.state('wstart', () => {
    selStart.set(1);
    if (sd) m.when(geConst(idxPtr, c.idxDepth), () => fail(ERROR_CODES.address)).otherwise(() => goto('wcount'));
    else goto('wcount');
  });
  // Rows a walk skips: rows - the group's count (in wcount still on the IDX read port).
  const walkCount = sd ? mux(fsm.is('wcount'), idx!.data.slice(d - 1, 0), count) : count;
  const skippedPerWalk = rows.sub(walkCount).trunc(d).resize(inc.rowsSkipped.width).named('skipped_per_walk');
  fsm.state('wcount', () => {
    progress.set(1);
    if (sd) {
      const cnt = idx!.data.slice(d - 1, 0);
      count.set(cnt);
      inc.rowsSkipped.set(skippedPerWalk);
      m.when(geConst(idxPtr.add(cnt), c.idxDepth).or(gtConst(ceTile.add(cnt), c.ceDepth)), () => fail(ERROR_CODES.address))
        .elseWhen(cnt.eq(0), () => goto('wempty'))
        .otherwise(() => goto('wrow'));
    } else {
      count.set(rows);
      m.when(gtConst(ceTile.add(rows), c.wDepth), () => fail(ERROR_CODES.address)).otherwise(() => goto('wrow'));
    }
  });
  fsm.state('wrow', () => nextRow());
  // The next pixel tile of the output tile (its walk restarts at the group's first kept row).
  const advanceTile = (): void => {
    pixOff.set(pixOff.add(cols).trunc(pixOff.width));
    m.when(lastCols.not(), () => {  // ox0 + Q < outW
      ox0.set(ox0.add(Q).trunc(d));
      nextCols(Q);
    }).otherwise(() => {
      ox0.set(0);
      restartCols(Q);
      nextOutRow();
      oyRow.set(oyRow.add(mux(stride2, W.shl(1), W)).trunc(aa));
    });
  };
  fsm.state('tap', () => {
    m.when(hold.not(), () => {
      slot.set(mux(slotEnd, 0, slot.add(1).trunc(2)));
      m.when(slotEnd, () => {
        m.when(tapJ.ne(2), () => tapJ.set(tapJ.add(1).trunc(2)))
          .elseWhen(rowLast, () => {
            m.when(lastTile, () => goto('oflush')).otherwise(() => { advanceTile(); nextRow(); });
          })
          .otherwise(() => nextRow());
      });
    });
    // The last row was taken: restart the selector for the next tile's walk.
    m.when(rowLast.and(tapJ.eq(0)).and(slot.eq(0)).and(lastTile.not()), () => {
      selStart.set(1);
      if (sd) inc.rowsSkipped.set(skippedPerWalk);
    });
    m.when(tapOffer, () => progress.set(1));
  });
  // A group without kept rows: one issue per tile (PE load of the bias, capture), the same
  // spacing as taps, and a selector walk per tile (it reads the count word).
  fsm.state('wempty', () => {
    m.when(gapFree, () => {
      progress.set(1);
      m.when(lastTile, () => goto('oflush')).otherwise(() => {
        advanceTile();
        selStart.set(1);
        inc.rowsSkipped.set(skippedPerWalk);
      });
    });
  });
  // The output tile's last drain and requantizer writes finish before its lane registers change.
  fsm.state('oflush', () => {
    m.when(pipeBusy.not(), () => goto('ptile'));
  });
  if (sd) {
    fsm.state('bload', () => {
      cfgWe.set(1);
      progress.set(1);
      m.when(k.lt(lanes), () => {
        bmem!.re.set(1);
        bAddr.set(bAddr.add(bpo).trunc(bAddr.width));
        inc.bReads.set(1);
      });
      k.set(k.add(1).trunc(k.width));
      m.when(k.eq(lanes), () => fetch.set(1));
    });
  } else {
    fsm.state('bload', () => goto('fail'));
  }
  const nextLayer = (): void => {
    descPtr.set(descPtr.add(DW).trunc(descPtr.width));
    layer.set(layer.add(1).trunc(cw.layerBits));
    goto('next');
  };
  fsm.state('ptile', () => {
    o0.set(o0Next);
    ceTile.set(ceTile.add(count).trunc(ceTile.width));
    m.when(groupLast, () => {
      groupEnd.set(nextGroupEnd);
      idxPtr.set(idxPtr.add(count).add(1).trunc(idxPtr.width));
    });
    k.set(0);
    m.when(lastOutTile.not(), () => goto('tinit'))
      .elseWhen(isFinal, () => goto('amax'))
      .otherwise(() => nextLayer());
  });
  logits.addr.set(k.trunc(cw.logitsAddr));
  fsm.state('amax', () => {
    m.when(k.lt(outCount), () => {
      logits.re.set(1);
      progress.set(1);
    });
    k.set(k.add(1).trunc(k.width));
    m.when(k.eq(outCount), () => goto('finish'));
  });
  fsm.state('finish', () => {
    result.set(argmax.io.index);
    doneFlag.set(1);
    goto('idle');
  });

  // Max-pool layer: outputs in order (ch, y, x), four one-byte reads each.
  fsm.state('pinit', () => {
    lanes.set(1);  // o0 = 0 since check2
    startRows(1);
    poolR.set(0);
    poolCol.set(actIn.resize(poolCol.width));
    poolRow.set(actIn.resize(poolRow.width));
    poolChan.set(actIn.resize(poolChan.width));
    poolWriteAddr.set(actOut.resize(aa));
    goto('pool');
  });
  fsm.state('pool', () => {
    progress.set(1);
    poolR.set(poolR.add(1).trunc(2));
    m.when(poolR.eq(3), () => {
      m.when(lastCols.not(), () => {
        nextCols(1);
        poolCol.set(poolCol.add(2).trunc(poolCol.width));
      }).otherwise(() => {
        restartCols(1);
        m.when(lastRow.not(), () => {
          nextOutRow();
          const nextRow = poolRow.add(W.shl(1)).trunc(poolRow.width);
          poolRow.set(nextRow);
          poolCol.set(nextRow);
        }).otherwise(() => {
          startRows(1);
          const nextChan = poolChan.add(inPlane).trunc(poolChan.width);
          poolChan.set(nextChan);
          poolRow.set(nextChan);
          poolCol.set(nextChan);
          o0.set(o0Next);
          m.when(lastOutTile, () => { k.set(0); goto('ptail'); });  // O = C
        });
      });
    });
  });
  fsm.state('ptail', () => {
    k.set(k.add(1).trunc(k.width));
    m.when(k.eq(1), () => nextLayer());
  });
  fsm.state('fail', () => {
    errorFlag.set(1);
    code.set(failCode);
    goto('idle');
  });
  // The watchdog bounds every state.
  m.when(isIdle.not().and(fsm.is('fail').not()).and(watchdog.andR()), () => fail(ERROR_CODES.watchdog));
  return { start, busy };
}, { name: (p) => `sd_controller_${p.config.mode}_${configHash(p.config).slice(0, 8)}` });
