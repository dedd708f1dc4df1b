/**
 * UART transmitter and receiver, 8 data bits, no parity, one stop bit (8N1), least significant
 * bit first, line idle high. `clocksPerBit` is the clock frequency divided by the baud rate.
 */
import { Bool, UInt, cat, defineModule, stream } from '../dsl/index.js';

export interface UartParams {
  /** Clock cycles per bit; at least 4 so the receiver can find the middle of a bit. */
  clocksPerBit: number;
}

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** Sends each byte accepted on `in` as one frame on `tx`; `in.ready` is high while idle. */
export const UartTx = defineModule('uart_tx', (m, p: UartParams) => {
  m.clockAndReset();
  const input = m.input('in', stream(UInt(8)));
  const tx = m.output('tx', Bool);
  const busy = m.output('busy', Bool);

  const timer = m.reg('timer', UInt(bitsFor(p.clocksPerBit - 1)), { init: 0 });
  const bitIndex = m.reg('bit_index', UInt(3), { init: 0 });
  const shift = m.reg('shift', UInt(8), { init: 0 });
  const line = m.reg('line', Bool, { init: 1 });   // registered so the line never glitches
  const bitDone = timer.eq(p.clocksPerBit - 1);
  m.when(bitDone, () => timer.set(0)).otherwise(() => timer.set(timer.add(1).trunc(timer.width)));

  const f = m.fsm('tx', ['idle', 'start', 'data', 'stop'] as const);
  f.state('idle', () => {
    timer.set(0);
    m.when(input.valid, () => {
      shift.set(input.data);
      line.set(0);
      f.goto('start');
    });
  });
  f.state('start', () => m.when(bitDone, () => {
    line.set(shift.bit(0));
    bitIndex.set(0);
    f.goto('data');
  }));
  f.state('data', () => m.when(bitDone, () => {
    m.when(bitIndex.eq(7), () => {
      line.set(1);
      f.goto('stop');
    }).otherwise(() => {
      line.set(shift.bit(1));
      shift.set(shift.srl(1));
      bitIndex.set(bitIndex.add(1).trunc(3));
    });
  }));
  f.state('stop', () => m.when(bitDone, () => f.goto('idle')));

  input.ready.set(f.is('idle'));
  busy.set(f.is('idle').not());
  tx.set(line);
  return { in: input, tx, busy };
});

/**
 * Receives frames on `rx` (through a two-flop synchroniser). Each good frame gives a one-cycle
 * pulse on `valid` with the byte on `data`; a frame whose stop bit reads 0 gives a pulse on
 * `frame_error` instead, and the receiver then waits for the line to return high.
 */
export const UartRx = defineModule('uart_rx', (m, p: UartParams) => {
  m.clockAndReset();
  const rx = m.input('rx', Bool);
  const valid = m.output('valid', Bool);
  const data = m.output('data', UInt(8));
  const frameError = m.output('frame_error', Bool);

  const sync1 = m.reg('sync1', Bool, { init: 1 });
  const line = m.reg('sync2', Bool, { init: 1 });
  sync1.set(rx);
  line.set(sync1);

  const timer = m.reg('timer', UInt(bitsFor(p.clocksPerBit - 1)), { init: 0 });
  const bitIndex = m.reg('bit_index', UInt(3), { init: 0 });
  const shift = m.reg('shift', UInt(8), { init: 0 });
  const validReg = m.reg('valid_q', Bool, { init: 0 });
  const errorReg = m.reg('error_q', Bool, { init: 0 });
  validReg.set(0);
  errorReg.set(0);
  const sampleNow = timer.eq(0);
  m.when(sampleNow.not(), () => timer.set(timer.sub(1).trunc(timer.width)));

  const f = m.fsm('rx', ['idle', 'start', 'data', 'stop', 'wait_high'] as const);
  f.state('idle', () => m.when(line.not(), () => {
    timer.set(Math.floor((p.clocksPerBit - 1) / 2));   // to the middle of the start bit
    f.goto('start');
  }));
  f.state('start', () => m.when(sampleNow, () => {
    // A start bit that is high again in its middle was a glitch.
    m.when(line, () => f.goto('idle')).otherwise(() => {
      timer.set(p.clocksPerBit - 1);
      bitIndex.set(0);
      f.goto('data');
    });
  }));
  f.state('data', () => m.when(sampleNow, () => {
    shift.set(cat(line, shift.slice(7, 1)));   // lsb first: shift in from the top
    timer.set(p.clocksPerBit - 1);
    m.when(bitIndex.eq(7), () => f.goto('stop')).otherwise(() => bitIndex.set(bitIndex.add(1).trunc(3)));
  }));
  f.state('stop', () => m.when(sampleNow, () => {
    m.when(line, () => {
      validReg.set(1);
      f.goto('idle');
    }).otherwise(() => {
      errorReg.set(1);
      f.goto('wait_high');
    });
  }));
  f.state('wait_high', () => m.when(line, () => f.goto('idle')));

  valid.set(validReg);
  data.set(shift);
  frameError.set(errorReg);
  return { rx, valid, data, frame_error: frameError };
});
