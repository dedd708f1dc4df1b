/**
 * Files of a packed model (docs/engine.md "Packed images"):
 * - `<MEMORY>.hex`: `$readmemh` image of each model memory, full depth, one word per line in hex
 *   (ceil(width/4) digits); ACT banks as `ACT<bank>.hex` when an input image is given;
 * - `image.bin`: every model memory for a host loader (layout below);
 * - `manifest.json`: config hash, per memory words/width/bytes/SHA-256, per layer where its data lives.
 * Each file is written atomically; the manifest last, so a complete manifest means complete files.
 *
 * image.bin, little-endian: "SDIMAGE1" (8 bytes), the config SHA-256 (32 bytes), u32 section count,
 * then per section: u32 host word address, u32 host word count, that many u32 host words. A memory
 * word of w bits is ceil(w/32) host words, least significant first (the last one commits it).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { HOST_WORD_BITS, type MemoryName } from './memory-map.js';
import type { PackedModel } from './pack.js';

export const BINARY_MAGIC = 'SDIMAGE1';

export interface ManifestMemory {
  width: number;
  depth: number;
  banks: number;
  /** Words the model uses (all banks for ACT). */
  words: number;
  /** Bytes of the used words at their width: ceil(words * width / 8). */
  bytes: number;
  /** `$readmemh` files (one per bank) and the SHA-256 of each. */
  files: { file: string; sha256: string }[];
  /** First host word address of the memory's region. */
  hostBase: number;
  hostWordsPerWord: number;
}

export interface Manifest {
  format: 'smartdeal-packed-image';
  version: 1;
  configHash: string;
  configSource: string;
  mode: string;
  model: string;
  descriptorWords: number;
  inputShape: [number, number, number];
  classes: number;
  act: PackedModel['act'];
  memories: Partial<Record<MemoryName, ManifestMemory>>;
  binary: { file: string; bytes: number; sha256: string; sections: { memory: MemoryName; hostAddress: number; hostWords: number; offset: number }[] };
  layers: { name: string; kind: string; modelIndex: number; descriptorAddress: number; memory: PackedModel['layers'][number]['memory']; keptRows?: number[] }[];
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `$readmemh` text: one word per line, zero-padded to the width. */
export function readmemh(words: readonly bigint[], width: number): string {
  const digits = Math.ceil(width / 4);
  return words.map((w) => w.toString(16).padStart(digits, '0')).join('\n') + '\n';
}

/** Parses `$readmemh` text written by readmemh (no comments or @ addresses). */
export function parseReadmemh(text: string): bigint[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => BigInt(`0x${l.trim()}`));
}

/** Host words of one memory word, least significant first. */
export function hostWords(word: bigint, width: number): number[] {
  const n = Math.ceil(width / HOST_WORD_BITS);
  return Array.from({ length: n }, (_, i) => Number((word >> BigInt(i * HOST_WORD_BITS)) & 0xffffffffn));
}

/** The binary image and where each memory's section starts in it. */
export function binaryImage(p: PackedModel): { bytes: Uint8Array; sections: Manifest['binary']['sections'] } {
  const chunks: number[] = [];
  const sections: Manifest['binary']['sections'] = [];
  const headerBytes = 8 + 32 + 4;
  let offset = headerBytes;
  let count = 0;
  for (const m of p.map.memories) {
    const image = p.images[m.name];
    if (!image) continue;
    const used = p.used[m.name] ?? 0;
    const words = image[0]!.slice(0, used).flatMap((w) => hostWords(w, m.width));
    const region = p.map.regions.find((r) => r.name === m.name)!;
    sections.push({ memory: m.name, hostAddress: region.base, hostWords: words.length, offset });
    chunks.push(region.base, words.length, ...words);
    offset += 8 + 4 * words.length;
    count++;
  }
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(BINARY_MAGIC), 0);
  bytes.set(Buffer.from(p.configHash, 'hex'), 8);
  view.setUint32(40, count, true);
  chunks.forEach((v, i) => view.setUint32(headerBytes + 4 * i, v >>> 0, true));
  return { bytes, sections };
}

/** Writes the hex files, image.bin and manifest.json into dir; `act` adds the ACT banks. */
export function writePackedImages(p: PackedModel, dir: string, modelFile: string, act?: bigint[][]): Manifest {
  const memories: Manifest['memories'] = {};
  for (const m of p.map.memories) {
    const banks = m.name === 'ACT' ? act : p.images[m.name];
    if (!banks) continue;
    const files = banks.map((words, b) => {
      const file = banks.length > 1 || m.name === 'ACT' ? `${m.name}${b}.hex` : `${m.name}.hex`;
      const text = readmemh(words, m.width);
      writeFileAtomic(join(dir, file), text);
      return { file, sha256: sha256(text) };
    });
    const words = m.name === 'ACT' ? p.act.input.bytes : p.used[m.name] ?? 0;
    memories[m.name] = {
      width: m.width, depth: m.depth, banks: m.banks, words, bytes: Math.ceil((words * m.width) / 8), files,
      hostBase: p.map.regions.find((r) => r.name === m.name)!.base, hostWordsPerWord: m.hostWordsPerWord,
    };
  }
  const bin = binaryImage(p);
  writeFileAtomic(join(dir, 'image.bin'), bin.bytes);
  const manifest: Manifest = {
    format: 'smartdeal-packed-image', version: 1, configHash: p.configHash, configSource: p.configSource, mode: p.config.mode,
    model: modelFile, descriptorWords: p.desc.words, inputShape: p.inputShape, classes: p.classes, act: p.act, memories,
    binary: { file: 'image.bin', bytes: bin.bytes.length, sha256: sha256(bin.bytes), sections: bin.sections },
    layers: p.layers.map((l, i) => ({
      name: l.name, kind: l.kind, modelIndex: l.modelIndex, descriptorAddress: i * p.desc.words, memory: l.memory,
      ...(l.keptRows ? { keptRows: l.keptRows } : {}),
    })),
  };
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
