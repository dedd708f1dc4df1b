/**
 * Words made of named bit fields, described once and packed/unpacked generically. The memory map
 * and the layer descriptor are lists of field specs; the packer, the golden model, the RTL
 * generator and the harness all read field offsets and widths from the resulting layouts.
 *
 * Fields are placed from bit 0 upwards in the order given. A field with `count` > 1 is an array:
 * element i sits at `offset + i * width`. Signed fields hold two's complement values.
 */

export interface FieldSpec {
  name: string;
  width: number;
  /** Array length (1 = a scalar field). */
  count?: number;
  signed?: boolean;
  /** One line on what the field holds. */
  doc: string;
}

export interface PlacedField {
  name: string;
  width: number;
  count: number;
  signed: boolean;
  doc: string;
  /** Bit offset of element 0 inside the word. */
  offset: number;
}

export interface WordLayout {
  name: string;
  /** Bits of the word (for aligned layouts: a multiple of the alignment). */
  width: number;
  fields: PlacedField[];
}

export type FieldValues = Record<string, number | readonly number[]>;

/**
 * Places fields from bit 0 up. With `align` (e.g. 32), no field element straddles a multiple of
 * `align` (it moves up to the next one) and the width is rounded up to a multiple of `align`.
 */
export function layoutWord(name: string, specs: readonly FieldSpec[], align?: number): WordLayout {
  let at = 0;
  const seen = new Set<string>();
  const fields = specs.map((s): PlacedField => {
    const count = s.count ?? 1;
    if (!Number.isInteger(s.width) || s.width < 1) throw new Error(`layoutWord ${name}: field ${s.name} has width ${s.width}`);
    if (seen.has(s.name)) throw new Error(`layoutWord ${name}: field ${s.name} appears twice`);
    seen.add(s.name);
    if (align !== undefined) {
      if (count !== 1 || s.width > align) throw new Error(`layoutWord ${name}: aligned layouts hold scalar fields of at most ${align} bits (${s.name})`);
      if (Math.floor(at / align) !== Math.floor((at + s.width - 1) / align)) at = Math.ceil(at / align) * align;
    }
    const f = { name: s.name, width: s.width, count, signed: s.signed ?? false, doc: s.doc, offset: at };
    at += s.width * count;
    return f;
  });
  const width = align === undefined ? at : Math.max(align, Math.ceil(at / align) * align);
  return { name, width, fields };
}

export function fieldOf(layout: WordLayout, name: string): PlacedField {
  const f = layout.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${layout.name}: no field ${name}`);
  return f;
}

/** Allowed value range of a field element. */
export function fieldRange(f: Pick<PlacedField, 'width' | 'signed'>): { lo: number; hi: number } {
  return f.signed ? { lo: -(2 ** (f.width - 1)), hi: 2 ** (f.width - 1) - 1 } : { lo: 0, hi: 2 ** f.width - 1 };
}

/** Packs values into one word; missing fields are 0, out-of-range values are a bug (throws). */
export function packWord(layout: WordLayout, values: FieldValues): bigint {
  let word = 0n;
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    const elems = typeof v === 'number' ? [v] : v;
    if (elems.length > f.count) throw new Error(`${layout.name}.${f.name}: ${elems.length} values for ${f.count} elements`);
    const { lo, hi } = fieldRange(f);
    const mask = (1n << BigInt(f.width)) - 1n;
    elems.forEach((e, i) => {
      if (!Number.isInteger(e) || e < lo || e > hi) throw new Error(`${layout.name}.${f.name}[${i}]: ${e} does not fit ${f.signed ? 'signed' : 'unsigned'} ${f.width} bits`);
      word |= (BigInt(e) & mask) << BigInt(f.offset + i * f.width);
    });
  }
  return word;
}

/** Reads element `index` of field `f` from a word. */
export function readField(word: bigint, f: PlacedField, index = 0): number {
  const raw = Number((word >> BigInt(f.offset + index * f.width)) & ((1n << BigInt(f.width)) - 1n));
  return f.signed && raw >= 2 ** (f.width - 1) ? raw - 2 ** f.width : raw;
}

/** Unpacks every field: scalars as numbers, arrays as number[]. */
export function unpackWord(layout: WordLayout, word: bigint): Record<string, number | number[]> {
  const out: Record<string, number | number[]> = {};
  for (const f of layout.fields) {
    out[f.name] = f.count === 1 ? readField(word, f) : Array.from({ length: f.count }, (_, i) => readField(word, f, i));
  }
  return out;
}

/** Bits needed to hold the unsigned values 0..n-1 (at least 1). */
export function bitsForCount(n: number): number {
  let b = 1;
  while (2 ** b < n) b++;
  return b;
}

/** Bits needed to hold the unsigned value v (at least 1). */
export function bitsForValue(v: number): number {
  return bitsForCount(v + 1);
}
