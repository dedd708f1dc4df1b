import { readFileSync } from 'node:fs';
import { UserError } from '../../common/user-error.js';

/**
 * Reader of the IDX format the MNIST files use: two zero bytes, a type byte (0x08 = unsigned byte),
 * the number of dimensions, each dimension as a big-endian u32, then the data in row-major order.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number): IdxArray {
  const fail = (what: string): never => {
    throw new UserError(`${file}: not a valid IDX file: ${what}`);
  };
  if (bytes.length < 4) fail(`expected at least a 4-byte header, found ${bytes.length} bytes`);
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const wantMagic = (UBYTE << 8) | expectedDims;
  if (magic !== wantMagic) {
    fail(`expected magic number 0x${hex(wantMagic)} (unsigned bytes, ${expectedDims} dimension${expectedDims > 1 ? 's' : ''}), found 0x${hex(magic)}`);
  }
  const headerLen = 4 + 4 * expectedDims;
  if (bytes.length < headerLen) fail(`expected a ${headerLen}-byte header, found ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < expectedDims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerLen !== count) {
    fail(`dimensions [${dims.join(' x ')}] need ${count} data bytes after the header, found ${bytes.length - headerLen}${bytes.length - headerLen < count ? ' (truncated)' : ''}`);
  }
  return { dims, data: bytes.subarray(headerLen) };
}

export function readIdx(file: string, expectedDims: number): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read the IDX file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(bytes, file, expectedDims);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
