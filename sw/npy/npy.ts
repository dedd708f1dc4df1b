/**
 * Reader and writer of NumPy .npy files (format versions 1.0, 2.0 and 3.0) for float arrays:
 * dtypes '<f4', '<f8', '>f4', '>f8' (also '=' native, taken as little-endian), C or Fortran order.
 * Values come back in C (row-major) order whatever the file's order.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/user-error.js';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { formatNpyHeader, parseNpyHeader } from './header.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  shape: number[];
  /** 'f4' or 'f8' (the file's element type). */
  dtype: 'f4' | 'f8';
  /** Values in C order; f4 files widen exactly. */
  data: Float64Array;
}

interface Dtype {
  size: 4 | 8;
  littleEndian: boolean;
}

function parseDescr(descr: string, where: string): Dtype {
  const m = /^([<>=|])f([48])$/.exec(descr);
  if (!m || m[1] === '|') {
    throw new UserError(`${where}: unsupported dtype '${descr}': expected a float32 or float64 array ('<f4', '<f8', '>f4' or '>f8')`);
  }
  return { size: m[2] === '4' ? 4 : 8, littleEndian: m[1] !== '>' };
}

/** Parses the bytes of a .npy file; `where` (usually the path) names it in error messages. */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${where}: not a .npy file (bad magic: expected \\x93NUMPY, found ${JSON.stringify(String.fromCharCode(...bytes.subarray(0, 6)))})`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) throw new UserError(`${where}: unsupported .npy format version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new UserError(`${where}: truncated .npy file: header length missing`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) throw new UserError(`${where}: truncated .npy file: header says ${headerLen} bytes, only ${bytes.length - 8 - lenBytes} present`);
  const headerBytes = bytes.subarray(8 + lenBytes, dataStart);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = parseNpyHeader(text.trim(), where);
  const dtype = parseDescr(header.descr, where);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const need = count * dtype.size;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new UserError(`${where}: truncated .npy data: shape (${header.shape.join(', ')}) of ${header.descr} needs ${need} bytes, file has ${have}`);
  }
  if (have > need) throw new UserError(`${where}: .npy file has ${have - need} bytes after the data of shape (${header.shape.join(', ')})`);
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * dtype.size;
    raw[i] = dtype.size === 4 ? view.getFloat32(at, dtype.littleEndian) : view.getFloat64(at, dtype.littleEndian);
  }
  const data = header.fortranOrder ? fortranToC(raw, header.shape) : raw;
  return { shape: header.shape, dtype: dtype.size === 4 ? 'f4' : 'f8', data };
}

/** Reorders column-major values into row-major order. */
function fortranToC(f: Float64Array, shape: number[]): Float64Array {
  const n = shape.length;
  const c = new Float64Array(f.length);
  const idx = new Array<number>(n).fill(0);
  for (let i = 0; i < c.length; i++) {
    // idx is the multi-index of C position i; its Fortran offset has the first axis fastest
    let off = 0;
    let stride = 1;
    for (let d = 0; d < n; d++) {
      off += idx[d]! * stride;
      stride *= shape[d]!;
    }
    c[i] = f[off]!;
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return c;
}

/** Reads a .npy file, with clear errors naming it. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read .npy file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseNpy(bytes, path);
}

export interface NpyWriteOptions {
  dtype?: '<f4' | '<f8' | '>f4' | '>f8';
  /** Format version; 1 unless the header is too long for it. */
  version?: 1 | 2 | 3;
}

/** Encodes a C-order float array as .npy bytes (header padded so the data starts at a multiple of 64). */
export function encodeNpy(shape: number[], data: ArrayLike<number>, opts: NpyWriteOptions = {}): Uint8Array {
  const descr = opts.dtype ?? (data instanceof Float64Array ? '<f8' : '<f4');
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`encodeNpy: shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const version = opts.version ?? 1;
  const lenBytes = version === 1 ? 2 : 4;
  const dict = formatNpyHeader({ descr, fortranOrder: false, shape });
  const unpadded = 8 + lenBytes + dict.length + 1;
  const headerLen = dict.length + 1 + ((64 - (unpadded % 64)) % 64);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  const size = descr.endsWith('4') ? 4 : 8;
  const little = descr.startsWith('<');
  const out = new Uint8Array(8 + lenBytes + headerLen + count * size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  if (version === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  out.set(new TextEncoder().encode(header), 8 + lenBytes);
  const start = 8 + lenBytes + headerLen;
  for (let i = 0; i < count; i++) {
    if (size === 4) view.setFloat32(start + i * 4, data[i]!, little);
    else view.setFloat64(start + i * 8, data[i]!, little);
  }
  return out;
}

/** Writes a .npy file atomically. */
export function writeNpy(path: string, shape: number[], data: ArrayLike<number>, opts: NpyWriteOptions = {}): void {
  writeFileAtomic(path, encodeNpy(shape, data, opts));
}
