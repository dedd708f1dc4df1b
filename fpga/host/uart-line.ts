/**
 * Both ends of a UART line (8N1, least significant bit first, idle high), advanced one clock
 * cycle at a time in lockstep with a simulated design: `UartLineDriver` turns queued bytes into
 * line levels for the design's rx pin; `UartLineSampler` recovers bytes from its tx pin by
 * sampling the middle of each bit, as a real receiver does.
 */
export class UartLineDriver {
  private readonly queue: number[] = [];
  private head = 0;
  /** Bit of the current frame (0 start, 1..8 data, 9 stop), or -1 when idle. */
  private bit = -1;
  private cycleInBit = 0;
  private current = 0;

  constructor(readonly clocksPerBit: number) {}

  send(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.queue.push(bytes[i]! & 0xff);
  }

  /** Bytes queued or on the line. */
  get pending(): number {
    return this.queue.length - this.head + (this.bit >= 0 ? 1 : 0);
  }

  /** The line level for the next cycle. */
  next(): number {
    if (this.bit < 0) {
      if (this.head >= this.queue.length) return 1;
      this.current = this.queue[this.head++]!;
      if (this.head > 4096) { this.queue.splice(0, this.head); this.head = 0; }
      this.bit = 0;
      this.cycleInBit = 0;
    }
    const level = this.bit === 0 ? 0 : this.bit === 9 ? 1 : (this.current >> (this.bit - 1)) & 1;
    if (++this.cycleInBit === this.clocksPerBit) {
      this.cycleInBit = 0;
      this.bit = this.bit === 9 ? -1 : this.bit + 1;
    }
    return level;
  }
}

export class UartLineSampler {
  /** Cycles until the next sample, or -1 while waiting for a start bit. */
  private countdown = -1;
  private bit = 0;
  private shift = 0;
  /** Frames whose stop bit read 0. */
  framingErrors = 0;
  /** Cycles since the last start bit (how long the line has been quiet). */
  quietCycles = 0;

  constructor(readonly clocksPerBit: number, private readonly onByte: (byte: number) => void) {}

  get receiving(): boolean {
    return this.countdown >= 0;
  }

  /** Feeds the level the line had during one cycle. */
  sample(level: number): void {
    if (this.countdown < 0) {
      this.quietCycles++;
      if (level === 0) {
        this.countdown = Math.floor((this.clocksPerBit - 1) / 2);
        this.bit = 0;
        this.quietCycles = 0;
      }
      return;
    }
    if (this.countdown-- > 0) return;
    this.countdown = this.clocksPerBit - 1;
    if (this.bit === 0) {
      if (level !== 0) this.countdown = -1;   // a glitch, not a start bit
    } else if (this.bit <= 8) {
      this.shift = (this.shift >> 1) | (level << 7);
    } else {
      if (level === 1) this.onByte(this.shift & 0xff);
      else this.framingErrors++;
      this.countdown = -1;
      return;
    }
    this.bit++;
  }
}
