/** `smartdeal` as a user runs it (a child process of bin/smartdeal.js): help, rtl, bad configs, the MNIST demo. */
import { afterAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'cli-generator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function smartdeal(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/smartdeal.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !/^npm warn/.test(l)).join('\n') };
}

describe('smartdeal CLI (generator commands)', () => {
  test('--help lists rtl, lint, demo and examples', () => {
    const r = smartdeal('--help');
    expect(r.status).toBe(0);
    for (const cmd of ['rtl', 'lint', 'demo', 'examples']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    console.log('compared the help text with 4 expected subcommands');
  });

  test('rtl writes one file per module and prints a summary', () => {
    const config = join(dir, 'two.json');
    writeFileSync(config, JSON.stringify({ examples: [{ example: 'fifo', width: 8, depth: 4 }, { example: 'seqdet', pattern: '110' }] }));
    const out = join(dir, 'rtl');
    const r = smartdeal('rtl', '--config', config, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fifo_w8_d4\s+2\s+\d+/);
    expect(r.stdout).toMatch(/wrote 3 Verilog files for 2 modules/);
    for (const f of ['fifo_w8_d4.v', 'ram_w8_a2.v', 'seqdet_p110.v']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'fifo_w8_d4.v'), 'utf8')).toMatch(/parameter WIDTH = 8/);
  });

  test('a bad config gives one clear line and exit code 1, no stack trace', () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ examples: [{ example: 'counter', width: 8 }, { example: 'counter', width: 8 }, { example: 'fifo', width: 8, depth: 12 }] }));
    for (const cmd of ['rtl', 'lint']) {
      const r = smartdeal(cmd, '--config', config, '--out', join(dir, 'never'));
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`smartdeal: ${config}: examples[2].depth: expected a power of two >= 2, found 12`);
      expect(r.stderr).not.toMatch(/\s+at /);
    }
    const missing = smartdeal('rtl', '--config', join(dir, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(`smartdeal: ${join(dir, 'nope.json')}: cannot read the configuration (ENOENT)`);
  });
});

describe('smartdeal demo (MNIST on the SD engine)', () => {
  test('a short run checks every image bit-exact and reports accuracy, cycles and storage', () => {
    const work = join(dir, 'demo');
    const r = smartdeal('demo', '--images', '3', '--work', work, '--out', join(dir, 'demo-rtl'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RTL bit-exact with golden model, cycle model and runInt on every image/);
    expect(r.stdout).toMatch(/^\s+RTL \(Verilator\)\s+\d+\.\d\d%$/m);
    expect(r.stdout).toMatch(/^cycles per image: \d+/m);
    expect(r.stdout).toMatch(/^weight storage: SD engine .* dense engine .*x smaller$/m);
    const summary = JSON.parse(readFileSync(join(work, 'summary.json'), 'utf8')) as { images: number; accuracy: { rtl: number; int: number }; rtl: { imagesWithMismatch: number; cycles: number }; cyclesPerImage: number };
    expect(summary.images).toBe(3);
    expect(summary.rtl.imagesWithMismatch).toBe(0);
    expect(summary.accuracy.rtl).toBe(summary.accuracy.int);
    expect(summary.cyclesPerImage).toBe(summary.rtl.cycles / 3);
    expect(existsSync(join(work, 'pack', 'manifest.json'))).toBe(true);
    console.log(`compared 3 MNIST images on the RTL with golden, cycle model and runInt through the demo: ${summary.cyclesPerImage} cycles/image`);
  }, 240_000);

  test('bad arguments give one clear line', () => {
    const zero = smartdeal('demo', '--images', '0');
    expect(zero.status).toBe(1);
    expect(zero.stderr.trim()).toBe('smartdeal: --images: expected a positive integer, found "0"');
    const missing = join(dir, 'none.ckpt');
    const r = smartdeal('demo', '--ckpt', missing, '--work', join(dir, 'demo-missing'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`smartdeal: ${missing}: checkpoint not found (the shipped one is models/mnist-small-sd.ckpt; --train trains a short one)`);
    console.log('compared 2 demo error messages with the expected text');
  });
});
