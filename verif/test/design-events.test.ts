import { describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../common/rng.js';
import { Simulation, SimulationError, SimulationFinished, fromEmitted } from '../index.js';
import { withSimulation } from '../vitest.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const checker = { sources: [fixture('value_checker.v')], top: 'value_checker', echo: false };

describe('what the design reports', () => {
  test('$display is captured; $fatal becomes an error with its message and Node stays alive', async () => {
    const sim = await Simulation.create(checker);
    try {
      sim.set('valid', 1);
      for (const v of [5, 6, 7]) {
        sim.set('data', v);
        sim.step();
      }
      expect(sim.output).toBe('checker: accepted 5\nchecker: accepted 6\nchecker: accepted 7\n');
      sim.set('data', 0xdead);
      expect(() => sim.step()).toThrow(SimulationError);
      expect(sim.state).toBe('failed');
      expect(sim.output).toMatch(/%Error: value_checker\.v:11: Assertion failed in TOP\.value_checker: forbidden value dead after 3 values/);
      expect(() => sim.step()).toThrow('value_checker is failed');
    } finally {
      sim.close();
    }
    // The same process goes on simulating.
    await withSimulation(checker, (again) => {
      again.drive({ valid: 1, data: 1 });
      again.step();
      again.expect('seen', 1);
    });
    console.log('compared 3 output lines, 1 fatal message and 1 value after it');
  });

  test('the $fatal message is in the thrown error', async () => {
    await expect(withSimulation(checker, (sim) => {
      sim.drive({ valid: 1, data: 0xdead });
      sim.step();
    }, { wavesOnFailure: false })).rejects.toThrow(/stopped at cycle 1 \(\$stop\/\$fatal\/assertion at .*value_checker\.v:11: \$stop\):\n\[5\] %Error: value_checker\.v:11: Assertion failed in TOP\.value_checker: forbidden value dead after 0 values/);
  });

  test('$finish ends the simulation cleanly with a status the driver sees', async () => {
    const sim = await Simulation.create(checker);
    try {
      sim.drive({ valid: 1, data: 3 });
      sim.run(4);
      sim.set('data', 0xf1a1);
      expect(() => sim.run(100)).toThrow(SimulationFinished);
      expect(sim.state).toBe('finished');
      expect(sim.cycle).toBe(5);
      expect(sim.get('seen')).toBe(4);
    } finally {
      sim.close();
    }
    // In a coroutine test, $finish ends the body without failing it.
    let reached = 0;
    await withSimulation(checker, async (s) => {
      s.drive({ valid: 1, data: 0xf1a1 });
      for (;;) {
        await s.tick();
        reached++;
      }
    });
    expect(reached).toBe(0);
    console.log('compared finish cycle, state and count');
  });

  test('wide ports round-trip and signed ports read back signed', async () => {
    const seed = 99;
    const rng = new Rng(seed);
    const text = readFileSync(fixture('wide_ports.v'), 'utf8');
    const emitted = {
      top: 'wide_ports',
      files: [{ name: 'wide_ports.v', text }],
      ports: { wide_ports: [
        { name: 'n', direction: 'input' as const, width: 8, signed: true },
        { name: 'n_ext', direction: 'output' as const, width: 16, signed: true },
        { name: 'a', direction: 'input' as const, width: 100, signed: false },
      ] },
    };
    await withSimulation(fromEmitted(emitted), (sim) => {
      const mask100 = (1n << 100n) - 1n;
      let compared = 0;
      for (let i = 0; i < 200; i++) {
        const a = rng.bits(100);
        const q = rng.bits(64);
        const s = rng.int(0, 8191);
        const n = rng.int(-128, 127);
        sim.drive({ a, q, s, n });
        expect(sim.get('a_out')).toBe(a);
        expect(sim.get('q_inv')).toBe(~q & ((1n << 64n) - 1n));
        expect(sim.get('s_out')).toBe(s);
        expect(sim.get('n_ext')).toBe(n);
        sim.step();
        expect(sim.get('twice')).toBe((a + a) & mask100);
        compared += 5;
      }
      sim.set('a', 5); // small numbers are accepted for wide ports
      expect(sim.get('a_out')).toBe(5n);
      expect(() => sim.set('a', 1n << 100n)).toThrow("value 1267650600228229401496703205376 does not fit port 'a' (100 bits, unsigned");
      expect(() => sim.set('n', 128)).not.toThrow(); // the raw pattern 0x80
      expect(sim.get('n_ext')).toBe(-128);
      expect(() => sim.set('n', -129)).toThrow("value -129 does not fit port 'n' (8 bits, signed");
      console.log(`compared ${compared} wide/signed port values (seed ${seed})`);
    });
  });

  test('a port list that disagrees with the model is refused', async () => {
    const emitted = { top: 'wide_ports', files: [{ name: 'wide_ports.v', text: readFileSync(fixture('wide_ports.v'), 'utf8') }],
      ports: { wide_ports: [{ name: 'a', direction: 'input' as const, width: 99, signed: false }] } };
    await expect(Simulation.create(fromEmitted(emitted))).rejects.toThrow("port 'a' is input 99 bits in the port list but input 100 bits in the model");
  });

  test('waves on request: an FST file is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-waves-'));
    try {
      const path = join(dir, 'counter.fst');
      await withSimulation({ sources: [fixture('counter_adder.v')], top: 'counter_adder', waves: path }, (sim) => {
        expect(sim.model.trace).toBe(true);
        sim.set('en', 1);
        sim.run(50);
      });
      expect(existsSync(path)).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(100);
      expect(readFileSync(path).includes(Buffer.from('count'))).toBe(true);
      console.log(`compared 1 waveform file (${statSync(path).size} bytes)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Verilator errors in the design name the file and line', async () => {
    await expect(Simulation.create({ sources: [{ name: 'broken.v', text: 'module broken(input a);\n  assign b = ;\nendmodule\n' }], top: 'broken' }))
      .rejects.toThrow(/Verilator rejected top 'broken':\n%Error: .*broken\.v:2:/);
  });
});
