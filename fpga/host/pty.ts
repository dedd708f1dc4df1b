/**
 * A pseudo-terminal from libc (posix_openpt, grantpt, unlockpt, ptsname) through koffi: the
 * virtual board owns the master side (non-blocking reads and writes of raw bytes), the host tool
 * opens the slave path (/dev/pts/N) with serialport like any serial port.
 */
import koffi from 'koffi';

const O_RDWR = 0o2;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;

interface Libc {
  posix_openpt(flags: number): number;
  grantpt(fd: number): number;
  unlockpt(fd: number): number;
  ptsname(fd: number): string | null;
  read(fd: number, buf: Buffer, count: number): number;
  write(fd: number, buf: Buffer, count: number): number;
  close(fd: number): number;
}

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  libc = {
    posix_openpt: lib.func('int posix_openpt(int flags)'),
    grantpt: lib.func('int grantpt(int fd)'),
    unlockpt: lib.func('int unlockpt(int fd)'),
    ptsname: lib.func('const char *ptsname(int fd)'),
    read: lib.func('long read(int fd, void *buf, unsigned long count)'),
    write: lib.func('long write(int fd, const void *buf, unsigned long count)'),
    close: lib.func('int close(int fd)'),
  } as Libc;
  return libc;
}

export class PseudoTerminal {
  private readonly buf = Buffer.alloc(4096);
  private closed = false;

  private constructor(private readonly fd: number, readonly slavePath: string) {}

  static open(): PseudoTerminal {
    const c = loadLibc();
    const fd = c.posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) throw new Error('posix_openpt failed: no pseudo-terminal available (is /dev/ptmx there?)');
    const path = c.grantpt(fd) === 0 && c.unlockpt(fd) === 0 ? c.ptsname(fd) : null;
    if (!path) {
      c.close(fd);
      throw new Error('grantpt/unlockpt/ptsname failed on the new pseudo-terminal');
    }
    return new PseudoTerminal(fd, path);
  }

  /** Bytes the other side wrote since the last call (none when nothing waits or the slave is not open). */
  read(): Uint8Array {
    if (this.closed) return new Uint8Array(0);
    const n = loadLibc().read(this.fd, this.buf, this.buf.length);
    return n > 0 ? Uint8Array.from(this.buf.subarray(0, n)) : new Uint8Array(0);
  }

  /** Writes what the slave side can take now; returns how many bytes went. */
  write(bytes: Uint8Array): number {
    if (this.closed || bytes.length === 0) return 0;
    const b = Buffer.from(bytes);
    const n = loadLibc().write(this.fd, b, b.length);
    return Math.max(0, n);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    loadLibc().close(this.fd);
  }
}
