/**
 * iCE40 PLL wrapper: `Pll({ board, inputMHz: 12, outputMHz })` with ports clk_in, clk_out, locked.
 *
 * Which primitive, checked with nextpnr-ice40 on this toolchain (fpga/test/pll.test.ts routes both):
 * - iCEBreaker (UP5K, 12 MHz on pin 35): pin 35 is the PLL's own pad, so SB_PLL40_PAD with
 *   PACKAGEPIN on it works, and SB_PLL40_CORE fails ("PLL bel ... conflicts with input on pin 35").
 * - HX8K breakout (12 MHz on J3): J3 is not a PLL pad ("PACKAGEPIN ... is not connected to any PLL
 *   BEL"), so SB_PLL40_CORE takes the clock from J3's input buffer on REFERENCECLK.
 * clk_in must come straight from the top-level clock port.
 *
 * The divider search follows icestorm's icepll (SIMPLE feedback): f_pfd = f_in / (DIVR+1) in
 * 10..133 MHz, f_vco = f_pfd * (DIVF+1) in 533..1066 MHz, f_out = f_vco / 2^DIVQ (DIVQ 1..6), the
 * first configuration (DIVR, DIVF, DIVQ ascending) with the smallest |f_out - requested| wins, and
 * FILTER_RANGE follows f_pfd (< 17, 26, 44, 66, 101 MHz: 1..5, else 6). Input 10..133 MHz, output
 * 16..275 MHz.
 */
import { UserError } from '../../common/user-error.js';
import { Bool, defineBlackBox, defineModule, vbits, type BlackBoxPort } from '../../generator/dsl/index.js';
import type { BoardName } from '../boards.js';

export interface PllConfig {
  inputMHz: number;
  requestedMHz: number;
  /** The output frequency these dividers give. */
  achievedMHz: number;
  pfdMHz: number;
  vcoMHz: number;
  divr: number;
  divf: number;
  divq: number;
  filterRange: number;
}

const LIMITS = { input: [10, 133], pfd: [10, 133], vco: [533, 1066], output: [16, 275] } as const;

const within = (f: number, [lo, hi]: readonly [number, number]): boolean => f >= lo && f <= hi;

/** The SIMPLE-feedback dividers for `outputMHz` from `inputMHz` (same search and choice as icepll). */
export function pllConfig(inputMHz: number, outputMHz: number): PllConfig {
  if (!within(inputMHz, LIMITS.input)) throw new UserError(`PLL input frequency ${inputMHz} MHz is outside ${LIMITS.input[0]}..${LIMITS.input[1]} MHz`);
  if (!within(outputMHz, LIMITS.output)) throw new UserError(`PLL outputMHz ${outputMHz} is outside the iCE40 PLL's ${LIMITS.output[0]}..${LIMITS.output[1]} MHz`);
  let best: { fout: number; divr: number; divf: number; divq: number } | undefined;
  for (let divr = 0; divr <= 15; divr++) {
    const pfd = inputMHz / (divr + 1);
    if (!within(pfd, LIMITS.pfd)) continue;
    for (let divf = 0; divf <= 127; divf++) {
      const vco = pfd * (divf + 1);
      if (!within(vco, LIMITS.vco)) continue;
      for (let divq = 1; divq <= 6; divq++) {
        const fout = vco * 2 ** -divq;
        // Strictly better only: among equals the first found stays.
        if (!best || Math.abs(fout - outputMHz) < Math.abs(best.fout - outputMHz)) best = { fout, divr, divf, divq };
      }
    }
  }
  if (!best) throw new UserError(`no iCE40 PLL configuration gives ${outputMHz} MHz from ${inputMHz} MHz`);
  const pfdMHz = inputMHz / (best.divr + 1);
  const filterRange = pfdMHz < 17 ? 1 : pfdMHz < 26 ? 2 : pfdMHz < 44 ? 3 : pfdMHz < 66 ? 4 : pfdMHz < 101 ? 5 : 6;
  return {
    inputMHz, requestedMHz: outputMHz, achievedMHz: best.fout, pfdMHz, vcoMHz: pfdMHz * (best.divf + 1),
    divr: best.divr, divf: best.divf, divq: best.divq, filterRange,
  };
}

/** The ports both PLL cells share besides their clock input (unused inputs tied off). */
const COMMON_PORTS = {
  PLLOUTCORE: 'output',
  PLLOUTGLOBAL: 'output',
  LOCK: 'output',
  EXTFEEDBACK: { dir: 'input', tie: 0 },
  DYNAMICDELAY: { dir: 'input', width: 8, tie: 0 },
  BYPASS: { dir: 'input', tie: 0 },
  RESETB: { dir: 'input', tie: 1 },
  LATCHINPUTVALUE: { dir: 'input', tie: 0 },
  SDO: 'output',
  SDI: { dir: 'input', tie: 0 },
  SCLK: { dir: 'input', tie: 0 },
} as const satisfies Record<string, BlackBoxPort>;

const PLL_PARAMS = {
  FEEDBACK_PATH: 'SIMPLE', PLLOUT_SELECT: 'GENCLK',
  DIVR: vbits(4, 0), DIVF: vbits(7, 0), DIVQ: vbits(3, 1), FILTER_RANGE: vbits(3, 1),
};

/** Number of input clock edges after which the simulation model raises LOCK. */
export const MODEL_LOCK_EDGES = 4;

/**
 * Behavioural model for Verilator/Icarus: the output clock is the input clock (the frequency change
 * is not modelled), LOCK rises after MODEL_LOCK_EDGES input edges and falls while RESETB is low.
 */
function pllModel(cell: string, clockPort: string): string {
  return `\`default_nettype none
/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
module ${cell} #(
  parameter FEEDBACK_PATH = "SIMPLE",
  parameter PLLOUT_SELECT = "GENCLK",
  parameter [3:0] DIVR = 4'b0000,
  parameter [6:0] DIVF = 7'b0000000,
  parameter [2:0] DIVQ = 3'b001,
  parameter [2:0] FILTER_RANGE = 3'b001
) (
  input  wire       ${clockPort},
  output wire       PLLOUTCORE,
  output wire       PLLOUTGLOBAL,
  output wire       LOCK,
  input  wire       EXTFEEDBACK,
  input  wire [7:0] DYNAMICDELAY,
  input  wire       BYPASS,
  input  wire       RESETB,
  input  wire       LATCHINPUTVALUE,
  output wire       SDO,
  input  wire       SDI,
  input  wire       SCLK
);
  reg [2:0] edges = 3'd0;
  always @(posedge ${clockPort}) begin
    if (!RESETB) edges <= 3'd0;
    else if (edges != 3'd${MODEL_LOCK_EDGES}) edges <= edges + 3'd1;
  end
  assign PLLOUTCORE = ${clockPort};
  assign PLLOUTGLOBAL = ${clockPort};
  assign LOCK = edges == 3'd${MODEL_LOCK_EDGES};
  assign SDO = 1'b0;
endmodule
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
\`default_nettype wire
`;
}

/** The PLL fed by its own package pin (UP5K pin 35 on the iCEBreaker). */
export const SB_PLL40_PAD = defineBlackBox('SB_PLL40_PAD', {
  ports: { PACKAGEPIN: 'input', ...COMMON_PORTS },
  params: PLL_PARAMS,
  model: { verilog: pllModel('SB_PLL40_PAD', 'PACKAGEPIN') },
});

/** The PLL fed from the fabric (HX8K breakout: the clock from J3's input buffer). */
export const SB_PLL40_CORE = defineBlackBox('SB_PLL40_CORE', {
  ports: { REFERENCECLK: 'input', ...COMMON_PORTS },
  params: PLL_PARAMS,
  model: { verilog: pllModel('SB_PLL40_CORE', 'REFERENCECLK') },
});

export interface PllParams {
  /** Chooses the primitive (see the file comment). */
  board: BoardName;
  /** The board oscillator; both boards have 12 MHz. */
  inputMHz: number;
  outputMHz: number;
}

/** The board clock through the PLL: clk_out at pllConfig(inputMHz, outputMHz).achievedMHz, locked once it is stable. */
export const Pll = defineModule('pll', (m, p: PllParams) => {
  if (p.board !== 'icebreaker' && p.board !== 'hx8k') throw new UserError(`Pll: board must be 'icebreaker' or 'hx8k', found ${JSON.stringify(p.board)}`);
  const cfg = pllConfig(p.inputMHz, p.outputMHz);
  const clkIn = m.input('clk_in', Bool);
  const clkOut = m.output('clk_out', Bool);
  const locked = m.output('locked', Bool);
  const params = {
    DIVR: vbits(4, cfg.divr), DIVF: vbits(7, cfg.divf), DIVQ: vbits(3, cfg.divq), FILTER_RANGE: vbits(3, cfg.filterRange),
  };
  const outputs = { PLLOUTGLOBAL: clkOut, LOCK: locked };
  if (p.board === 'icebreaker') m.instance('u_pll', SB_PLL40_PAD(params), { PACKAGEPIN: clkIn, ...outputs });
  else m.instance('u_pll', SB_PLL40_CORE(params), { REFERENCECLK: clkIn, ...outputs });
  return { clk_in: clkIn, clk_out: clkOut, locked };
}, { name: (p) => `pll_${p.board}_${String(p.inputMHz).replace('.', 'p')}_${String(p.outputMHz).replace('.', 'p')}mhz` });
