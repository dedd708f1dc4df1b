/** configs/examples.json validation: every mistake is one line naming file, field, expected and found. */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExamplesConfig, parseExamplesConfig } from '../examples/config.js';

const ok = [{ example: 'counter', width: 8 }, { example: 'fifo', width: 8, depth: 16 }];
const bad = (entry: unknown): unknown => ({ examples: [...ok, entry] });

describe('examples configuration', () => {
  test('the shipped configuration is valid', () => {
    const c = loadExamplesConfig('configs/examples.json');
    console.log(`compared ${c.examples.length} entries of configs/examples.json with the schema`);
    expect(c.examples.map((e) => e.example)).toEqual(expect.arrayContaining(['counter', 'fifo', 'uart_tx', 'uart_rx', 'mac', 'seqdet']));
  });

  const cases: [string, unknown, string][] = [
    ['depth not a power of two', bad({ example: 'fifo', width: 8, depth: 12 }), 'cfg.json: examples[2].depth: expected a power of two >= 2, found 12'],
    ['wrong type', bad({ example: 'counter', width: '8' }), 'cfg.json: examples[2].width: expected number, found "8"'],
    ['unknown example', bad({ example: 'fft' }), 'cfg.json: examples[2].example: expected one of "counter", "fifo", "uart_tx", "uart_rx", "mac", "seqdet", found "fft"'],
    ['unknown field', bad({ example: 'counter', width: 8, depht: 3 }), 'cfg.json: examples[2].depht: expected no such field (allowed: example, width, wrap), found 3'],
    ['too small', bad({ example: 'uart_tx', clocksPerBit: 2 }), 'cfg.json: examples[2].clocksPerBit: expected a number >= 4, found 2'],
    ['bad enum', bad({ example: 'mac', aWidth: 8, bWidth: 8, fracBits: 4, accWidth: 20, overflow: 'clip' }), 'cfg.json: examples[2].overflow: expected one of "saturate", "wrap", found "clip"'],
    ['cross-field', bad({ example: 'counter', width: 4, wrap: 16 }), 'cfg.json: examples[2].wrap: expected a value below 2^width = 16, found 16'],
    ['missing field', bad({ example: 'fifo', width: 8 }), 'cfg.json: examples[2].depth: expected number, found nothing'],
    ['empty list', { examples: [] }, 'cfg.json: examples: expected a list with >= 1 entries, found []'],
  ];
  test.each(cases)('%s', (_name, raw, message) => {
    expect(() => parseExamplesConfig(raw, 'cfg.json')).toThrow(message);
    try { parseExamplesConfig(raw, 'cfg.json'); } catch (e) {
      expect((e as Error).name).toBe('UserError');
      expect((e as Error).message.split('\n')).toHaveLength(1);
    }
  });

  test('unreadable and malformed files name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'examples-config-'));
    try {
      expect(() => loadExamplesConfig(join(dir, 'none.json'))).toThrow(`${join(dir, 'none.json')}: cannot read the configuration (ENOENT)`);
      writeFileSync(join(dir, 'broken.json'), '{ "examples": [ }');
      expect(() => loadExamplesConfig(join(dir, 'broken.json'))).toThrow(`${join(dir, 'broken.json')}: expected JSON, found a syntax error`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
