/**
 * A packed model as `smartdeal pack` writes it (docs/engine.md "Packed images"): manifest.json,
 * image.bin (the host-word sections the board loads) and the `$readmemh` files (the golden
 * model's memory images). Checks the configuration against the manifest's hash and image.bin
 * against its magic, hash and section table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import { readJsonFile } from '../../common/json-file.js';
import { loadConfig, type LoadedConfig } from '../../sw/engine/config.js';
import type { MemoryImages } from '../../sw/engine/golden.js';
import { BINARY_MAGIC, parseReadmemh, type Manifest } from '../../sw/engine/images.js';
import { memoryMap, type MemoryMap, type MemoryName } from '../../sw/engine/memory-map.js';

export interface LoadSection {
  memory: MemoryName;
  address: number;
  words: Uint32Array;
}

export interface PackedDir {
  dir: string;
  manifest: Manifest;
  lc: LoadedConfig;
  map: MemoryMap;
  /** Model memories for the golden model. */
  images: MemoryImages;
  /** What the board is loaded with, from image.bin. */
  sections: LoadSection[];
}

function readBinary(path: string, manifest: Manifest): LoadSection[] {
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < 44 || magic !== BINARY_MAGIC) throw new UserError(`${path}: expected a packed image starting "${BINARY_MAGIC}", found ${JSON.stringify(magic)}`);
  const hash = Buffer.from(bytes.subarray(8, 40)).toString('hex');
  if (hash !== manifest.configHash) throw new UserError(`${path}: configuration hash ${hash.slice(0, 8)} differs from manifest.json's ${manifest.configHash.slice(0, 8)} (files from two pack runs?)`);
  const count = view.getUint32(40, true);
  const sections: LoadSection[] = [];
  let at = 44;
  for (let s = 0; s < count; s++) {
    if (at + 8 > bytes.length) throw new UserError(`${path}: section ${s} of ${count} starts past the end of the file`);
    const address = view.getUint32(at, true);
    const n = view.getUint32(at + 4, true);
    if (at + 8 + 4 * n > bytes.length) throw new UserError(`${path}: section ${s} holds ${n} words, past the end of the file`);
    const words = new Uint32Array(n);
    for (let i = 0; i < n; i++) words[i] = view.getUint32(at + 8 + 4 * i, true);
    const memory = manifest.binary.sections[s]?.memory;
    if (!memory) throw new UserError(`${path}: section ${s} is not in manifest.json`);
    sections.push({ memory, address, words });
    at += 8 + 4 * n;
  }
  return sections;
}

export function loadPackedDir(dir: string, configPath: string): PackedDir {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new UserError(`--pack ${dir}: no manifest.json there (write one with: smartdeal pack --model <int-model.json> --config ${configPath} --out ${dir})`);
  const manifest = readJsonFile(manifestPath, 'packed model manifest') as Manifest;
  if (manifest.format !== 'smartdeal-packed-image') throw new UserError(`${manifestPath}: expected format "smartdeal-packed-image", found ${JSON.stringify(manifest.format)}`);
  const lc = loadConfig(configPath);
  if (lc.hash !== manifest.configHash) {
    throw new UserError(`--config ${configPath}: configuration hash ${lc.hash.slice(0, 8)} differs from the packed model's ${manifest.configHash.slice(0, 8)} (packed for ${manifest.configSource}); pass that configuration or pack again`);
  }
  const images: MemoryImages = {};
  for (const [name, m] of Object.entries(manifest.memories) as [MemoryName, NonNullable<Manifest['memories'][MemoryName]>][]) {
    if (name === 'ACT') continue;
    images[name] = m.files.map((f) => {
      const path = join(dir, f.file);
      if (!existsSync(path)) throw new UserError(`${path}: missing (listed in manifest.json)`);
      return parseReadmemh(readFileSync(path, 'utf8'));
    });
  }
  const sections = readBinary(join(dir, manifest.binary.file), manifest);
  return { dir, manifest, lc, map: memoryMap(lc.config), images, sections };
}
