/** `smartdeal rtl` with an engine configuration writes the engine; a bad engine configuration is one line, exit 1. */
import { afterAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elaborate } from '../dsl/index.js';
import { EngineTop, engineTopName } from '../engine/engine-top.js';
import { parseConfig } from '../../sw/engine/config.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const dir = mkdtempSync(join(tmpdir(), 'cli-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function smartdeal(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/smartdeal.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !/^npm warn/.test(l)).join('\n') };
}

describe('smartdeal rtl (engine configuration)', () => {
  test('writes every module of the engine, named by the configuration hash', () => {
    const config = join(dir, 'engine.json');
    writeFileSync(config, JSON.stringify({ ...defaultJson, peRows: 2 }));
    const out = join(dir, 'rtl');
    const r = smartdeal('rtl', '--config', config, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const lc = parseConfig({ ...defaultJson, peRows: 2 }, config);
    const design = elaborate(EngineTop({ config: lc.config }));
    const top = engineTopName(lc.config);
    expect(r.stdout).toMatch(new RegExp(`${top}\\s+${design.modules.length}\\s+\\d+`));
    for (const m of design.modules) expect(existsSync(join(out, `${m.name}.v`)), m.name).toBe(true);
    expect(readFileSync(join(out, `${top}.v`), 'utf8')).toMatch(new RegExp(`module ${top}`));
    console.log(`compared ${design.modules.length} module files and the summary line of smartdeal rtl for ${top}`);
  });

  test('a bad engine configuration gives one clear line and exit code 1', () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ ...defaultJson, peCols: 3 }));
    const r = smartdeal('rtl', '--config', config, '--out', join(dir, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`smartdeal: ${config}: peCols: expected a power of two from 1 to 16, found 3`);
    console.log('compared the error line of a bad engine configuration');
  });
});
