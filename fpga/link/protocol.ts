/**
 * THE description of the UART link between a host and the engine board (docs/fpga.md "Link
 * protocol"): frame layout, opcodes, status codes, limits and the address check. The bridge RTL
 * (fpga/board/uart-bridge.ts) and the host tool (fpga/host/) both read it from here.
 *
 * Request:  0xA5, opcode, address (u32 LE), words (u16 LE), payload (WRITE: words x u32 LE;
 *           WRITE8: words x u8), CRC.
 * Reply:    0x5A, status, words (u16 LE), data (words x u32 LE), CRC.
 * CRC: CRC-16/CCITT-FALSE (fpga/link/crc.ts) over every byte after the sync byte, sent most
 * significant byte first.
 */
import { UserError } from '../../common/user-error.js';
import { configHash, type EngineConfig } from '../../sw/engine/config.js';
import { memoryMap } from '../../sw/engine/memory-map.js';
import { CSR } from '../../generator/engine/csr.js';
import { crc16, CRC_INIT, crcByte } from './crc.js';

export const REQUEST_SYNC = 0xa5;
export const REPLY_SYNC = 0x5a;

export const OPCODES = {
  /** Reply data: PROTOCOL_WORD, the configuration id, MAX_WORDS. Address and words ignored. */
  PING: 0x01,
  /** Writes `words` host words from `address` on; reply carries no data. */
  WRITE: 0x02,
  /** Reads `words` host words from `address` on. */
  READ: 0x03,
  /** Writes CSR CTRL = 1 (start a run); BUSY while the engine runs. */
  START: 0x04,
  /** Reply data: CSR STATUS, ERROR, RESULT, LAYER. Address and words ignored. */
  STATUS: 0x05,
  /** Writes `words` host words from `address` on, one payload byte each (bits 7..0, the rest 0): ACT at a quarter of the bytes. */
  WRITE8: 0x06,
} as const;
export type OpcodeName = keyof typeof OPCODES;

export const STATUS_CODES = {
  OK: 0,
  /** The frame's CRC did not check: nothing was written. */
  BAD_CRC: 1,
  BAD_OPCODE: 2,
  /** Outside the host-bus regions, or address + words past the region's end. */
  BAD_ADDRESS: 3,
  /** WRITE/READ with 0 or more than MAX_WORDS words, WRITE8 with 0 or more than MAX_BYTE_WORDS. */
  BAD_LENGTH: 4,
  /** A memory region, or START, while the engine runs. */
  BUSY: 5,
  /** The frame stopped before its end for longer than the inter-byte timeout: dropped. */
  TIMEOUT: 6,
} as const;
export type StatusName = keyof typeof STATUS_CODES;

export const statusName = (code: number): string =>
  (Object.entries(STATUS_CODES).find(([, v]) => v === code)?.[0]) ?? `unknown status ${code}`;
export const opcodeName = (code: number): string =>
  (Object.entries(OPCODES).find(([, v]) => v === code)?.[0]) ?? `opcode 0x${code.toString(16)}`;

/** "SDL" and the protocol version 1: the first word of a PING reply. */
export const PROTOCOL_WORD = 0x53444c01;
/** Most words one WRITE or READ frame carries (the bridge buffers a WRITE's payload until its CRC checks). */
export const MAX_WORDS = 64;
/** Most words one WRITE8 frame carries (its payload fills the same 256-byte buffer). */
export const MAX_BYTE_WORDS = 4 * MAX_WORDS;
/** Bytes of a request before the payload: sync, opcode, address, words. */
export const REQUEST_HEADER_BYTES = 8;
/** Bytes of a reply before the data: sync, status, words. */
export const REPLY_HEADER_BYTES = 4;
export const CRC_BYTES = 2;
/** CSR words a STATUS reply carries, from CSR.STATUS on. */
export const STATUS_WORDS = 4;
export const STATUS_ADDRESS = CSR.STATUS;
export const PING_WORDS = 3;

/** The host-bus address space the bridge checks requests against. */
export interface LinkLayout {
  regionShift: number;
  /** Bits of a host-bus address. */
  addrBits: number;
  /** Host words of each region (index = region number; 0 is the CSR block). */
  regionWords: number[];
  regionNames: string[];
  /** Low 32 bits of the configuration hash (what CSR CONFIG_ID holds). */
  configId: number;
}

/** The layout of a configuration's host bus (sw/engine/memory-map.ts is the source). */
export function linkLayout(config: EngineConfig): LinkLayout {
  const map = memoryMap(config);
  const regionWords: number[] = [];
  const regionNames: string[] = [];
  for (const r of map.regions) {
    const index = r.base >> map.regionShift;
    regionWords[index] = r.words;
    regionNames[index] = r.name;
  }
  const regionBits = Math.max(1, Math.ceil(Math.log2(regionWords.length)));
  return { regionShift: map.regionShift, addrBits: map.regionShift + regionBits, regionWords, regionNames, configId: configIdOf(configHash(config)) };
}

/** The 32-bit configuration id of a configuration hash (hex SHA-256): its low 32 bits. */
export function configIdOf(configHash: string): number {
  return Number.parseInt(configHash.slice(-8), 16) >>> 0;
}

export interface Request {
  op: number;
  address: number;
  words: number;
  /** WRITE: u32 words; WRITE8: bytes. */
  payload?: ArrayLike<number>;
}

export interface Reply {
  status: number;
  data: Uint32Array;
}

function pushU32(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

function withCrc(body: number[]): Uint8Array {
  const crc = crc16(body.slice(1));
  return Uint8Array.from([...body, crc >> 8, crc & 0xff]);
}

export function encodeRequest(r: Request): Uint8Array {
  const body = [REQUEST_SYNC, r.op & 0xff];
  pushU32(body, r.address);
  body.push(r.words & 0xff, (r.words >> 8) & 0xff);
  if (r.op === OPCODES.WRITE) for (let i = 0; i < r.words; i++) pushU32(body, r.payload?.[i] ?? 0);
  if (r.op === OPCODES.WRITE8) for (let i = 0; i < r.words; i++) body.push((r.payload?.[i] ?? 0) & 0xff);
  return withCrc(body);
}

export function encodeReply(status: number, data: ArrayLike<number> = []): Uint8Array {
  const body = [REPLY_SYNC, status & 0xff, data.length & 0xff, (data.length >> 8) & 0xff];
  for (let i = 0; i < data.length; i++) pushU32(body, data[i]!);
  return withCrc(body);
}

/** Payload bytes of a request (WRITE: 4 per word, WRITE8: 1 per word). */
export function payloadBytes(op: number, words: number): number {
  return op === OPCODES.WRITE ? 4 * words : op === OPCODES.WRITE8 ? words : 0;
}

/** Most words a request with this opcode may carry (WRITE8: MAX_BYTE_WORDS, else MAX_WORDS). */
export function maxWordsOf(op: number): number {
  return op === OPCODES.WRITE8 ? MAX_BYTE_WORDS : MAX_WORDS;
}

/** Opcodes that name a block of host words (address and words checked). */
export function isBlockOp(op: number): boolean {
  return op === OPCODES.WRITE || op === OPCODES.READ || op === OPCODES.WRITE8;
}

/**
 * The status the board answers a complete, well-framed request with (CRC good): the protocol's
 * rules in one place, for the host tool's messages and as the reference the RTL tests compare with.
 */
export function checkRequest(layout: LinkLayout, r: Request, busy: boolean): number {
  const known = Object.values(OPCODES) as number[];
  if (!known.includes(r.op)) return STATUS_CODES.BAD_OPCODE;
  if (isBlockOp(r.op)) {
    if (r.words < 1 || r.words > maxWordsOf(r.op)) return STATUS_CODES.BAD_LENGTH;
    const region = Math.floor(r.address / 2 ** layout.regionShift);
    const offset = r.address % 2 ** layout.regionShift;
    const limit = layout.regionWords[region];
    if (r.address >= 2 ** layout.addrBits || limit === undefined || offset + r.words > limit) return STATUS_CODES.BAD_ADDRESS;
    if (region !== 0 && busy) return STATUS_CODES.BUSY;
  }
  if (r.op === OPCODES.START && busy) return STATUS_CODES.BUSY;
  return STATUS_CODES.OK;
}

/** Says where an address falls, for messages: `ACT+0x12` or `0x3ffff (no region)`. */
export function describeAddress(layout: LinkLayout, address: number): string {
  const region = Math.floor(address / 2 ** layout.regionShift);
  const name = layout.regionNames[region];
  const offset = address % 2 ** layout.regionShift;
  return name ? `${name}+0x${offset.toString(16)}` : `0x${address.toString(16)} (no region)`;
}

/**
 * Splits the board's byte stream into replies: skips bytes until a reply sync, then reads the
 * header, data and CRC. A reply whose CRC does not check is returned with `crcOk: false`.
 */
export class ReplyParser {
  private buf: number[] = [];

  push(bytes: ArrayLike<number>): (Reply & { crcOk: boolean; bytes: number })[] {
    for (let i = 0; i < bytes.length; i++) this.buf.push(bytes[i]!);
    const out: (Reply & { crcOk: boolean; bytes: number })[] = [];
    for (;;) {
      const start = this.buf.indexOf(REPLY_SYNC);
      if (start < 0) { this.buf = []; break; }
      if (start > 0) this.buf = this.buf.slice(start);
      if (this.buf.length < REPLY_HEADER_BYTES) break;
      const words = this.buf[2]! | (this.buf[3]! << 8);
      // No reply is longer than MAX_WORDS: this sync byte was noise.
      if (words > MAX_WORDS) { this.buf = this.buf.slice(1); continue; }
      const total = REPLY_HEADER_BYTES + 4 * words + CRC_BYTES;
      if (this.buf.length < total) break;
      const frame = this.buf.slice(0, total);
      this.buf = this.buf.slice(total);
      let crc = CRC_INIT;
      for (let i = 1; i < total; i++) crc = crcByte(crc, frame[i]!);
      const data = new Uint32Array(words);
      for (let k = 0; k < words; k++) {
        const o = REPLY_HEADER_BYTES + 4 * k;
        data[k] = (frame[o]! | (frame[o + 1]! << 8) | (frame[o + 2]! << 16) | (frame[o + 3]! << 24)) >>> 0;
      }
      out.push({ status: frame[1]!, data, crcOk: crc === 0, bytes: total });
    }
    return out;
  }

  /** Bytes held of an incomplete reply. */
  get pending(): number {
    return this.buf.length;
  }

  clear(): void {
    this.buf = [];
  }
}

export function requireStatus(reply: Reply, what: string): void {
  if (reply.status !== STATUS_CODES.OK) throw new UserError(`${what}: the board answered ${statusName(reply.status)}`);
}
