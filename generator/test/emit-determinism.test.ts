/**
 * Determinism and naming stability of the emitter: identical input gives byte-identical files,
 * and adding an unrelated signal neither renames nor renumbers existing temporaries.
 */
import { describe, expect, it } from 'vitest';
import { SInt, UInt, defineModule, elaborate, mux } from '../dsl/index.js';
import { emitVerilog } from '../emit/index.js';

interface Variant { extra: boolean }

const Dsp = defineModule('dsp', (m, p: Variant) => {
  m.clockAndReset();
  const a = m.input('a', SInt(8));
  const b = m.input('b', SInt(8));
  const c = m.input('c', UInt(4));
  const y = m.output('y', SInt(8));
  const z = m.output('z', UInt(6));
  if (p.extra) {
    // An unrelated signal, declared first so that any creation-order naming would shift.
    const e = m.input('e', UInt(5));
    const w = m.output('w', UInt(7));
    w.set(e.add(e).add(3));
  }
  const prod = a.mul(b); // used twice: becomes a temporary
  const acc = m.reg('acc', SInt(20), { init: 0 });
  acc.set(acc.add(prod).trunc(20));
  y.set(mux(c.bit(0), prod.sat(8), acc.sat(8)));
  z.set(c.add(c).add(prod.slice(3, 0)).resize(6));
});

/** Temporaries: wires the emitter declared that are not user signals. */
function temporaries(text: string): string[] {
  return [...text.matchAll(/^\s*wire (?:\[\d+:0\] )?(\w+);$/gm)].map((m) => m[1]!).sort();
}

describe('emitter determinism', () => {
  it('emits byte-identical text for identical input, twice in one process', () => {
    const first = emitVerilog(elaborate(Dsp({ extra: false })));
    const second = emitVerilog(elaborate(Dsp({ extra: false })));
    expect(second.files.map((f) => f.text)).toEqual(first.files.map((f) => f.text));
    console.log(`compared ${first.files.length} file(s), ${first.files[0]!.text.length} bytes, byte-identical`);
  });

  it('adding an unrelated signal does not rename existing temporaries or change their lines', () => {
    const base = emitVerilog(elaborate(Dsp({ extra: false })), { locators: false }).files[0]!.text;
    const more = emitVerilog(elaborate(Dsp({ extra: true })), { locators: false }).files[0]!.text;
    const before = temporaries(base);
    const after = temporaries(more);
    expect(before.length).toBeGreaterThan(1);
    for (const t of before) expect(after).toContain(t);
    const assigns = (text: string) => text.split('\n').filter((l) => before.some((t) => l.trim().startsWith(`assign ${t} `)));
    expect(assigns(more)).toEqual(assigns(base));
    console.log(`compared ${before.length} temporaries (${before.join(', ')}) before/after adding a signal: unchanged`);
  });
});
