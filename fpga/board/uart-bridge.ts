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
import { Bool, UInt, cat, defineModule, lit, mux, select, stream, type Signal, type Value } from '../../generator/dsl/index.js';
import { CSR } from '../../generator/engine/csr.js';
import { atMost } from '../../generator/engine/const-compare.js';
import { CRC_INIT, CRC_POLY } from '../link/crc.js';
import { bitsForValue as bitsFor } from '../../sw/engine/fields.js';
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


/** One byte into a CRC-16/CCITT-FALSE, the eight shift steps unrolled (fpga/link/crc.ts crcByte). */
export function crcNext(crc: Value, byte: Value): Value {
  let x = crc.xor(cat(byte, lit(0, UInt(8))));
  for (let i = 0; i < 8; i++) {
    const shifted = cat(x.slice(14, 0), lit(0, Bool));
    x = mux(x.bit(15), shifted.xor(lit(CRC_POLY, UInt(16))), shifted);
  }
  return x;
}

/**
 * `x <= c` for several constants `c` on one `x`, sharing the terms they have in common: "the bits
 * from j up are all 0" and "the bits below j are all 0" (what a power of two's compare is made of).
 */
export function sharedAtMost(x: Value): (c: number) => Value {
  const highZero = new Map<number, Value>();
  const lowZero = new Map<number, Value>();
  const hz = (j: number): Value => {
    if (j >= x.width) return lit(1, Bool);
    if (!highZero.has(j)) highZero.set(j, hz(j + 1).and(x.bit(j).not()));
    return highZero.get(j)!;
  };
  const lz = (j: number): Value => {
    if (j <= 0) return lit(1, Bool);
    if (!lowZero.has(j)) lowZero.set(j, lz(j - 1).and(x.bit(j - 1).not()));
    return lowZero.get(j)!;
  };
  return (c: number): Value => {
    if (c >= 2 ** x.width - 1) return lit(1, Bool);
    if (c === 0) return hz(0);
    const top = Math.floor(Math.log2(c));   // c's highest set bit: x <= c when the bits above it are 0 and the rest compares
    const rest = c - 2 ** top;
    const below = top === 0 ? lit(1, Bool) : rest === 0 ? lz(top) : atMost(x.slice(top - 1, 0), rest);
    return hz(top + 1).and(x.bit(top).not().or(below));
  };
}

/**
 * Byte `k` of a little-endian field into the register `reg` that keeps only its low bits: the new
 * register value (undefined when the byte lies wholly above it) and whether the byte has a set bit
 * above the register (undefined when it cannot).
 */
function fieldByte(reg: Value, k: number, byte: Value): { value?: Value; over?: Value } {
  const lo = 8 * k;
  if (lo >= reg.width) return { over: byte.ne(0) };
  const bits = Math.min(8, reg.width - lo);
  const parts = [...(lo + bits < reg.width ? [reg.slice(reg.width - 1, lo + bits)] : []), byte.slice(bits - 1, 0), ...(lo > 0 ? [reg.slice(lo - 1, 0)] : [])];
  return { value: cat(...parts), over: bits < 8 ? byte.slice(7, bits).ne(0) : undefined };
}

/**
 * The bridge's UART transmitter, 8N1 like generator/examples/uart.ts but smaller: the frame's
 * remaining bits sit in one shift register behind a marker bit (the stop bit), so no bit index
 * and no state machine beyond `busy`. `in.ready` is high while idle.
 */
export const BridgeUartTx = defineModule('bridge_uart_tx', (m, p: { clocksPerBit: number }) => {
  m.clockAndReset();
  const input = m.input('in', stream(UInt(8)));
  const tx = m.output('tx', Bool);
  const timer = m.reg('timer', UInt(bitsFor(p.clocksPerBit - 1)), { init: 0 });
  const shift = m.reg('shift', UInt(9), { init: 0 });   // stop marker, data; shifts out lsb first
  const line = m.reg('line', Bool, { init: 1 });   // registered so the line never glitches
  const busy = m.reg('busy', Bool, { init: 0 });
  const bitDone = timer.eq(0);
  m.when(bitDone.not(), () => timer.set(timer.sub(1).trunc(timer.width)));
  m.when(busy.not(), () => m.when(input.valid, () => {
    line.set(0);   // the start bit
    shift.set(cat(lit(1, Bool), input.data));
    timer.set(p.clocksPerBit - 1);
    busy.set(1);
  })).elseWhen(bitDone, () => {
    timer.set(p.clocksPerBit - 1);
    // The marker has gone out as the stop bit: its bit time is over.
    m.when(shift.eq(0), () => busy.set(0)).otherwise(() => {
      line.set(shift.bit(0));
      shift.set(shift.srl(1));
    });
  });
  input.ready.set(busy.not());
  tx.set(line);
  return { in: input, tx };
});

/**
 * The bridge's UART receiver, 8N1 through a two-flop synchroniser like generator/examples/uart.ts
 * (glitch check in the start bit's middle, a frame whose stop bit reads 0 is dropped and the line
 * must return high), but counting the data bits with a marker bit that shifts down ahead of them.
 * `valid` pulses for one cycle per good frame; `data` holds until the next frame's first data bit.
 */
export const BridgeUartRx = defineModule('bridge_uart_rx', (m, p: { clocksPerBit: number }) => {
  m.clockAndReset();
  const rx = m.input('rx', Bool);
  const valid = m.output('valid', Bool);
  const data = m.output('data', UInt(8));
  const sync1 = m.reg('sync1', Bool, { init: 1 });
  const line = m.reg('sync2', Bool, { init: 1 });
  sync1.set(rx);
  line.set(sync1);
  const timer = m.reg('timer', UInt(bitsFor(p.clocksPerBit - 1)), { init: 0 });
  const shift = m.reg('shift', UInt(9), { init: 0 });   // data above, the marker reaching bit 0 after 8 bits
  const validReg = m.reg('valid_q', Bool, { init: 0 });
  validReg.set(0);
  const sampleNow = timer.eq(0);
  m.when(sampleNow.not(), () => timer.set(timer.sub(1).trunc(timer.width)));
  const f = m.fsm('rx', ['idle', 'start', 'data', 'wait_high'] as const);
  f.state('idle', () => m.when(line.not(), () => {
    timer.set(Math.floor((p.clocksPerBit - 1) / 2));   // to the middle of the start bit
    f.goto('start');
  }));
  f.state('start', () => m.when(sampleNow, () => {
    // A start bit that is high again in its middle was a glitch.
    m.when(line, () => f.goto('idle')).otherwise(() => {
      timer.set(p.clocksPerBit - 1);
      shift.set(1 << 8);
      f.goto('data');
    });
  }));
  f.state('data', () => m.when(sampleNow, () => {
    timer.set(p.clocksPerBit - 1);
    // The marker at bit 0: this sample is the stop bit.
    m.when(shift.bit(0), () => {
      m.when(line, () => { validReg.set(1); f.goto('idle'); }).otherwise(() => f.goto('wait_high'));
    }).otherwise(() => shift.set(cat(line, shift.slice(8, 1))));
  }));
  f.state('wait_high', () => m.when(line, () => f.goto('idle')));
  valid.set(validReg);
  data.set(shift.slice(8, 1));
  return { rx, valid, data };
});

export const UartBridge = defineModule('uart_bridge', (m, p: UartBridgeParams) => {
  const { clk, rst } = m.clockAndReset();
  const L = p.layout;
  if (p.timeoutCycles < 20 * p.clocksPerBit) throw new Error(`uart_bridge: timeoutCycles ${p.timeoutCycles} must be at least two byte times (${20 * p.clocksPerBit} cycles)`);
  if (MAX_BYTE_WORDS !== 4 * MAX_WORDS) throw new Error(`uart_bridge: expects MAX_BYTE_WORDS = 4 x MAX_WORDS (one byte count for both), found ${MAX_BYTE_WORDS} and ${MAX_WORDS}`);
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

  const rx = m.instance('uart_in', BridgeUartRx({ clocksPerBit: p.clocksPerBit }), { clk, rst, rx: rxPin });
  const txValid = m.wire('tx_valid', Bool, { default: 0 });
  const txData = m.wire('tx_data', UInt(8), { default: 0 });
  const tx = m.instance('uart_out', BridgeUartTx({ clocksPerBit: p.clocksPerBit }), { clk, rst, in_valid: txValid, in_data: txData });
  txPin.set(tx.io.tx);
  const txReady = tx.io.in.ready;
  const byteIn = rx.io.valid;
  const rxByte = rx.io.data;

  // The request header is kept only as far as it matters: the opcode decoded to one flag per
  // opcode (none set: unknown), the address bits of the host bus (the bus address register itself)
  // with a flag for any set bit above them, the word count to MAX_BYTE_WORDS with the same flag.
  const opFlag = (name: keyof typeof OPCODES): Signal => m.reg(`op_${name.toLowerCase()}`, Bool, { init: 0 });
  const isWrite = opFlag('WRITE');
  const isWrite8 = opFlag('WRITE8');
  const isRead = opFlag('READ');
  const isStart = opFlag('START');
  const isStatus = opFlag('STATUS');
  const isPing = opFlag('PING');
  const opFlags: [Signal, number][] = [[isWrite, OPCODES.WRITE], [isWrite8, OPCODES.WRITE8], [isRead, OPCODES.READ], [isStart, OPCODES.START],
    [isStatus, OPCODES.STATUS], [isPing, OPCODES.PING]];
  if (opFlags.length !== Object.keys(OPCODES).length) throw new Error('uart_bridge: every opcode of the protocol needs its flag');
  const busAddr = m.reg('bus_addr', UInt(L.addrBits), { init: 0 });
  const addrHigh = m.reg('addr_high', Bool, { init: 0 });
  const countBits = bitsFor(MAX_BYTE_WORDS);
  // The word count; a reply's word count once the request is decoded.
  const words = m.reg('words', UInt(countBits), { init: 0 });
  const wordsHigh = m.reg('words_high', Bool, { init: 0 });
  // The byte index: header bytes, payload bytes (the buffer address), CRC bytes, then the bytes
  // of the words written or read (one count for WRITE's and READ's four bytes a word).
  const count = m.reg('count', UInt(countBits), { init: 0 });
  const crc = m.reg('crc', UInt(16), { init: CRC_INIT });
  // Counts up from 2^w - timeout: its top bit sets after exactly timeoutCycles quiet cycles.
  const gapBits = bitsFor(p.timeoutCycles);
  const gapStart = 2 ** gapBits - p.timeoutCycles;
  const gap = m.reg('gap', UInt(gapBits + 1), { init: gapStart });
  const status = m.reg('status', UInt(bitsFor(Math.max(...Object.values(STATUS_CODES)))), { init: 0 });
  const shiftWord = m.reg('shift_word', UInt(32), { init: 0 });
  // The payload as bytes: 8 bits wide, 4 x MAX_WORDS deep fits one iCE40 block RAM (32 bits wide would take two).
  const bufAddrBits = bitsFor(4 * MAX_WORDS - 1);
  const buf = m.memory('payload', { type: UInt(8), depth: 4 * MAX_WORDS, addrWidth: bufAddrBits });

  // One CRC step for both directions: a byte is sent (tx_valid) or received, never both at once.
  const crcStep = crcNext(crc, mux(txValid, txData, rxByte)).named('crc_next');
  const inc = (r: Value): Value => r.add(1).trunc(r.width);
  const countNext = inc(count).named('count_next');
  // The bytes of the frame's words (WRITE8: one a word, else four); count_next reaching it marks the last.
  const byteTotal = mux(isWrite8, words, cat(words.slice(countBits - 3, 0), lit(0, UInt(2)))).named('byte_total');
  const lastByte = countNext.eq(byteTotal).named('last_byte');

  // Host-bus defaults: idle. The bus address is a register (loaded from the header, counted up
  // per word), so no adder sits in front of the engine's address decode.
  reqValid.set(0);
  reqWrite.set(0);
  reqAddr.set(busAddr);
  // Only the offset counts: the address check keeps a frame's words inside one region.
  m.when(reqValid.and(reqReady), () => busAddr.set(cat(busAddr.slice(L.addrBits - 1, L.regionShift), inc(busAddr.slice(L.regionShift - 1, 0)))));
  // START's data is CTRL = 1: shift_word cleared, bit 0 forced.
  reqWdata.set(cat(shiftWord.slice(31, 1), shiftWord.bit(0).or(isStart)));
  replyError.set(0);

  const writeOp = isWrite.or(isWrite8);
  const blockOp = writeOp.or(isRead);
  const opKnown = opFlags.map(([flag]): Value => flag).reduce((a, b) => a.or(b));
  // Length check (protocol.ts checkRequest) as logic on the count's bits.
  const lengthOk = blockOp.not().or(words.ne(0).and(wordsHigh.not()).and(mux(isWrite8, atMost(words, MAX_BYTE_WORDS), atMost(words, MAX_WORDS))));
  // Address check: inside a region, and offset + words within it; per distinct region size one
  // compare with a constant, picked by the region number.
  const region = busAddr.slice(L.addrBits - 1, L.regionShift).named('region');
  const offset = busAddr.slice(L.regionShift - 1, 0);
  const end = offset.zext(L.regionShift + 1).add(words.zext(L.regionShift + 1)).trunc(L.regionShift + 1).named('frame_end');
  const sizes = [...new Set(L.regionWords.filter((w) => w !== undefined))];
  const endFits = sharedAtMost(end);
  const fits = sizes.map((size) => L.regionWords.map((w, r) => (w === size ? region.eq(r) : undefined)).filter((v): v is Value => v !== undefined)
    .reduce((a, b) => a.or(b)).and(endFits(size))).reduce((a, b) => a.or(b));
  // Registered in the check state (the header is stable from then on): keeps the add and
  // compares out of exec's decision path.
  const addressOk = m.reg('address_ok', Bool, { init: 0 });

  const f = m.fsm('link', [
    'idle', 'header', 'check', 'payload', 'crc', 'drain', 'exec', 'wr_fetch', 'wr_collect', 'wr_bus',
    'reply_sync', 'reply_status', 'reply_len0', 'reply_len1', 'rd_fetch', 'rd_wait', 'rd_byte', 'reply_crc0', 'reply_crc1',
  ] as const);

  // Inter-byte timer: runs inside a frame, restarts on every byte.
  const inFrame = f.is('header').or(f.is('payload')).or(f.is('crc')).or(f.is('drain'));
  const timedOut = gap.bit(gapBits);
  m.when(byteIn.or(inFrame.not()), () => gap.set(gapStart)).otherwise(() => gap.set(inc(gap)));

  /** Starts a reply; `keepWords`: its data words are already in `words` (READ), else none. */
  const reply = (code: number | Value, keepWords = false): void => {
    status.set(code);
    if (!keepWords) words.set(0);
    f.goto('reply_sync');
  };
  const dropOnTimeout = (): void => {
    m.when(timedOut, () => reply(STATUS_CODES.TIMEOUT));
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
    addrHigh.set(0);
    wordsHigh.set(0);
    f.goto('header');
  }));
  // Header byte i: opcode (0), address (1..4), words (5, 6).
  f.state('header', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);
      count.set(countNext);
      m.when(count.eq(0), () => { for (const [flag, code] of opFlags) flag.set(rxByte.eq(code)); });
      for (let k = 0; k < 4; k++) {
        const b = fieldByte(busAddr, k, rxByte);
        m.when(count.eq(1 + k), () => {
          if (b.value) busAddr.set(b.value);
          if (b.over) addrHigh.set(addrHigh.or(b.over));
        });
      }
      for (let k = 0; k < 2; k++) {
        const b = fieldByte(words, k, rxByte);
        m.when(count.eq(5 + k), () => {
          if (b.value) words.set(b.value);
          if (b.over) wordsHigh.set(wordsHigh.or(b.over));
        });
      }
      m.when(count.eq(REQUEST_HEADER_BYTES - 2), () => f.goto('check'));
    }).otherwise(dropOnTimeout);
  });
  f.state('check', () => {
    addressOk.set(addrHigh.not().and(fits));
    count.set(0);
    m.when(opKnown.not(), () => { status.set(STATUS_CODES.BAD_OPCODE); f.goto('drain'); })
      .elseWhen(lengthOk.not(), () => { status.set(STATUS_CODES.BAD_LENGTH); f.goto('drain'); })
      .elseWhen(writeOp, () => f.goto('payload'))
      .otherwise(() => f.goto('crc'));
  });
  f.state('payload', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);
      buf.write(count.trunc(bufAddrBits), rxByte, 1);
      count.set(countNext);
      m.when(lastByte, () => { count.set(0); f.goto('crc'); });
    }).otherwise(dropOnTimeout);
  });
  f.state('crc', () => {
    m.when(byteIn, () => {
      crc.set(crcStep);   // over the whole frame including its CRC, a good frame leaves 0
      count.set(countNext);
      m.when(count.bit(0), () => f.goto('exec'));
    }).otherwise(dropOnTimeout);
  });
  f.state('drain', () => m.when(timedOut, () => reply(status)));
  f.state('exec', () => {
    count.set(0);
    const needsIdle = blockOp.and(region.ne(0)).or(isStart);
    m.when(crc.ne(0), () => reply(STATUS_CODES.BAD_CRC))
      .elseWhen(blockOp.and(addressOk.not()), () => reply(STATUS_CODES.BAD_ADDRESS))
      .elseWhen(needsIdle.and(busy), () => reply(STATUS_CODES.BUSY))
      .elseWhen(writeOp, () => f.goto('wr_fetch'))
      .elseWhen(isStart, () => { busAddr.set(CSR.CTRL); shiftWord.set(0); f.goto('wr_bus'); })   // a clear is the flip-flops' free sync reset
      .elseWhen(isRead, () => reply(STATUS_CODES.OK, true))
      .elseWhen(isStatus, () => { busAddr.set(STATUS_ADDRESS); words.set(STATUS_WORDS); reply(STATUS_CODES.OK, true); })
      .otherwise(() => { words.set(PING_WORDS); reply(STATUS_CODES.OK, true); });   // PING
  });

  // WRITE: each word's four bytes come out of the buffer (a read, then its data a cycle later),
  // least significant first, then the word goes out on the bus. WRITE8: one byte, zero-extended.
  const bufData = buf.read(count.trunc(bufAddrBits), { enable: f.is('wr_fetch') });
  const shiftIn = cat(bufData, shiftWord.slice(31, 8)).named('shift_in');
  f.state('wr_fetch', () => f.goto('wr_collect'));
  f.state('wr_collect', () => {
    m.when(isWrite8, () => {
      shiftWord.set(bufData.zext(32));
      f.goto('wr_bus');
    }).otherwise(() => {
      shiftWord.set(shiftIn);
      m.when(count.slice(1, 0).eq(3), () => f.goto('wr_bus')).otherwise(() => { count.set(countNext); f.goto('wr_fetch'); });
    });
  });
  // Also START's single write of CTRL.
  f.state('wr_bus', () => {
    reqValid.set(1);
    reqWrite.set(1);
    m.when(reqReady, () => {
      count.set(countNext);
      m.when(isStart.or(lastByte), () => reply(STATUS_CODES.OK)).otherwise(() => f.goto('wr_fetch'));
    });
  });

  // The reply: sync, status, words, data words (READ/STATUS from the bus, PING from constants), CRC.
  f.state('reply_sync', () => {
    crc.set(CRC_INIT);
    replyError.set(status.ne(0).and(txReady));
    send(REPLY_SYNC, () => f.goto('reply_status'), { crc: false });
  });
  f.state('reply_status', () => send(status.zext(8), () => f.goto('reply_len0')));
  f.state('reply_len0', () => send(words.trunc(8), () => f.goto('reply_len1')));
  f.state('reply_len1', () => send(0, () => {   // replies carry at most MAX_WORDS < 256 words
    m.when(words.eq(0), () => f.goto('reply_crc0')).otherwise(() => f.goto('rd_fetch'));
  }));
  // PING's data are constants: byte k of word i straight from a 12-entry table.
  const pingBytes = [PROTOCOL_WORD, L.configId >>> 0, MAX_WORDS].flatMap((w) => [0, 8, 16, 24].map((sh) => lit((w >>> sh) & 0xff, UInt(8))));
  const pingByte = select(count.slice(3, 0), pingBytes, lit(0, UInt(8))).named('ping_byte');
  f.state('rd_fetch', () => {
    m.when(isPing, () => f.goto('rd_byte')).otherwise(() => {
      reqValid.set(1);
      m.when(reqReady, () => f.goto('rd_wait'));
    });
  });
  f.state('rd_wait', () => m.when(respValid, () => {
    shiftWord.set(respRdata);
    f.goto('rd_byte');
  }));
  f.state('rd_byte', () => send(mux(isPing, pingByte, shiftWord.slice(7, 0)), () => {
    shiftWord.set(shiftIn);   // the top byte is don't-care here; sharing the write path's shift saves a source
    count.set(countNext);
    m.when(lastByte, () => f.goto('reply_crc0')).elseWhen(count.slice(1, 0).eq(3), () => f.goto('rd_fetch'));
  }));
  f.state('reply_crc0', () => send(crc.slice(15, 8), () => f.goto('reply_crc1'), { crc: false }));
  f.state('reply_crc1', () => send(crc.slice(7, 0), () => f.goto('idle'), { crc: false }));

  return { rx: rxPin, tx: txPin, req_valid: reqValid, req_ready: reqReady, req_write: reqWrite, req_addr: reqAddr, req_wdata: reqWdata,
    resp_valid: respValid, resp_rdata: respRdata, busy, reply_error: replyError };
}, { name: (p) => `uart_bridge_cpb${p.clocksPerBit}_t${p.timeoutCycles}_a${p.layout.addrBits}_${(p.layout.configId >>> 0).toString(16).padStart(8, '0')}` });
