/**
 * `smartdeal fpga`: synthesis, place and route, bitstream and report for the designs of a
 * configuration on a board (docs/fpga.md). Exits 1 naming the resource or the Fmax shortfall
 * when a design does not fit or misses its target.
 */
import { basename, extname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../common/user-error.js';
import { formatTable } from '../generator/lint/gate.js';
import { getBoard } from './boards.js';
import { runFpgaFlow } from './flow.js';
import type { FpgaReport } from './report.js';
import { topsOf } from './tops.js';
import { runBoardCommand, type BoardCli } from './host/board-command.js';

interface FpgaCli { config: string; board: string; top?: string; freq?: string; clockMhz?: string; out?: string; icetime: boolean }

function parseFreq(freq: string | undefined, flag = '--freq'): number | undefined {
  if (freq === undefined) return undefined;
  const f = Number(freq);
  if (!Number.isFinite(f) || f <= 0 || f > 1000) throw new UserError(`${flag}: expected a frequency in MHz above 0 and at most 1000, found ${JSON.stringify(freq)}`);
  return f;
}

function summaryRow(r: FpgaReport): string[] {
  const get = (name: string): string => { const x = r.resources.find((y) => y.name === name); return x ? `${x.used}/${x.available}` : '-'; };
  return [r.top, get('LUT4'), get('flip-flops'), get('EBR'), get('SPRAM'), get('DSP'),
    r.timing ? r.timing.fmaxMHz.toFixed(1) : '-', r.status === 'ok' ? 'ok' : r.failures.join('; ')];
}

export function registerFpgaCommands(program: Command): void {
  program.command('fpga')
    .description('yosys synth_ice40, nextpnr-ice40 with the board pins, icepack and icetime: a bitstream and an area/timing report per design')
    .option('--config <json>', 'examples or engine configuration', 'configs/examples.json')
    .option('--board <name>', 'icebreaker (iCE40UP5K) or hx8k (iCE40HX8K breakout)', 'icebreaker')
    .option('--top <name>', 'one design: a module of the configuration, or `board` (the board top), or `uart_bridge` (engine configurations: the bridge alone)')
    .option('--freq <mhz>', 'target clock frequency in MHz (default: --clock-mhz, else the board oscillator, 12)')
    .option('--clock-mhz <mhz>', 'engine configurations: run the engine board top from the PLL at this frequency (UART divisor from the achieved clock)')
    .option('--out <dir>', 'output folder (default build/fpga/<config name>-<board>), one subfolder per design')
    .option('--no-icetime', 'skip icetime (second timing opinion)')
    .action(async (o: FpgaCli) => {
      const board = getBoard(o.board);
      const clockMHz = parseFreq(o.clockMhz, '--clock-mhz');
      const freqMHz = parseFreq(o.freq) ?? clockMHz;
      const out = o.out ?? join('build', 'fpga', `${basename(o.config, extname(o.config))}-${board.name}${clockMHz ? `-${clockMHz}mhz` : ''}`);
      const tops = topsOf(o.config, board, o.top, clockMHz);
      const reports: FpgaReport[] = [];
      for (const [i, t] of tops.entries()) {
        const label = `[${i + 1}/${tops.length}] ${t.name}`;
        const report = await runFpgaFlow({
          spec: t.spec, board, outDir: join(out, t.name), icetime: o.icetime,
          ...(freqMHz !== undefined ? { freqMHz } : {}), ...(t.scan ? { scan: t.scan } : {}),
          onProgress: (msg) => process.stderr.write(`fpga ${label}: ${msg}\n`),
        });
        reports.push(report);
        process.stderr.write(`fpga ${label}: ${report.status} in ${report.seconds} s\n`);
      }
      process.stdout.write(formatTable(['design', 'LUT4', 'FF', 'EBR', 'SPRAM', 'DSP', 'Fmax MHz', 'result'], reports.map(summaryRow)) + '\n');
      process.stdout.write(`reports and bitstreams in ${relative(process.cwd(), out) || '.'}/<design>/ (report.md, report.json, <top>.bin)\n`);
      const failed = reports.filter((r) => r.status !== 'ok');
      if (failed.length) {
        throw new UserError(failed.map((r) => `${r.top} on ${board.name}: ${r.status}: ${r.failures.join('; ')} (see ${join(out, tops[reports.indexOf(r)]!.name, 'report.md')})`).join('\n'));
      }
    });

  program.command('board')
    .description('load a packed model and test images into the engine board over its UART link (a real board or --virtual), run them and check every result against the golden model')
    .option('--pack <dir>', 'packed model (smartdeal pack --out)', 'build/pack')
    .option('--config <json>', 'engine configuration the model was packed for (checked against the board)', 'configs/default.json')
    .option('--port <path>', 'serial device of a programmed board, e.g. /dev/ttyUSB1')
    .option('--baud <rate>', 'baud rate of --port', '115200')
    .option('--virtual', 'the engine board top on Verilator behind a pseudo-terminal instead of a real board')
    .option('--clocks-per-bit <n>', 'UART clocks per bit of the virtual board (at least 4)')
    .option('--images <n>', 'test images to run', '10')
    .option('--first <n>', 'first test image', '0')
    .option('--data <name>', 'data set of the test images', 'mnist')
    .option('--reply-timeout-ms <ms>', 'longest wait for a reply to one frame', '3000')
    .action(async (o: BoardCli) => {
      await runBoardCommand(o);
    });
}
