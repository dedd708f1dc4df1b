/**
 * Puts any design on a board with three pins, so that the engine (hundreds of port bits) can be
 * placed on a 48-pin package and clocked from the board's clock pin. Every input bit of the
 * design comes from a shift register fed by `scan_in`; every output bit is folded into a
 * signature register (next = (sig << 1) ^ outputs) that shifts out on `scan_out`, so no output
 * is left unobserved and synthesis cannot remove logic behind it. `rst` comes from the power-on
 * reset. Cost: one flip-flop per input bit, one flip-flop and one XOR per output bit.
 */
import { Bool, UInt, cat, defineModule, elaborate, type ModuleSpec, type PortInfo, type Value } from '../../generator/dsl/index.js';
import { PowerOnReset } from './reset.js';

export interface ScanWrapperParams {
  dut: ModuleSpec<unknown>;
}

export interface ScanCost {
  inputBits: number;
  outputBits: number;
}

const CLOCK = 'clk';
const RESET = 'rst';

/** Port bits the wrapper drives from its input chain and folds into its signature. */
export function scanCost(ports: readonly PortInfo[]): ScanCost {
  const driven = ports.filter((p) => p.direction === 'input' && p.name !== CLOCK && p.name !== RESET);
  const outs = ports.filter((p) => p.direction === 'output');
  return { inputBits: driven.reduce((s, p) => s + p.width, 0), outputBits: outs.reduce((s, p) => s + p.width, 0) };
}

/** The wrapper's module, for a design whose ports are already known (`dutPorts`). */
export const ScanWrapper = defineModule('scan_wrap', (m, p: ScanWrapperParams & { dutPorts: readonly PortInfo[] }) => {
  const clk = m.input(CLOCK, Bool);
  const scanIn = m.input('scan_in', Bool);
  const scanOut = m.output('scan_out', Bool);
  const por = m.instance('por', PowerOnReset({ button: false, bits: 4 }), { clk });
  m.setDefaultDomain(m.clockDomain(clk));   // the chains need no reset

  const connections: Record<string, Value> = {};
  const cost = scanCost(p.dutPorts);
  if (p.dutPorts.some((x) => x.name === CLOCK)) connections[CLOCK] = clk;
  if (p.dutPorts.some((x) => x.name === RESET)) connections[RESET] = por.io.rst;
  if (cost.inputBits > 0) {
    const chain = m.reg('in_chain', UInt(cost.inputBits), { init: 0 });
    chain.set(cost.inputBits === 1 ? scanIn : cat(chain.slice(cost.inputBits - 2, 0), scanIn));
    let lo = 0;
    for (const port of p.dutPorts) {
      if (port.direction !== 'input' || port.name === CLOCK || port.name === RESET) continue;
      const bits = chain.slice(lo + port.width - 1, lo);
      connections[port.name] = port.signed ? bits.asSigned() : bits;
      lo += port.width;
    }
  }
  const dut = m.instance('dut', p.dut, connections);
  const outs = p.dutPorts.filter((x) => x.direction === 'output').map((x) => dut.port(x.name).asUnsigned());
  if (outs.length === 0) {
    scanOut.set(0);
  } else {
    const folded = outs.length === 1 ? outs[0]! : cat(...outs);
    const sig = m.reg('signature', UInt(cost.outputBits), { init: 0 });
    const shifted = cost.outputBits === 1 ? sig : cat(sig.slice(cost.outputBits - 2, 0), sig.bit(cost.outputBits - 1));
    sig.set(shifted.xor(folded));
    scanOut.set(sig.bit(cost.outputBits - 1));
  }
  return { clk, scan_in: scanIn, scan_out: scanOut };
}, { name: (p) => `scan_wrap_${p.dut.name}` });

/** Wraps a design: elaborates it once to learn its ports, then builds the wrapper around it. */
export function scanWrap(dut: ModuleSpec<unknown>): { spec: ModuleSpec<unknown>; cost: ScanCost } {
  const dutPorts = elaborate(dut).ports();
  return { spec: ScanWrapper({ dut, dutPorts }) as ModuleSpec<unknown>, cost: scanCost(dutPorts) };
}
