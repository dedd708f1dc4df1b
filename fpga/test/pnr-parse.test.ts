import { describe, expect, it } from 'vitest';
import { parseFmax } from '../pnr.js';

// Lines as nextpnr-ice40 prints them (taken from a routed UP5K run that missed 24 MHz).
const failing = [
  "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 22.38 MHz (FAIL at 24.00 MHz)",
  'Info: Routing complete.',
  "Warning: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 22.33 MHz (FAIL at 24.00 MHz)",
].join('\n');
const passing = [
  "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 48.10 MHz (PASS at 12.00 MHz)",
  "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 47.80 MHz (PASS at 12.00 MHz)",
].join('\n');

describe('parseFmax', () => {
  it('takes the last report, after routing, whether it passed (Info) or failed (Warning)', () => {
    expect(parseFmax(failing)).toBe(22.33);
    expect(parseFmax(passing)).toBe(47.8);
    expect(parseFmax('Info: Device utilisation:')).toBeUndefined();
    console.log('compared 3 logs: failing 22.33, passing 47.8, none');
  });
});
