/**
 * The host tool's client against the engine board top on Verilator behind a pseudo-terminal (the
 * virtual board): a random packed model and two MNIST images with the shipped model run
 * bit-exact with the golden model (logits, label, status and all 16 counters); damaged frames
 * sent through the same pty get their error replies and the next good frame works; a board built
 * for another configuration is refused by name; the CLI names a missing port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../common/rng.js';
import { E2E_SPECS } from '../../generator/engine/host-check.js';
import { imageSize } from '../../sw/data/dataset.js';
import { loadDataset } from '../../sw/data/load.js';
import { loadConfig } from '../../sw/engine/config.js';
import { writePackedImages } from '../../sw/engine/images.js';
import { packModel } from '../../sw/engine/pack.js';
import { randomImages, randomIntModel } from '../../sw/engine/random-model.js';
import { FLOW_CALIBRATION_IMAGES, SHIPPED_CHECKPOINT, loadSdCheckpoint } from '../../sw/flow/model.js';
import { calibrationImages } from '../../sw/quant/cli.js';
import type { IntModel } from '../../sw/quant/int-model.js';
import { quantizeModel } from '../../sw/quant/quantize.js';
import { LinkClient } from '../host/client.js';
import { loadPackedDir, type PackedDir } from '../host/packed-dir.js';
import { runOnBoard } from '../host/run-board.js';
import { openSerialPort, type ByteTransport } from '../host/transport.js';
import { startVirtualBoard, type VirtualBoard } from '../host/virtual-board.js';
import { PseudoTerminal } from '../host/pty.js';
import { OPCODES, STATUS_CODES, encodeRequest, linkLayout, statusName } from '../link/protocol.js';

const CONFIG = 'configs/icebreaker.json';
const SEED = 606;
const root = mkdtempSync(join(process.cwd(), 'build', 'fpga-board-test-'));
const lc = loadConfig(CONFIG);
const layout = linkLayout(lc.config);

function packTo(model: IntModel, name: string): PackedDir {
  const dir = join(root, name);
  writePackedImages(packModel(model, lc, name), dir, name);
  return loadPackedDir(dir, CONFIG);
}

describe('smartdeal board against the virtual board', () => {
  let board: VirtualBoard;
  let transport: ByteTransport;
  let client: LinkClient;
  let mnist: PackedDir;

  beforeAll(async () => {
    board = await startVirtualBoard(lc.config);
    transport = await openSerialPort(board.path, 115_200);
    client = new LinkClient(transport, layout, { replyTimeoutMs: 5000, retries: 3 });
  }, 180_000);
  afterAll(async () => {
    await transport?.close();
    await board?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a random packed model, bit-exact with the golden model', async () => {
    const rng = new Rng(SEED);
    const model = randomIntModel(rng, { spec: E2E_SPECS.mixed, sd: true, groupSize: 4, blockRows: 6, pruneFraction: 0.3 });
    const p = packTo(model, 'random');
    const [C, H, W] = E2E_SPECS.mixed.inputShape;
    const images = randomImages(rng, 2, C * H * W).map((pixels) => ({ pixels }));
    const s = await runOnBoard(client, p, images);
    expect(s.mismatches.slice(0, 10), `seed ${SEED}`).toEqual([]);
    expect(s.bitExact).toBe(2);
    console.log(`compared ${s.compared} values (logits, label, status, 16 counters) of 2 random images with the golden model over the virtual board's link (seed ${SEED}, ${s.modelWords} model words, ${Math.round(s.cyclesPerImage)} cycles/image, ${s.linkBytes} link bytes)`);
  }, 120_000);

  test('two MNIST test images with the shipped model', async () => {
    const ckpt = loadSdCheckpoint(SHIPPED_CHECKPOINT);
    const train = loadDataset('mnist', 'train');
    const model = quantizeModel(ckpt.sd!.model, { calibration: calibrationImages(train, FLOW_CALIBRATION_IMAGES), sd: Object.values(ckpt.sd!.layers) });
    mnist = packTo(model, 'mnist');
    const test = loadDataset('mnist', 'test');
    const size = imageSize(test);
    const images = [0, 1].map((i) => ({ pixels: test.pixels.subarray(i * size, (i + 1) * size), label: test.labels[i]! }));
    const s = await runOnBoard(client, mnist, images);
    expect(s.mismatches.slice(0, 10)).toEqual([]);
    expect(s.bitExact).toBe(2);
    console.log(`compared ${s.compared} values of MNIST test images 0 and 1 with the golden model over the link: ${s.correct}/2 labels right, ${Math.round(s.cyclesPerImage)} cycles/image`);
  }, 120_000);

  test('damaged frames get error replies and the next good frame works', async () => {
    const seen: string[] = [];
    const expectReply = async (bytes: Uint8Array, what: string, status: number): Promise<void> => {
      const r = await client.exchangeRaw(bytes, what);
      expect(r.crcOk, what).toBe(true);
      expect(statusName(r.status), what).toBe(statusName(status));
      seen.push(`${what}: ${statusName(r.status)}`);
      // The next good frame works.
      expect((await client.ping()).configId, `PING after ${what}`).toBe(layout.configId);
    };
    const good = encodeRequest({ op: OPCODES.READ, address: layout.regionWords[0]! - 4, words: 4 });
    const badCrc = Uint8Array.from(good);
    badCrc[badCrc.length - 1]! ^= 0x40;
    await expectReply(badCrc, 'READ with a corrupted CRC', STATUS_CODES.BAD_CRC);
    const write = encodeRequest({ op: OPCODES.WRITE, address: 1 << layout.regionShift, words: 8, payload: [1, 2, 3, 4, 5, 6, 7, 8] });
    await expectReply(write.subarray(0, 20), 'WRITE truncated after 20 of 44 bytes', STATUS_CODES.TIMEOUT);
    await expectReply(encodeRequest({ op: OPCODES.READ, address: 15 << layout.regionShift, words: 1 }), 'READ outside every region', STATUS_CODES.BAD_ADDRESS);
    await expectReply(Uint8Array.from([0x13, 0x37, 0xa5, 0x99, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'garbage with a sync byte and an unknown opcode', STATUS_CODES.BAD_OPCODE);
    // While the engine runs (the MNIST model is loaded), memory regions answer BUSY.
    expect(mnist, 'the MNIST test ran first').toBeDefined();
    await client.start();
    await expectReply(encodeRequest({ op: OPCODES.WRITE, address: 1 << layout.regionShift, words: 1, payload: [0] }), 'WRITE to DESC while running', STATUS_CODES.BUSY);
    while ((await client.status()).busy) { /* wait for the run to end */ }
    console.log(`compared ${seen.length} error replies and ${seen.length} following PINGs over the pty: ${seen.join('; ')}`);
  }, 60_000);

  test('a board built for another configuration is refused by name', async () => {
    const dense = linkLayout(loadConfig('configs/dense.json').config);
    const other = new LinkClient(transport, dense, { replyTimeoutMs: 5000, retries: 0 });
    await expect(other.checkConfig()).rejects.toThrow(/^config hash mismatch: the board on \/dev\/pts\/\d+ runs configuration id 0x[0-9a-f]{8}, the packed model needs 0x[0-9a-f]{8}/);
    console.log('compared the configuration id the board reports with a dense configuration: refused');
  }, 30_000);
});

describe('smartdeal board CLI', () => {
  const cli = (...args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, ['bin/smartdeal.js', 'board', ...args], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  };

  test('names the missing choice of board, a missing pack, a port that does not exist and one that never answers', async () => {
    const none = cli('--pack', 'build/nowhere');
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe('smartdeal: smartdeal board: give either --port <serial device> (a real board) or --virtual (the board top on Verilator)');
    const noPack = cli('--pack', 'build/nowhere', '--port', '/dev/ttyNOPE9');
    expect(noPack.stderr).toContain('--pack build/nowhere: no manifest.json there');
    await expect(openSerialPort('/dev/ttyNOPE9', 115_200)).rejects.toThrow(/^--port \/dev\/ttyNOPE9: cannot open the serial port \(.+\); serial ports on this machine: /);
    // A port with nothing behind it: the request times out, naming the port and the frame.
    const silent = PseudoTerminal.open();
    const t = await openSerialPort(silent.slavePath, 115_200);
    try {
      const c = new LinkClient(t, layout, { replyTimeoutMs: 300, retries: 0 });
      await expect(c.read(layout.regionNames.indexOf('ACT') << layout.regionShift, 2)).rejects.toThrow(
        new RegExp(`^no reply from ${silent.slavePath} to READ ACT\\+0x0 x2 within 300 ms \\(is the board programmed`));
    } finally {
      await t.close();
      silent.close();
    }
    console.log('compared 4 error messages (CLI without a board, CLI without a pack, a missing serial port, a silent port)');
  }, 60_000);
});
