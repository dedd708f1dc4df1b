/**
 * The byte pipe under the link client: a serial port (a real board's FTDI port, or the virtual
 * board's pseudo-terminal) opened with serialport at 8N1, raw.
 */
import { SerialPort } from 'serialport';
import { UserError } from '../../common/user-error.js';

export interface ByteTransport {
  /** For messages: the port path. */
  readonly name: string;
  write(bytes: Uint8Array): Promise<void>;
  /** Every chunk of bytes received goes to `listener`. */
  onData(listener: (bytes: Uint8Array) => void): void;
  close(): Promise<void>;
}

async function portList(): Promise<string> {
  try {
    const ports = await SerialPort.list();
    return ports.length ? ports.map((p) => p.path + (p.manufacturer ? ` (${p.manufacturer})` : '')).join(', ') : 'none found';
  } catch {
    return 'could not list them';
  }
}

export async function openSerialPort(path: string, baudRate: number): Promise<ByteTransport> {
  const port = new SerialPort({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  } catch (e) {
    throw new UserError(`--port ${path}: cannot open the serial port (${(e as Error).message}); serial ports on this machine: ${await portList()}`);
  }
  return {
    name: path,
    write: (bytes) => new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (e) => (e ? reject(new UserError(`${path}: write failed: ${e.message}`)) : port.drain(() => resolve())));
    }),
    onData: (listener) => port.on('data', (d: Buffer) => listener(new Uint8Array(d))),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
