/**
 * Hardware types: plain bit vectors (unsigned or signed, of explicit width) and bundles of them.
 * A bundle field wrapped in `flip()` travels against the bundle's direction (e.g. `ready`).
 */

/** A Verilog `parameter` a width may be bound to (see ModuleBuilder.param). */
export interface ParamRef {
  readonly name: string;
  readonly value: number;
  /** Identity of the module that declared it; a parameter is only valid inside its module. */
  readonly owner: object;
}

export interface BitsType {
  readonly kind: 'bits';
  readonly width: number;
  readonly signed: boolean;
  readonly param?: ParamRef;
}

export interface Flipped<T extends HwType = HwType> {
  readonly kind: 'flip';
  readonly inner: T;
}

export type FieldSpec = HwType | Flipped;
export type Fields = { readonly [name: string]: FieldSpec };

export interface BundleType<F extends Fields = Fields> {
  readonly kind: 'bundle';
  readonly fields: F;
}

export type HwType = BitsType | BundleType<any>;

function bitsType(width: number | ParamRef, signed: boolean): BitsType {
  if (typeof width === 'number') {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a positive integer, got ${width}`);
    return { kind: 'bits', width, signed };
  }
  return { kind: 'bits', width: width.value, signed, param: width };
}

/** Unsigned bit vector of `width` bits (a number, or a parameter declared with m.param). */
export function UInt(width: number | ParamRef): BitsType {
  return bitsType(width, false);
}

/** Two's complement signed bit vector of `width` bits. */
export function SInt(width: number | ParamRef): BitsType {
  return bitsType(width, true);
}

export const Bool: BitsType = UInt(1);

export function bundle<F extends Fields>(fields: F): BundleType<F> {
  return { kind: 'bundle', fields };
}

export function flip<T extends HwType>(inner: T): Flipped<T> {
  return { kind: 'flip', inner };
}

/** The valid/ready stream: `valid` and `data` flow forward, `ready` flows back. */
export function stream<T extends HwType>(data: T): BundleType<{ valid: BitsType; ready: Flipped<BitsType>; data: T }> {
  return bundle({ valid: Bool, ready: flip(Bool), data });
}

export function isFlipped(f: FieldSpec): f is Flipped {
  return f.kind === 'flip';
}

export function describeType(t: { width: number; signed: boolean; param?: ParamRef }): string {
  const w = t.param ? `${t.param.name}=${t.width}` : `${t.width}`;
  return `${t.signed ? 'signed' : 'unsigned'} ${w} bit${t.width === 1 && !t.param ? '' : 's'}`;
}
