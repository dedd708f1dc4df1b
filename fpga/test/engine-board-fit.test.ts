/**
 * The shipped FPGA configuration's promise (configs/icebreaker.json, docs/fpga.md "Where it stands"):
 * the SD engine board top run from the PLL at 24 MHz (what `make fpga` builds) places and routes on
 * the iCE40UP5K, meets 24 MHz and leaves room: at most 85% of the logic cells, per nextpnr's own
 * packing. nextpnr is deterministic for a netlist and seed, so a change that adds logic or a long
 * path to the engine shows here as a number, not as noise.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sw/engine/config.js';
import { getBoard } from '../boards.js';
import { runFpgaFlow } from '../flow.js';
import { engineBoardTop } from '../tops.js';

const root = mkdtempSync(join(process.cwd(), 'build', 'fpga-fit-test-'));
const ROOM = 0.85;
const CLOCK_MHZ = 24;

describe('the FPGA configuration on the iCEBreaker', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(`configs/icebreaker.json: the engine board top at ${CLOCK_MHZ} MHz fits with room and meets timing`, async () => {
    const board = getBoard('icebreaker');
    const config = loadConfig('configs/icebreaker.json').config;
    const top = engineBoardTop(board, config, CLOCK_MHZ);
    const r = await runFpgaFlow({ spec: top.spec, board, outDir: join(root, 'board'), freqMHz: CLOCK_MHZ, icetime: false });
    expect(r.status, r.failures.join('\n')).toBe('ok');
    const lc = r.utilisation?.ICESTORM_LC;
    expect(lc, 'nextpnr logic-cell count').toBeDefined();
    expect(lc!.used / lc!.available, `logic cells ${lc!.used} of ${lc!.available}`).toBeLessThanOrEqual(ROOM);
    expect(r.timing?.fmaxMHz ?? 0).toBeGreaterThanOrEqual(CLOCK_MHZ);
    expect(existsSync(join(root, 'board', `${r.top}.bin`))).toBe(true);
    const res = Object.fromEntries(r.resources.map((x) => [x.name, `${x.used}/${x.available}`]));
    console.log(`compared ${r.top} with the UP5K budget: logic cells ${lc!.used}/${lc!.available} (${Math.round((100 * lc!.used) / lc!.available)}%, limit ${ROOM * 100}%), ` +
      `EBR ${res.EBR}, SPRAM ${res.SPRAM}, DSP ${res.DSP}, Fmax ${r.timing!.fmaxMHz.toFixed(1)} MHz (target ${CLOCK_MHZ}), nextpnr seed 1`);
  }, 600_000);
});
