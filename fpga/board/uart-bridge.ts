/**
 * The UART host bridge: uart_rx -> frame parser with CRC check -> host-bus master -> reply framer
 * -> uart_tx, speaking the link protocol of fpga/link/protocol.ts (frame layout, opcodes, status
 * codes and limits all come from there).
 *
 * One frame at a time: bytes that arrive while a reply is being sent are dropped (the host waits
 * for each reply). A WRITE's payload waits in a buffer until the frame's CRC checks, so a corrupted
 * frame never reaches the engine. A bad opcode or length is known from the header, but not where
 * the frame ends: the bridge then drops bytes until the line has been quiet for the inter-byte
 * timeout and answers with the error. A frame that stops early is dropped after the same timeout
 * with a TIMEOUT reply; bytes outside a frame other than the sync byte are ignored. Together these
 * resynchronise the link after any garbage.
 */
import { Bool, UInt, cat, defineModule, lit, mux, select, type Value } from '../../generator/dsl/index.js';
import { UartRx, UartTx } from '../../generator/examples/uart.js';
import { CSR } from '../../generator/engine/csr.js';
import { CRC_INIT, CRC_POLY } from '../link/crc.js';
import {
  MAX_BYTE_WORDS, MAX_WORDS, OPCODES, PING_WORDS, PROTOCOL_WORD, REPLY_SYNC, REQUEST_HEADER_BYTES, REQUEST_SYNC, STATUS_ADDRESS, STATUS_CODES,
  STATUS_WORDS, type LinkLayout,
} from '../link/protocol.js';

export interface UartBridgeParams {
  /** Clock cycles per UART bit (clock / baud), at least 4. */
  clocksPerBit: number;
  /** Cycles without a byte after which a started frame is dropped. */
  timeoutCycles: number;
  layout: LinkLayout;
}

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** One byte into a CRC-16/CCITT-FALSE, the eight shift steps unrolled (fpga/link/crc.ts crcByte). */
export function crcNext(crc: Value, byte: Value): Value {
  let x = crc.xor(cat(byte, lit(0, UInt(8))));
  for (let i = 0; i < 8; i++) {
    const shifted = cat(x.slice(14, 0), lit(0, Bool));
    x = mux(x.bit(15), shifted.xor(lit(CRC_POLY, UInt(16))), shifted);
  }
  return x;
}

export const UartBridge = defineModule('uart_bridge', (m, p: UartBridgeParams) => {
  const { clk, rst } = m.clockAndReset();
  const L = p.layout;
  if (p.timeoutCycles < 20 * p.clocksPerBit) throw new Error(`uart_bridge: timeoutCycles ${p.timeoutCycles} must be at least two byte times (${20 * p.clocksPerBit} cycles)`);
  const rxPin = m.input('rx', Bool);
  const txPin = m.output('tx', Bool);
  const reqValid = m.output('req_valid', Bool);
  const reqReady = m.input('req_ready', Bool);
  const reqWrite = m.output('req_write', Bool);
  const reqAddr = m.output('req_addr', UInt(L.addrBits));
  const reqWdata = m.output('req_wdata', UInt(32));
  const respValid = m.input('resp_valid', Bool);
  const respRdata = m.input('resp_rdata', UInt(32));
  const busy = m.input('busy', Bool);
  /** One-cycle pulse when an error reply starts (for an LED). */
  const replyError = m.output('reply_error', Bool);

  const rx = m.instance('uart_in', UartRx({ clocksPerBit: p.clocksPerBit }), { clk, rst, rx: rxPin });
  const txValid = m.wire('tx_valid', Bool, { default: 0 });
  const txData = m.wire('tx_data', UInt(8), { default: 0 });
  const tx = m.instance('uart_out', UartTx({ clocksPerBit: p.clocksPerBit }), { clk, rst, in_valid: txValid, in_data: txData });
  txPin.set(tx.io.tx);
  const txReady = tx.io.in.ready;
  const byteIn = rx.io.valid;
  const rxByte = rx.io.data;

  // The request: header bytes shift in from the top, so after 7 bytes op is [7:0], address
  // [39:8], words [55:40] (all little-endian on the wire).
  const headerBits = 8 * (REQUEST_HEADER_BYTES - 1);
  const header = m.reg('header', UInt(headerBits), { init: 0 });
  const op = header.slice(7, 0).named('op');
  const address = header.slice(39, 8).named('address');
  const words = header.slice(55, 40).named('words');
  const wordBits = bitsFor(MAX_BYTE_WORDS);
  const replyBits = bitsFor(MAX_WORDS);
  const countBits = bitsFor(4 * MAX_WORDS);
  const count = m.reg('count', UInt(countBits), { init: 0 });
  const crc = m.reg('crc', UInt(16), { init: CRC_INIT });
  const gap = m.reg('gap', UInt(bitsFor(p.timeoutCycles)), { init: 0 });
  const status = m.reg('status', UInt(bitsFor(Math.max(...Object.values(STATUS_CODES)))), { init: 0 });
  const replyWords = m.reg('reply_words', UInt(replyBits), { init: 0 });
  const wordIdx = m.reg('word_idx', UInt(wordBits), { init: 0 });
  const shiftWord = m.reg('shift_word', UInt(32), { init: 0 });
  // The payload as bytes: 8 bits wide, 4 x MAX_WORDS deep fits one iCE40 block RAM (32 bits wide would take two).
  const bufAddrBits = bitsFor(4 * MAX_WORDS - 1);
  const buf = m.memory('payload', { type: UInt(8), depth: 4 * MAX_WORDS, addrWidth: bufAddrBits });

  // One CRC step for both directions: a byte is sent (tx_valid) or received, never both at once.
  const crcStep = crcNext(crc, mux(txValid, txData, rxByte)).named('crc_next');
  const lastWord = wordIdx.add(1).named('last_word');
  const frameWords = words.trunc(wordBits).named('frame_words');   // checked against MAX_WORDS / MAX_BYTE_WORDS before use
  const inc = (r: Value): Value => r.add(1).trunc(r.width);

  const isStatusOp = (): Value => op.eq(OPCODES.STATUS);
  const isStartOp = (): Value => op.eq(OPCODES.START);
  // Host-bus defaults: idle.
  reqValid.set(0);
  reqWrite.set(0);
  // STATUS reads its fixed CSR words, START writes CTRL. The bus address is a register (loaded at exec, counted up per word), so no adder sits in
  // front of the engine's address decode.
  const busAddr = m.reg('bus_addr', UInt(L.addrBits), { init: 0 });
  const base = mux(isStatusOp(), lit(STATUS_ADDRESS, UInt(L.addrBits)), mux(isStartOp(), lit(CSR.CTRL, UInt(L.addrBits)), address.trunc(L.addrBits)));
  reqAddr.set(busAddr);
  m.when(reqValid.and(reqReady), () => busAddr.set(busAddr.add(1).trunc(L.addrBits)));
  // START's data is CTRL = 1: shift_word cleared, bit 0 forced.
  reqWdata.set(cat(shiftWord.slice(31, 1), shiftWord.bit(0).or(isStartOp())));
  replyError.set(0);

  // Address check (protocol.ts checkRequest): inside a region, and offset + words within it.
  const regionBits = L.addrBits - L.regionShift;
  const region = address.slice(L.addrBits - 1, L.regionShift).named('region');
  const offset = address.slice(L.regionShift - 1, 0).named('offset');
  const highClear = address.slice(31, L.addrBits).eq(0);
  const end = offset.zext(L.regionShift + 1).add(frameWords).trunc(L.regionShift + 1).named('frame_end');
  const limit = select(region, L.regionWords.map((w) => lit(w, UInt(L.regionShift + 1))), 0).named('region_limit');
  const inRegions = region.lt(lit(L.regionWords.length, UInt(regionBits + 1)));
  // Registered in the check state (the header is stable from then on): keeps the add and compare
  // out of exec's decision path.
  const addressOk = m.reg('address_ok', Bool, { init: 0 });
  const isOp = (name: keyof typeof OPCODES): Value => op.eq(OPCODES[name]);
  const opKnown = Object.values(OPCODES).map((v) => op.eq(v)).reduce((a, b) => a.or(b));
  const isWrite8 = isOp('WRITE8');
  const writeOp = isOp('WRITE').or(isWrite8);
  const blockOp = writeOp.or(isOp('READ'));
  const lengthOk = blockOp.not().or(words.ge(1).and(words.le(mux(isWrite8, lit(MAX_BYTE_WORDS, UInt(16)), lit(MAX_WORDS, UInt(16))))));
  // WRITE: 4 payload bytes per word; WRITE8: 1.
  const payloadLastOf = mux(isWrite8, frameWords.zext(wordBits + 2), cat(frameWords, lit(0, UInt(2)))).sub(1).trunc(countBits);
  const payloadLast = m.reg('payload_last', UInt(countBits), { init: 0 });

  const f = m.fsm('link', [
    'idle', 'header', 'check', 'decode', 'payload', 'crc', 'drain', 'exec', 'wr_fetch', 'wr_collect', 'wr_bus', 'start_bus',
    'reply_sync', 'reply_status', 'reply_len0', 'reply_len1', 'rd_fetch', 'rd_wait', 'rd_byte', 'reply_crc0', 'reply_crc1',
  ] as const);

  // Inter-byte timer: runs inside a frame, restarts on every byte.
  const inFrame = f.is('header').or(f.is('payload')).or(f.is('crc')).or(f.is('drain'));
  const timedOut = gap.eq(p.timeoutCycles);
  m.when(byteIn.or(inFrame.not()), () => gap.set(0)).otherwise(() => gap.set(gap.add(1).trunc(gap.width)));

  const reply = (code: number | Value, dataWords: number | Value): void => {
    status.set(code);
    replyWords.set(typeof dataWords === 'number' ? dataWords : dataWords.trunc(replyBits));
    f.goto('reply_sync');
  };
  const dropOnTimeout = (): void => {
    m.when(timedOut, () => reply(STATUS_CODES.TIMEOUT, 0));
  };
  /** Sends `value`; on acceptance runs `then` (and folds the byte into the CRC unless told not to). */
  const send = (value: Value | number, then: () => void, opts: { crc?: boolean } = {}): void => {
    txValid.set(1);
    txData.set(value);
    m.when(txReady, () => {
      if (opts.crc !== false) crc.set(crcStep);
      then();
    });
  };

  f.state('idle', () => m.when(byteIn.and(rxByte.eq(REQUEST_SYNC)), () => {
    crc.set(CRC_INIT);
    count.set(0);
    f.goto('header');
  }));
  f.state('header', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);
      header.set(cat(rxByte, header.slice(headerBits - 1, 8)));
      count.set(inc(count));
      m.when(count.eq(REQUEST_HEADER_BYTES - 2), () => f.goto('check'));
    }).otherwise(dropOnTimeout);
  });
  // Two cycles after the header (bytes are far apart): 'check' registers the verdicts, 'decode'
  // acts on them, so no compare sits in front of the state and status registers.
  const opKnownQ = m.reg('op_known', Bool, { init: 0 });
  const lengthOkQ = m.reg('length_ok', Bool, { init: 0 });
  f.state('check', () => {
    addressOk.set(highClear.and(inRegions).and(end.le(limit)));
    opKnownQ.set(opKnown);
    lengthOkQ.set(lengthOk);
    payloadLast.set(payloadLastOf);
    count.set(0);
    f.goto('decode');
  });
  f.state('decode', () => {
    m.when(opKnownQ.not(), () => { status.set(STATUS_CODES.BAD_OPCODE); f.goto('drain'); })
      .elseWhen(lengthOkQ.not(), () => { status.set(STATUS_CODES.BAD_LENGTH); f.goto('drain'); })
      .elseWhen(writeOp, () => f.goto('payload'))
      .otherwise(() => f.goto('crc'));
  });
  f.state('payload', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);
      buf.write(count.trunc(bufAddrBits), rxByte, 1);
      count.set(inc(count));
      m.when(count.eq(payloadLast), () => { count.set(0); f.goto('crc'); });
    }).otherwise(dropOnTimeout);
  });
  f.state('crc', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);   // over the whole frame including its CRC, a good frame leaves 0
      count.set(inc(count));
      m.when(count.eq(1), () => f.goto('exec'));
    }).otherwise(dropOnTimeout);
  });
  f.state('drain', () => m.when(timedOut, () => reply(status, 0)));
  f.state('exec', () => {
    busAddr.set(base);
    wordIdx.set(0);
    count.set(0);
    const needsIdle = blockOp.and(region.ne(0)).or(isOp('START'));
    m.when(crc.ne(0), () => reply(STATUS_CODES.BAD_CRC, 0))
      .elseWhen(blockOp.and(addressOk.not()), () => reply(STATUS_CODES.BAD_ADDRESS, 0))
      .elseWhen(needsIdle.and(busy), () => reply(STATUS_CODES.BUSY, 0))
      .elseWhen(writeOp, () => f.goto('wr_fetch'))
      .elseWhen(isOp('START'), () => { shiftWord.set(0); f.goto('start_bus'); })   // a clear is the flip-flops' free sync reset
      .elseWhen(isOp('READ'), () => reply(STATUS_CODES.OK, words))
      .elseWhen(isOp('STATUS'), () => reply(STATUS_CODES.OK, STATUS_WORDS))
      .otherwise(() => reply(STATUS_CODES.OK, PING_WORDS));   // PING
  });

  // WRITE: each word's four bytes come out of the buffer (a read, then its data a cycle later),
  // least significant first, then the word goes out on the bus. WRITE8: one byte, zero-extended.
  const bufRead = mux(isWrite8, wordIdx.trunc(bufAddrBits), cat(wordIdx.trunc(bufAddrBits - 2), count.slice(1, 0)));
  const bufData = buf.read(bufRead, { enable: f.is('wr_fetch') });
  const shiftIn = cat(bufData, shiftWord.slice(31, 8)).named('shift_in');
  f.state('wr_fetch', () => f.goto('wr_collect'));
  f.state('wr_collect', () => {
    m.when(isWrite8, () => {
      shiftWord.set(bufData.zext(32));
      f.goto('wr_bus');
    }).otherwise(() => {
      shiftWord.set(shiftIn);
      count.set(inc(count));
      m.when(count.slice(1, 0).eq(3), () => f.goto('wr_bus')).otherwise(() => f.goto('wr_fetch'));
    });
  });
  f.state('wr_bus', () => {
    reqValid.set(1);
    reqWrite.set(1);
    m.when(reqReady, () => {
      count.set(0);
      m.when(lastWord.eq(frameWords), () => reply(STATUS_CODES.OK, 0))
        .otherwise(() => { wordIdx.set(inc(wordIdx)); f.goto('wr_fetch'); });
    });
  });
  f.state('start_bus', () => {
    reqValid.set(1);
    reqWrite.set(1);
    m.when(reqReady, () => reply(STATUS_CODES.OK, 0));
  });

  // The reply: sync, status, words, data words (READ/STATUS from the bus, PING from constants), CRC.
  f.state('reply_sync', () => {
    crc.set(CRC_INIT);
    replyError.set(status.ne(0).and(txReady));
    send(REPLY_SYNC, () => f.goto('reply_status'), { crc: false });
  });
  f.state('reply_status', () => send(status.zext(8), () => f.goto('reply_len0')));
  f.state('reply_len0', () => send(replyWords.zext(8), () => f.goto('reply_len1')));
  f.state('reply_len1', () => send(0, () => {   // replies carry at most MAX_WORDS < 256 words
    wordIdx.set(0);
    m.when(replyWords.eq(0), () => f.goto('reply_crc0')).otherwise(() => f.goto('rd_fetch'));
  }));
  // PING's data are constants: byte k of word i straight from a 16-entry table (8 LUT4s).
  const pingBytes = [PROTOCOL_WORD, L.configId >>> 0, MAX_WORDS].flatMap((w) => [0, 8, 16, 24].map((sh) => lit((w >>> sh) & 0xff, UInt(8))));
  const pingByte = select(cat(wordIdx.slice(1, 0), count.slice(1, 0)), pingBytes, lit(0, UInt(8))).named('ping_byte');
  f.state('rd_fetch', () => {
    count.set(0);
    m.when(isOp('PING'), () => f.goto('rd_byte')).otherwise(() => {
      reqValid.set(1);
      m.when(reqReady, () => f.goto('rd_wait'));
    });
  });
  f.state('rd_wait', () => m.when(respValid, () => {
    shiftWord.set(respRdata);
    f.goto('rd_byte');
  }));
  f.state('rd_byte', () => send(mux(isOp('PING'), pingByte, shiftWord.slice(7, 0)), () => {
    shiftWord.set(shiftIn);   // the top byte is don't-care here; sharing the write path's shift saves a source
    count.set(inc(count));
    m.when(count.slice(1, 0).eq(3), () => {
      m.when(lastWord.eq(replyWords), () => f.goto('reply_crc0'))
        .otherwise(() => { wordIdx.set(inc(wordIdx)); f.goto('rd_fetch'); });
    });
  }));
  f.state('reply_crc0', () => send(crc.slice(15, 8), () => f.goto('reply_crc1'), { crc: false }));
  f.state('reply_crc1', () => send(crc.slice(7, 0), () => f.goto('idle'), { crc: false }));

  return { rx: rxPin, tx: txPin, req_valid: reqValid, req_ready: reqReady, req_write: reqWrite, req_addr: reqAddr, req_wdata: reqWdata,
    resp_valid: respValid, resp_rdata: respRdata, busy, reply_error: replyError };
}, { name: (p) => `uart_bridge_cpb${p.clocksPerBit}_t${p.timeoutCycles}_a${p.layout.addrBits}_${(p.layout.configId >>> 0).toString(16).padStart(8, '0')}` });
