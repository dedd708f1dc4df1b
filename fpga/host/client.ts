/**
 * The host side of the link protocol (fpga/link/protocol.ts): one request at a time, each answered
 * by one reply. A reply that fails its CRC, or a BAD_CRC / TIMEOUT answer (the request was damaged
 * on the way), sends the request again, up to `retries` times; any other error status, or no reply
 * within the timeout, is an error naming the request.
 */
import { UserError } from '../../common/user-error.js';
import {
  MAX_BYTE_WORDS, MAX_WORDS, OPCODES, PING_WORDS, PROTOCOL_WORD, ReplyParser, STATUS_CODES, STATUS_WORDS, describeAddress, encodeRequest, isBlockOp, opcodeName,
  statusName, type LinkLayout, type Reply, type Request,
} from '../link/protocol.js';
import type { ByteTransport } from './transport.js';

export interface LinkStats {
  bytesSent: number;
  bytesReceived: number;
  requests: number;
  /** Requests sent again after a damaged frame or reply. */
  retries: number;
}

export interface BoardStatus {
  busy: boolean;
  done: boolean;
  error: boolean;
  errorCode: number;
  result: number;
  layer: number;
}

export class LinkError extends UserError {}

export class LinkClient {
  readonly stats: LinkStats = { bytesSent: 0, bytesReceived: 0, requests: 0, retries: 0 };
  private readonly parser = new ReplyParser();
  private waiting: ((r: Reply & { crcOk: boolean }) => void) | undefined;
  private early: (Reply & { crcOk: boolean })[] = [];

  constructor(readonly transport: ByteTransport, readonly layout: LinkLayout, readonly opts: { replyTimeoutMs: number; retries: number } = { replyTimeoutMs: 3000, retries: 3 }) {
    transport.onData((bytes) => {
      this.stats.bytesReceived += bytes.length;
      for (const r of this.parser.push(bytes)) {
        if (this.waiting) { const w = this.waiting; this.waiting = undefined; w(r); } else this.early.push(r);
      }
    });
  }

  describe(r: Request): string {
    const op = opcodeName(r.op);
    return isBlockOp(r.op) ? `${op} ${describeAddress(this.layout, r.address)} x${r.words}` : op;
  }

  /** Sends raw bytes (tests: damaged frames) and waits for one reply. */
  async exchangeRaw(bytes: Uint8Array, what: string): Promise<Reply & { crcOk: boolean }> {
    // Whatever is left of an earlier exchange (a reply that came after its timeout) is not this one's.
    this.early = [];
    this.parser.clear();
    const reply = new Promise<Reply & { crcOk: boolean }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new LinkError(`no reply from ${this.transport.name} to ${what} within ${this.opts.replyTimeoutMs} ms (is the board programmed with the engine bitstream, and at the same baud rate?)`));
      }, this.opts.replyTimeoutMs);
      this.waiting = (r) => { clearTimeout(timer); resolve(r); };
    });
    this.stats.bytesSent += bytes.length;
    this.stats.requests++;
    await this.transport.write(bytes);
    return reply;
  }

  /** One request with retries; returns the reply when its status is OK. */
  async request(r: Request): Promise<Reply> {
    const what = this.describe(r);
    const frame = encodeRequest(r);
    for (let attempt = 0; ; attempt++) {
      const reply = await this.exchangeRaw(frame, what);
      const damaged = !reply.crcOk || reply.status === STATUS_CODES.BAD_CRC || reply.status === STATUS_CODES.TIMEOUT;
      if (damaged && attempt < this.opts.retries) {
        this.stats.retries++;
        continue;
      }
      if (!reply.crcOk) throw new LinkError(`${what}: reply failed its CRC ${attempt + 1} times (noisy line or wrong baud rate?)`);
      if (reply.status !== STATUS_CODES.OK) throw new LinkError(`${what}: the board answered ${statusName(reply.status)}${attempt ? ` (after ${attempt} retries)` : ''}`);
      return reply;
    }
  }

  /** Protocol word and configuration id: refuses a board built for another configuration. */
  async ping(): Promise<{ configId: number; maxWords: number }> {
    const r = await this.request({ op: OPCODES.PING, address: 0, words: 0 });
    if (r.data.length !== PING_WORDS || r.data[0] !== PROTOCOL_WORD) {
      throw new LinkError(`PING: ${this.transport.name} answered ${r.data.length} words starting 0x${(r.data[0] ?? 0).toString(16)}, expected protocol word 0x${PROTOCOL_WORD.toString(16)}`);
    }
    return { configId: r.data[1]!, maxWords: r.data[2]! };
  }

  async checkConfig(): Promise<void> {
    const { configId } = await this.ping();
    if (configId !== this.layout.configId) {
      throw new LinkError(`config hash mismatch: the board on ${this.transport.name} runs configuration id 0x${configId.toString(16).padStart(8, '0')}, the packed model needs 0x${this.layout.configId.toString(16).padStart(8, '0')} (rebuild the bitstream for this configuration, or pack for the board's)`);
    }
  }

  async write(address: number, words: ArrayLike<number>): Promise<void> {
    for (let at = 0; at < words.length; at += MAX_WORDS) {
      const n = Math.min(MAX_WORDS, words.length - at);
      const payload = Array.from({ length: n }, (_, i) => words[at + i]! >>> 0);
      await this.request({ op: OPCODES.WRITE, address: address + at, words: n, payload });
    }
  }

  /** Writes one host word per byte (bits 7..0), a quarter of WRITE's bytes on the line: ACT images. */
  async write8(address: number, bytes: ArrayLike<number>): Promise<void> {
    for (let at = 0; at < bytes.length; at += MAX_BYTE_WORDS) {
      const n = Math.min(MAX_BYTE_WORDS, bytes.length - at);
      const payload = Array.from({ length: n }, (_, i) => bytes[at + i]! & 0xff);
      await this.request({ op: OPCODES.WRITE8, address: address + at, words: n, payload });
    }
  }

  async read(address: number, count: number): Promise<Uint32Array> {
    const out = new Uint32Array(count);
    for (let at = 0; at < count; at += MAX_WORDS) {
      const n = Math.min(MAX_WORDS, count - at);
      out.set((await this.request({ op: OPCODES.READ, address: address + at, words: n })).data, at);
    }
    return out;
  }

  async start(): Promise<void> {
    await this.request({ op: OPCODES.START, address: 0, words: 0 });
  }

  async status(): Promise<BoardStatus> {
    const d = (await this.request({ op: OPCODES.STATUS, address: 0, words: 0 })).data;
    if (d.length !== STATUS_WORDS) throw new LinkError(`STATUS: expected ${STATUS_WORDS} words, got ${d.length}`);
    return { busy: (d[0]! & 1) !== 0, done: (d[0]! & 2) !== 0, error: (d[0]! & 4) !== 0, errorCode: d[1]!, result: d[2]!, layer: d[3]! };
  }
}
