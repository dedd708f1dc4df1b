/**
 * `smartdeal board`: a packed model and test images through the UART link to a real board
 * (`--port`) or to the engine board top on Verilator behind a pseudo-terminal (`--virtual`),
 * every result checked bit-exact against the golden model; prints accuracy, cycles per image
 * and the link's throughput.
 */
import { UserError } from '../../common/user-error.js';
import { imageSize } from '../../sw/data/dataset.js';
import { loadDataset } from '../../sw/data/load.js';
import { linkLayout } from '../link/protocol.js';
import { LinkClient } from './client.js';
import { loadPackedDir } from './packed-dir.js';
import { runOnBoard, type BoardImage, type BoardRunSummary } from './run-board.js';
import { openSerialPort, type ByteTransport } from './transport.js';
import { startVirtualBoard, VIRTUAL_CLOCKS_PER_BIT, type VirtualBoard } from './virtual-board.js';

export interface BoardCli {
  pack: string;
  config: string;
  port?: string;
  baud: string;
  virtual?: boolean;
  clocksPerBit?: string;
  images: string;
  first: string;
  data: string;
  replyTimeoutMs: string;
}

function positiveInt(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag}: expected an integer of at least ${min}, found ${JSON.stringify(text)}`);
  return n;
}

export function formatSummary(s: BoardRunSummary, where: string): string {
  const lines = [
    `board (${where}): ${s.images} images, ${s.bitExact}/${s.images} bit-exact with the golden model (${s.compared} values compared)` +
      (s.labelled ? `, accuracy ${((100 * s.correct) / s.labelled).toFixed(2)}% (${s.correct}/${s.labelled})` : ''),
    `  ${Math.round(s.cyclesPerImage)} cycles/image (engine cycle counter); model ${s.modelWords} host words loaded in ${s.loadSeconds.toFixed(2)} s`,
    `  link: ${s.linkBytes} bytes in ${s.seconds.toFixed(2)} s = ${Math.round(s.linkBytesPerSecond)} bytes/s, ${s.retries} retries`,
  ];
  for (const m of s.mismatches.slice(0, 10)) lines.push(`  mismatch: ${m}`);
  return lines.join('\n') + '\n';
}

export async function runBoardCommand(o: BoardCli): Promise<void> {
  if (!o.port === !o.virtual) throw new UserError('smartdeal board: give either --port <serial device> (a real board) or --virtual (the board top on Verilator)');
  const packed = loadPackedDir(o.pack, o.config);
  const count = positiveInt('--images', o.images);
  const first = positiveInt('--first', o.first, 0);
  const baud = positiveInt('--baud', o.baud);
  const test = loadDataset(o.data, 'test');
  const size = imageSize(test);
  const inputBytes = packed.manifest.act.input.bytes;
  if (size !== inputBytes) throw new UserError(`--data ${o.data}: images of ${size} pixels, the packed model takes ${inputBytes}`);
  if (first + count > test.count) throw new UserError(`--first ${first} --images ${count}: the ${o.data} test set has ${test.count} images`);
  const images: BoardImage[] = Array.from({ length: count }, (_, i) => ({
    pixels: test.pixels.subarray((first + i) * size, (first + i + 1) * size), label: test.labels[first + i]!,
  }));

  let board: VirtualBoard | undefined;
  let transport: ByteTransport | undefined;
  try {
    if (o.virtual) {
      const clocksPerBit = positiveInt('--clocks-per-bit', o.clocksPerBit ?? String(VIRTUAL_CLOCKS_PER_BIT), 4);
      process.stderr.write(`board: building the engine board top on Verilator (${clocksPerBit} clocks per bit)...\n`);
      board = await startVirtualBoard(packed.lc.config, { clocksPerBit });
    }
    const path = board ? board.path : o.port!;
    transport = await openSerialPort(path, baud);
    const client = new LinkClient(transport, linkLayout(packed.lc.config), { replyTimeoutMs: positiveInt('--reply-timeout-ms', o.replyTimeoutMs), retries: 3 });
    const summary = await runOnBoard(client, packed, images, { progress: true });
    process.stdout.write(formatSummary(summary, board ? `virtual, ${path}, ${board.cycles()} cycles simulated` : `${path} at ${baud} baud`));
    if (summary.bitExact !== summary.images) throw new UserError(`board: ${summary.images - summary.bitExact} of ${summary.images} images differ from the golden model (first: ${summary.mismatches[0]})`);
  } finally {
    await transport?.close();
    await board?.close();
  }
}
