import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalConfigJson, loadConfig, parseConfig } from '../engine/config.js';
import { ice40EbrCount, ice40Placement, ice40SpramCount, memoryMap } from '../engine/memory-map.js';
import defaultJson from '../../configs/default.json' with { type: 'json' };

const BASE = defaultJson as Record<string, unknown>;

function message(raw: unknown, source = 'configs/x.json'): string {
  try {
    parseConfig(raw, source);
  } catch (e) {
    expect((e as Error).name).toBe('UserError');
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('engine configuration', () => {
  it('loads the shipped configurations', () => {
    const sd = loadConfig('configs/default.json');
    const dense = loadConfig('configs/dense.json');
    expect(sd.config.mode).toBe('sd');
    expect(dense.config.mode).toBe('dense');
    expect({ ...dense.config, mode: 'sd' }).toEqual(sd.config); // dense.json is default.json in dense mode
    expect(sd.hash).not.toBe(dense.hash);
    console.log(`compared 2 shipped configurations (hashes ${sd.hash.slice(0, 12)}, ${dense.hash.slice(0, 12)})`);
  });

  it('names the file, the field, the allowed range and what was found', () => {
    const cases: [unknown, string][] = [
      [{ ...BASE, peCols: 3 }, 'configs/x.json: peCols: expected a power of two from 1 to 16, found 3'],
      [{ ...BASE, peRows: 0 }, 'configs/x.json: peRows: expected an integer from 1 to 32, found 0'],
      [{ ...BASE, peRows: 2.5 }, 'configs/x.json: peRows: expected an integer from 1 to 32, found 2.5'],
      [{ ...BASE, basis: 4 }, 'configs/x.json: basis: expected 3, found 4'],
      [{ ...BASE, mode: 'fast' }, 'configs/x.json: mode: expected one of "sd", "dense", found "fast"'],
      [{ ...BASE, ceDepth: '1024' }, 'configs/x.json: ceDepth: expected an integer from 1 to 1048576, found "1024"'],
      [{ ...BASE, layerKinds: ['conv3', 'conv3'] }, 'configs/x.json: layerKinds: expected a non-empty list of distinct kinds from "conv3", "conv1", "linear", "maxpool2", found ["conv3","conv3"]'],
      [{ ...BASE, layerKinds: [] }, 'configs/x.json: layerKinds: expected a non-empty list of distinct kinds from "conv3", "conv1", "linear", "maxpool2", found []'],
      [{ ...BASE, actDepth: 3000 }, 'configs/x.json: actDepth: expected a power of two from 16 to 65536, found 3000'],
      [Object.fromEntries(Object.entries(BASE).filter(([k]) => k !== 'bDepth')), 'configs/x.json: bDepth: expected an integer from 1 to 1048576, found nothing'],
      [[1, 2], 'configs/x.json: expected a JSON object of engine parameters, found [1,2]'],
      [{ ...BASE, counterBits: 40 }, 'configs/x.json: counterBits: expected an integer from 16 to 32, found 40'],
    ];
    for (const [raw, want] of cases) expect(message(raw)).toBe(want);
    expect(message({ ...BASE, peCol: 2 })).toMatch(/^configs\/x\.json: peCol: expected no such field \(allowed: mode, peRows, peCols, .*\), found 2$/);
    console.log(`compared ${cases.length + 1} error messages`);
  });

  it('reports unreadable files and bad JSON with the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "mode": ');
    expect(() => loadConfig(bad)).toThrow(`${bad}: expected JSON, found a syntax error`);
    expect(() => loadConfig(join(dir, 'missing.json'))).toThrow(`${join(dir, 'missing.json')}: cannot read the engine configuration (ENOENT)`);
    console.log('compared 2 file errors');
  });

  it('hashes canonical JSON: key order and comments do not matter, every field does', () => {
    const a = parseConfig(BASE, 'a');
    const reversed = Object.fromEntries(Object.entries(BASE).reverse().filter(([k]) => k !== '$comment'));
    const b = parseConfig({ ...reversed, $comment: 'another comment' }, 'b');
    expect(b.hash).toBe(a.hash);
    // independent: SHA-256 of the sorted-key JSON text built here
    // counterBits is optional and left out at its default (32), so older hashes stay valid
    expect(a.config.counterBits).toBe(32);
    const sortedText = '{' + Object.keys(a.config).filter((k) => k !== 'counterBits').sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify((a.config as unknown as Record<string, unknown>)[k])}`).join(',') + '}';
    expect(canonicalConfigJson(a.config)).toBe(sortedText);
    expect(a.hash).toBe(createHash('sha256').update(sortedText).digest('hex'));
    const hashes = new Set([a.hash]);
    expect(parseConfig({ ...BASE, counterBits: 32 }, 'd').hash).toBe(a.hash);
    for (const [k, v] of Object.entries({ peRows: 5, peCols: 4, ceExpBits: 2, accBits: 24, ceDepth: 512, layerKinds: ['conv3', 'linear'], counterBits: 24 })) hashes.add(parseConfig({ ...BASE, [k]: v }, 'c').hash);
    expect(hashes.size).toBe(8);
    console.log(`compared ${hashes.size} configuration hashes`);
  });

  it('default.json fits an iCE40UP5K: at most 30 EBR and 4 SPRAM', () => {
    // hand-checked block counts: 48 x 1024 needs 3 x 4 blocks of 256 x 16; 76 x 256 needs 5; 20 x 512 needs 3 of 512 x 8
    expect([ice40EbrCount(48, 1024), ice40EbrCount(76, 256), ice40EbrCount(20, 512), ice40EbrCount(32, 16), ice40EbrCount(8, 2048)]).toEqual([12, 5, 3, 2, 4]);
    expect(ice40SpramCount(8, 8192)).toBe(1);
    const map = memoryMap(loadConfig('configs/default.json').config);
    const ebr = map.memories.filter((m) => m.name !== 'ACT').reduce((s, m) => s + ice40EbrCount(m.width, m.depth), 0);
    const act = map.memories.find((m) => m.name === 'ACT')!;
    const spram = 2 * act.banks * ice40SpramCount(act.width, act.depth); // two copies per bank
    expect(ebr).toBeLessThanOrEqual(30);
    expect(spram).toBeLessThanOrEqual(4);
    expect(ice40Placement(map.config)).toMatchObject({ spram: ['ACT'], ebr, sprams: spram });
    console.log(`compared the UP5K budget: ${ebr} EBR, ${spram} SPRAM`);
  });

  it('places memories in SPRAM: ACT copies first, then the memory that frees the most block RAM', () => {
    // the FPGA configurations at the 2x1 shape and depths they had when these were hand-checked
    const ib = { ...loadConfig('configs/icebreaker.json').config, peRows: 2, ceDepth: 512 };
    const ibDense = { ...loadConfig('configs/icebreaker-dense.json').config, peRows: 2, wDepth: 1792 };
    // hand-checked, 2x1 sd: ACT's 2 copies take 2 SPRAMs; CE 24x512 (3 EBR of 512 x 8) and IDX 19x512 (3) both free
    // 3 EBR for 2 SPRAMs, CE comes first; left: DESC 32x64 2, IDX 3, B 76x64 5, BIAS 24x64 2, QUANT 22x64 2, LOGITS 24x16 2
    expect(ice40Placement(ib)).toEqual({ spram: ['CE', 'ACT'], ebrBy: { DESC: 2, CE: 0, IDX: 3, B: 5, BIAS: 2, QUANT: 2, ACT: 0, LOGITS: 2 }, ebr: 16, sprams: 4 });
    // dense: W 48 x 1792 = 7 x 3 blocks of 256 x 16; DESC, BIAS, QUANT free 2 each, DESC first
    expect(ice40Placement(ibDense)).toMatchObject({ spram: ['DESC', 'ACT'], ebr: 27, sprams: 4 });
    // 4x1: ACT takes 2 SPRAMs; of the rest IDX frees 3 EBR for 2 SPRAMs, DESC/BIAS/QUANT only 2 each
    expect(ice40Placement({ ...ib, peRows: 4 }).spram).toEqual(['IDX', 'ACT']);
    expect(ice40Placement({ ...ibDense, peRows: 4 }).spram).toEqual(['DESC', 'ACT']);
    // 2x2: ACT's 4 copies take all 4 SPRAMs
    expect(ice40Placement({ ...ib, peCols: 2, actDepth: 4096 })).toMatchObject({ spram: ['ACT'], ebr: 19, sprams: 4 });
    // no SPRAM (iCE40HX): CE back in block RAM (3), ACT one block-RAM copy of 8192 x 8 = 16 blocks (no pair)
    expect(ice40Placement(ib, 0)).toMatchObject({ spram: [], sprams: 0, ebr: 16 + 3 + 16 });
    // 8 ACT copies do not fit 4 SPRAMs: they stay block RAM and the model memories get the SPRAMs
    expect(ice40Placement({ ...ib, peCols: 4, actDepth: 2048 }).spram).not.toContain('ACT');
    console.log('compared 7 placements (icebreaker, icebreaker-dense, 4x1 sd and dense, 2x2, no SPRAM, 4 banks)');
  });

  it('the FPGA configurations fit the UP5K with room to spare', () => {
    for (const path of ['configs/icebreaker.json', 'configs/icebreaker-dense.json']) {
      const p = ice40Placement(loadConfig(path).config);
      expect(p.ebr, path).toBeLessThanOrEqual(30);
      expect(p.sprams, path).toBeLessThanOrEqual(4);
    }
    expect(ice40Placement(loadConfig('configs/icebreaker.json').config).ebr).toBeLessThanOrEqual(26);
    console.log('compared 2 FPGA configurations with the UP5K budget (EBR <= 30, sd <= 26; SPRAM <= 4)');
  });
});
