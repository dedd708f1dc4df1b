import type { ModelPort } from '../build/ports.js';
import { HarnessUsageError } from './errors.js';

export type PortValue = number | bigint;

/** Shared by a simulation's ports: writes mark the model dirty and are refused in the read-only phase. */
export interface WriteGate {
  dirty: boolean;
  readOnly: boolean;
  refuse(port: Port): never;
}

/**
 * One top-level port, read and written straight in the model's memory through a typed-array view.
 * Ports up to 32 bits take and give `number`; wider ports give `bigint` and take either.
 */
export class Port {
  readonly name: string;
  readonly direction: ModelPort['direction'];
  readonly width: number;
  readonly signed: boolean;
  /**
   * The raw storage for fast paths: Uint8Array/Uint16Array/Uint32Array with one element for ports
   * up to 32 bits, BigUint64Array for 33..64 bits, Uint32Array of words (least significant first)
   * above 64 bits. Writes through it are not checked: keep the unused upper bits zero.
   */
  readonly view: Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  private readonly small: Uint8Array | Uint16Array | Uint32Array | undefined;
  private readonly mask: bigint;
  // Limits as plain numbers so the common (<= 32-bit number) write is a few compares.
  private readonly min: number;
  private readonly max: number;
  private readonly span: number;
  private readonly shift: number;
  private readonly writable: boolean;

  constructor(info: ModelPort, memory: ArrayBuffer, signed: boolean, private readonly gate: WriteGate) {
    this.name = info.name;
    this.direction = info.direction;
    this.width = info.width;
    this.signed = signed;
    this.mask = (1n << BigInt(info.width)) - 1n;
    this.span = 2 ** info.width;
    this.max = this.span - 1;
    this.min = signed ? -(2 ** (info.width - 1)) : 0;
    this.shift = 32 - info.width;
    this.writable = info.direction !== 'output';
    if (info.words > 1) this.view = new Uint32Array(memory, 0, info.words);
    else if (info.bytes === 8) this.view = new BigUint64Array(memory, 0, 1);
    else this.view = info.bytes === 1 ? new Uint8Array(memory, 0, 1) : info.bytes === 2 ? new Uint16Array(memory, 0, 1) : new Uint32Array(memory, 0, 1);
    this.small = this.width <= 32 ? (this.view as Uint8Array | Uint16Array | Uint32Array) : undefined;
  }

  /** The current value: `number` up to 32 bits, `bigint` above; signed ports read back negative when the top bit is set. */
  get(): PortValue {
    if (this.small) {
      const raw = this.small[0]!;
      return this.signed ? (raw << this.shift) >> this.shift : raw;
    }
    const raw = this.readBig();
    return this.signed ? BigInt.asIntN(this.width, raw) : raw;
  }

  /** Writes a value after checking it fits the port (unsigned 0..2^w-1; signed ports also take -2^(w-1)..-1). */
  set(value: PortValue | boolean): void {
    if (!this.writable) throw new HarnessUsageError(`port '${this.name}' is an output of the design and cannot be written`);
    if (this.gate.readOnly) this.gate.refuse(this);
    if (typeof value === 'boolean') value = value ? 1 : 0;
    if (this.small && typeof value === 'number') {
      if (!(value >= this.min && value <= this.max && Number.isInteger(value))) throw this.doesNotFit(value);
      this.small[0] = value < 0 ? value + this.span : value;
    } else {
      const big = this.toBigInt(value);
      const lo = this.signed ? -(1n << BigInt(this.width - 1)) : 0n;
      if (big < lo || big > this.mask) throw this.doesNotFit(value);
      this.writeBig(big & this.mask);
    }
    this.gate.dirty = true;
  }

  /** The raw bits as an unsigned bigint, whatever the width. */
  bits(): bigint {
    return this.small ? BigInt(this.small[0]!) : this.readBig();
  }

  private readBig(): bigint {
    const v = this.view;
    if (v instanceof BigUint64Array) return v[0]!;
    let out = 0n;
    for (let i = v.length - 1; i >= 0; i--) out = (out << 32n) | BigInt(v[i]!);
    return out;
  }

  private writeBig(value: bigint): void {
    const v = this.view;
    if (v instanceof BigUint64Array) v[0] = value;
    else if (this.small) this.small[0] = Number(value);
    else for (let i = 0; i < v.length; i++) v[i] = Number((value >> BigInt(32 * i)) & 0xffffffffn);
  }

  private toBigInt(value: PortValue): bigint {
    if (typeof value === 'bigint') return value;
    if (!Number.isSafeInteger(value)) throw this.doesNotFit(value);
    return BigInt(value);
  }

  private doesNotFit(value: PortValue): HarnessUsageError {
    const range = this.signed ? `-2^${this.width - 1}..2^${this.width}-1` : `0..2^${this.width}-1`;
    return new HarnessUsageError(
      `value ${String(value)} does not fit port '${this.name}' (${this.width} bits, ${this.signed ? 'signed' : 'unsigned'}, allowed ${range})`,
    );
  }
}

/** Formats a port value for messages: decimal plus hex for anything beyond a few bits. */
export function showValue(value: PortValue): string {
  const big = BigInt(value);
  if (big >= -9n && big <= 9n) return String(value);
  return `${String(value)} (${big < 0n ? '-' : ''}0x${(big < 0n ? -big : big).toString(16)})`;
}
