import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.js';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../npy/npy.js';

/** Assembles a .npy by hand: magic, version, little-endian header length, header text, raw data bytes. */
function handNpy(major: number, header: string, dataHex: string): Uint8Array {
  const lenBytes = major === 1 ? 2 : 4;
  const head = new TextEncoder().encode(header);
  const data = Uint8Array.from(dataHex.match(/../g) ?? [], (h) => parseInt(h, 16));
  const out = new Uint8Array(8 + lenBytes + head.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], 0);
  out[8] = head.length & 0xff;
  out[9] = head.length >> 8;
  out.set(head, 8 + lenBytes);
  out.set(data, 8 + lenBytes + head.length);
  return out;
}

// float32 little-endian: 1.0 = 0000803f, 2.0 = 00000040, -0.5 = 000000bf, 0.25 = 0000803e, 3.0 = 00004040, -4.0 = 000080c0
const F4 = '0000803f' + '00000040' + '000000bf' + '0000803e' + '00004040' + '000080c0';

describe('.npy reader on hand-made files', () => {
  it('reads version 1 little-endian float32, 2-D', () => {
    const a = parseNpy(handNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n", F4), 'hand.npy');
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('f4');
    expect(Array.from(a.data)).toEqual([1, 2, -0.5, 0.25, 3, -4]);
  });

  it('reads version 2 and 3 headers, float64 and big-endian, double-quoted keys', () => {
    // float64 LE 1.5 = 000000000000f83f, -2.0 = 00000000000000c0; BE 1.5 = 3ff8000000000000, -2.0 = c000000000000000
    const le = parseNpy(handNpy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", '000000000000f83f00000000000000c0'), 'v2.npy');
    expect(Array.from(le.data)).toEqual([1.5, -2]);
    expect(le.dtype).toBe('f8');
    const be = parseNpy(handNpy(3, '{"descr": ">f8", "fortran_order": False, "shape": (1, 2)}\n', '3ff8000000000000c000000000000000'), 'v3.npy');
    expect(be.shape).toEqual([1, 2]);
    expect(Array.from(be.data)).toEqual([1.5, -2]);
    const be4 = parseNpy(handNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", '3f800000'), 'be4.npy');
    expect(Array.from(be4.data)).toEqual([1]);
  });

  it('reorders Fortran-order data into C order (2-D and 4-D)', () => {
    // Fortran (2, 3): stored a00 a10 a01 a11 a02 a12 = 1 2 -0.5 0.25 3 -4, so C order is 1 -0.5 3 2 0.25 -4
    const f = parseNpy(handNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", F4), 'f.npy');
    expect(Array.from(f.data)).toEqual([1, -0.5, 3, 2, 0.25, -4]);
    // 4-D (2,1,3,1) Fortran: offset = i0 + 2*i2; C position i = i0*3 + i2
    const g = parseNpy(handNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1, 3, 1), }\n", F4), 'g.npy');
    expect(Array.from(g.data)).toEqual([1, -0.5, 3, 2, 0.25, -4]);
  });

  it('names the file and the problem for bad input', () => {
    const good = handNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", F4);
    const badMagic = Uint8Array.from(good);
    badMagic[1] = 0x58;
    expect(() => parseNpy(badMagic, 'm.npy')).toThrow(/m\.npy: not a \.npy file \(bad magic/);
    expect(() => parseNpy(good.subarray(0, good.length - 1), 't.npy')).toThrow(/t\.npy: truncated \.npy data: shape \(2, 3\) of <f4 needs 24 bytes, file has 23/);
    expect(() => parseNpy(handNpy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n", '01000000'), 'i.npy')).toThrow(/i\.npy: unsupported dtype '<i4'/);
    expect(() => parseNpy(handNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, }\n", '0000803f'), 'h.npy')).toThrow(/h\.npy: bad \.npy header/);
    expect(() => parseNpy(handNpy(1, "{'descr': '<f4', 'shape': (1,), }\n", '0000803f'), 'o.npy')).toThrow(/fortran_order/);
    const v9 = Uint8Array.from(good);
    v9[6] = 9;
    expect(() => parseNpy(v9, 'v.npy')).toThrow(/v\.npy: unsupported \.npy format version 9\.0/);
    expect(() => readNpy('/nonexistent/w.npy')).toThrow(/\/nonexistent\/w\.npy: cannot read \.npy file \(ENOENT\)/);
  });
});

describe('.npy writer', () => {
  it('writes exactly the bytes NumPy writes for a small float32 array', () => {
    // np.save of np.array([[1, 2, -0.5], [0.25, 3, -4]], dtype='<f4'): 118-byte header padded to a 128-byte prefix
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const expected = handNpy(1, header + ' '.repeat(128 - 10 - header.length - 1) + '\n', F4);
    expect(Array.from(encodeNpy([2, 3], new Float32Array([1, 2, -0.5, 0.25, 3, -4])))).toEqual(Array.from(expected));
  });

  it('round-trips random arrays through files in every dtype and version', () => {
    const rng = new Rng(3);
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    let n = 0;
    for (const dtype of ['<f4', '<f8', '>f4', '>f8'] as const) {
      for (const version of [1, 2, 3] as const) {
        const shape = [rng.int(1, 5), rng.int(1, 4), 3, 3];
        const count = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: count }, () => rng.normal());
        const path = join(dir, `a-${dtype}-${version}.npy`);
        writeNpy(path, shape, data, { dtype, version });
        const back = readNpy(path);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data), `seed 3 ${dtype} v${version}`).toEqual(Array.from(data));
        n++;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`round-tripped ${n} random arrays (seed 3)`);
  });
});
