/**
 * Checkpoint file: a JSON header followed by raw little-endian tensors.
 *
 *   bytes 0..7    ASCII "SDCKPT01" (format and version)
 *   bytes 8..11   u32 LE: header length H in bytes
 *   bytes 12..    H bytes of UTF-8 JSON (the header, see CheckpointHeader)
 *   then zero padding to a multiple of 8, then the data section: each tensor at header
 *   `tensors[i].offset` (bytes from the start of the data section, 8-aligned), `bytes` long.
 *
 * The header holds the model spec, free-form metadata (data set, seed, metrics...) and for SD
 * layers everything of sw/sd's SdLayer that is not a tensor (layout, per-block rows and expBase).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/user-error.js';
import { writeFileAtomic } from '../../common/atomic-write.js';

export const MAGIC = 'SDCKPT01';
const ALIGN = 8;

export type DType = 'f32' | 'u8';

export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  bytes: number;
}

export interface CheckpointHeader {
  format: 'smartdeal-checkpoint';
  version: 1;
  tensors: TensorEntry[];
  /** Everything else (model spec, metadata, SD layer descriptions). */
  body: unknown;
}

export type RawTensor = { dtype: 'f32'; shape: number[]; data: Float32Array } | { dtype: 'u8'; shape: number[]; data: Uint8Array };

export function encodeContainer(body: unknown, tensors: Map<string, RawTensor>): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.byteLength;
    entries.push({ name, dtype: t.dtype, shape: t.shape, offset, bytes });
    offset = align(offset + bytes);
  }
  const header: CheckpointHeader = { format: 'smartdeal-checkpoint', version: 1, tensors: entries, body };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align(12 + json.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let i = 0;
  for (const t of tensors.values()) {
    const e = entries[i++]!;
    const src = t.data instanceof Float32Array ? littleEndianBytes(t.data) : t.data;
    out.set(src, dataStart + e.offset);
  }
  return out;
}

export function decodeContainer(bytes: Uint8Array, file: string): { body: unknown; tensors: Map<string, RawTensor> } {
  const fail = (what: string): never => {
    throw new UserError(`${file}: not a valid checkpoint: ${what}`);
  };
  if (bytes.length < 12) fail(`expected at least 12 bytes, found ${bytes.length}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) fail(`expected magic "${MAGIC}", found ${JSON.stringify(magic)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) fail(`header of ${headerLen} bytes runs past the end of the file (${bytes.length} bytes)`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as CheckpointHeader;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header?.format !== 'smartdeal-checkpoint' || header.version !== 1 || !Array.isArray(header.tensors)) {
    fail(`expected header format "smartdeal-checkpoint" version 1 with a tensors list, found format ${JSON.stringify(header?.format)} version ${JSON.stringify(header?.version)}`);
  }
  const dataStart = align(12 + headerLen);
  const tensors = new Map<string, RawTensor>();
  for (const e of header.tensors) {
    const size = (e.shape ?? []).reduce((a, b) => a * b, 1);
    const width = e.dtype === 'f32' ? 4 : e.dtype === 'u8' ? 1 : fail(`tensor "${e.name}": unknown dtype ${JSON.stringify(e.dtype)}`);
    if (e.bytes !== size * width) fail(`tensor "${e.name}": shape [${e.shape.join(', ')}] needs ${size * width} bytes, header says ${e.bytes}`);
    const start = dataStart + e.offset;
    if (start + e.bytes > bytes.length) fail(`tensor "${e.name}" (${e.bytes} bytes at ${start}) runs past the end of the file (${bytes.length} bytes): truncated?`);
    const slice = bytes.slice(start, start + e.bytes);
    tensors.set(e.name, e.dtype === 'f32'
      ? { dtype: 'f32', shape: e.shape, data: fromLittleEndian(slice) }
      : { dtype: 'u8', shape: e.shape, data: slice });
  }
  return { body: header.body, tensors };
}

export function writeContainer(path: string, body: unknown, tensors: Map<string, RawTensor>): void {
  writeFileAtomic(path, encodeContainer(body, tensors));
}

export function readContainer(path: string): { body: unknown; tensors: Map<string, RawTensor> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read the checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeContainer(bytes, path);
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(a: Float32Array): Uint8Array {
  if (LITTLE) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  a.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return out;
}

function fromLittleEndian(b: Uint8Array): Float32Array {
  if (LITTLE) return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Float32Array.from({ length: b.byteLength / 4 }, (_, i) => v.getFloat32(4 * i, true));
}
