/**
 * A byte-level model of the board's side of the link protocol, written from the protocol's rules
 * (protocol.ts) rather than from the RTL: the reference the bridge's tests compare every reply
 * and every bus write with. Feed it the bytes the board receives, and tell it when the line has
 * been quiet for the inter-byte timeout.
 */
import { CRC_INIT, crcByte } from './crc.js';
import {
  MAX_WORDS, OPCODES, PING_WORDS, PROTOCOL_WORD, REQUEST_HEADER_BYTES, REQUEST_SYNC, STATUS_ADDRESS, STATUS_CODES, STATUS_WORDS,
  checkRequest, encodeReply, isBlockOp, maxWordsOf, payloadBytes, type LinkLayout,
} from './protocol.js';

export interface BusModel {
  read(address: number): number;
  write(address: number, value: number): void;
  busy(): boolean;
}

type State = 'idle' | 'header' | 'payload' | 'crc' | 'drain';

export class LinkReference {
  private state: State = 'idle';
  private bytes: number[] = [];
  private need = 0;
  private drainStatus = 0;

  constructor(private readonly layout: LinkLayout, private readonly bus: BusModel) {}

  /** Replies the board sends after these bytes (each byte may complete a frame). */
  feed(bytes: ArrayLike<number>): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const r = this.byte(bytes[i]! & 0xff);
      if (r) out.push(r);
    }
    return out;
  }

  /** The line stayed quiet for the timeout: a frame in progress is dropped (or a drained one answered). */
  quiet(): Uint8Array | undefined {
    if (this.state === 'idle') return undefined;
    const status = this.state === 'drain' ? this.drainStatus : STATUS_CODES.TIMEOUT;
    this.state = 'idle';
    return encodeReply(status);
  }

  private byte(b: number): Uint8Array | undefined {
    switch (this.state) {
      case 'idle':
        if (b === REQUEST_SYNC) { this.state = 'header'; this.bytes = []; }
        return undefined;
      case 'drain':
        return undefined;
      case 'header':
        this.bytes.push(b);
        if (this.bytes.length === REQUEST_HEADER_BYTES - 1) this.afterHeader();
        return undefined;
      case 'payload':
        this.bytes.push(b);
        if (--this.need === 0) { this.state = 'crc'; this.need = 2; }
        return undefined;
      case 'crc':
        this.bytes.push(b);
        if (--this.need === 0) return this.execute();
        return undefined;
    }
  }

  private get op(): number { return this.bytes[0]!; }
  private get words(): number { return this.bytes[5]! | (this.bytes[6]! << 8); }
  private get address(): number { return (this.bytes[1]! | (this.bytes[2]! << 8) | (this.bytes[3]! << 16) | (this.bytes[4]! << 24)) >>> 0; }

  private afterHeader(): void {
    const known = (Object.values(OPCODES) as number[]).includes(this.op);
    if (!known || (isBlockOp(this.op) && (this.words < 1 || this.words > maxWordsOf(this.op)))) {
      this.drainStatus = known ? STATUS_CODES.BAD_LENGTH : STATUS_CODES.BAD_OPCODE;
      this.state = 'drain';
    } else if (payloadBytes(this.op, this.words) > 0) {
      this.state = 'payload';
      this.need = payloadBytes(this.op, this.words);
    } else {
      this.state = 'crc';
      this.need = 2;
    }
  }

  private execute(): Uint8Array {
    this.state = 'idle';
    let crc = CRC_INIT;
    for (const b of this.bytes) crc = crcByte(crc, b);
    if (crc !== 0) return encodeReply(STATUS_CODES.BAD_CRC);
    const req = { op: this.op, address: this.address, words: this.words };
    const status = checkRequest(this.layout, req, this.bus.busy());
    if (status !== STATUS_CODES.OK) return encodeReply(status);
    switch (this.op) {
      case OPCODES.WRITE:
        for (let i = 0; i < req.words; i++) {
          const o = REQUEST_HEADER_BYTES - 1 + 4 * i;
          this.bus.write(req.address + i, (this.bytes[o]! | (this.bytes[o + 1]! << 8) | (this.bytes[o + 2]! << 16) | (this.bytes[o + 3]! << 24)) >>> 0);
        }
        return encodeReply(STATUS_CODES.OK);
      case OPCODES.WRITE8:
        for (let i = 0; i < req.words; i++) this.bus.write(req.address + i, this.bytes[REQUEST_HEADER_BYTES - 1 + i]!);
        return encodeReply(STATUS_CODES.OK);
      case OPCODES.READ:
        return encodeReply(STATUS_CODES.OK, Array.from({ length: req.words }, (_, i) => this.bus.read(req.address + i)));
      case OPCODES.STATUS:
        return encodeReply(STATUS_CODES.OK, Array.from({ length: STATUS_WORDS }, (_, i) => this.bus.read(STATUS_ADDRESS + i)));
      case OPCODES.START:
        this.bus.write(0, 1);
        return encodeReply(STATUS_CODES.OK);
      default: {
        const ping = [PROTOCOL_WORD, this.layout.configId, MAX_WORDS];
        return encodeReply(STATUS_CODES.OK, ping.slice(0, PING_WORDS));
      }
    }
  }
}
