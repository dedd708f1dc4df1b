/**
 * The open-tool flow for one design on one board: DSL -> Verilog -> yosys synth_ice40 ->
 * capacity check -> nextpnr-ice40 (pins, target frequency) -> timing check -> icepack .bin,
 * icetime as a second timing opinion. Tools work in a scratch folder; every result is then
 * renamed into the output folder (atomic per file). A failing design leaves no .bin behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';
import { elaborate, type ModuleSpec } from '../generator/dsl/index.js';
import { writeVerilog } from '../generator/emit/index.js';
import type { Board } from './boards.js';
import type { ScanCost } from './board/scan-wrapper.js';
import { renderPcf } from './pcf.js';
import { nextpnrArgs, placeAndRoute } from './pnr.js';
import { capacityFailures, formatReportMarkdown, resourceRows, timingFailure, type FpgaReport } from './report.js';
import { runTool } from './run-tool.js';
import { synthesize, yosysScript } from './synth.js';

export interface FpgaFlowOptions {
  spec: ModuleSpec<unknown>;
  board: Board;
  /** Target clock frequency (default: the board's oscillator). */
  freqMHz?: number;
  /** Output folder of this design (Verilog under rtl/, logs, netlist, .asc, .bin, report.json/.md). */
  outDir: string;
  scan?: ScanCost;
  /** Progress lines: the tool being run and nextpnr's phases. */
  onProgress?: (msg: string) => void;
  /** Run icetime after routing (default true). */
  icetime?: boolean;
}

export async function runFpgaFlow(o: FpgaFlowOptions): Promise<FpgaReport> {
  const started = Date.now();
  const progress = o.onProgress ?? (() => {});
  const freqMHz = o.freqMHz ?? o.board.clockHz / 1e6;
  mkdirSync(o.outDir, { recursive: true });
  const work = mkdtempSync(join(o.outDir, '.work-'));
  try {
    const design = elaborate(o.spec);
    const top = design.top.name;
    const files = writeVerilog(design, join(o.outDir, 'rtl'));
    const pcf = join(work, `${top}.pcf`);
    writeFileSync(pcf, renderPcf(o.board, top, design.ports()));

    const script = join(work, 'synth.ys');
    const netlist = join(work, `${top}.json`);
    const stat = join(work, 'stat.json');
    writeFileSync(script, yosysScript(files, top, o.board, netlist, stat));
    progress(`yosys: synth_ice40 -top ${top}`);
    const synth = await synthesize(script, stat, join(work, 'yosys.log'));
    const commands = [`yosys -s ${join(o.outDir, 'synth.ys')}`];
    if (!synth.resources) throw new Error(`yosys failed on generated Verilog (${synth.run.command}):\n${tail(synth.run.log)}`);

    const report: FpgaReport = {
      top, board: o.board.name, device: `${o.board.device}-${o.board.package}`, status: 'ok', failures: [],
      resources: resourceRows(synth.resources, o.board.capacity), synth: synth.resources, files: {}, commands, seconds: 0,
    };
    if (o.scan) report.scan = o.scan;
    report.failures = capacityFailures(report.resources);
    if (report.failures.length) {
      report.status = 'does-not-fit';   // nextpnr would only fail later, and slowly
    } else {
      const asc = join(work, `${top}.asc`);
      const args = nextpnrArgs(o.board, netlist, pcf, asc, freqMHz);
      progress(`nextpnr-ice40: ${o.board.device} ${o.board.package} at ${freqMHz} MHz`);
      const pnr = await placeAndRoute(args, (msg) => progress(`nextpnr: ${msg}`));
      writeFileSync(join(work, 'nextpnr.log'), pnr.run.log);
      commands.push(`nextpnr-ice40 ${args.join(' ')}`.replaceAll(work, o.outDir));
      report.utilisation = pnr.utilisation;
      report.resources = resourceRows(synth.resources, o.board.capacity, pnr.utilisation);
      report.failures = capacityFailures(report.resources);
      if (report.failures.length) report.status = 'does-not-fit';
      else if (pnr.error || pnr.fmaxMHz === undefined) {
        report.status = 'pnr-failed';
        report.failures = [pnr.error ?? 'nextpnr reported no Fmax'];
      } else {
        report.timing = { targetMHz: freqMHz, fmaxMHz: pnr.fmaxMHz, ...(pnr.criticalPath ? { criticalPath: pnr.criticalPath } : {}) };
        if (o.icetime ?? true) {
          const it = await runTool('icetime', ['-d', o.board.icetimeDevice, '-P', o.board.package, '-p', pcf, '-t', asc]);
          writeFileSync(join(work, 'icetime.log'), it.log);
          const mhz = /Total path delay: [\d.]+ ns \(([\d.]+) MHz\)/.exec(it.log);
          if (mhz) report.timing.icetimeMHz = Number(mhz[1]);
          commands.push(it.command.replaceAll(work, o.outDir));
        }
        const miss = timingFailure(pnr.fmaxMHz, freqMHz);
        if (miss) {
          report.status = 'misses-timing';
          report.failures = [miss];
        } else {
          progress('icepack');
          const pack = await runTool('icepack', [asc, join(work, `${top}.bin`)]);
          if (!pack.ok) throw new Error(`icepack failed: ${pack.command}\n${tail(pack.log)}`);
          commands.push(pack.command.replaceAll(work, o.outDir));
        }
      }
    }
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    publish(work, o.outDir, top, report);
    writeFileAtomic(join(o.outDir, 'report.md'), formatReportMarkdown(report, o.board.title));
    writeFileAtomic(join(o.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Renames the tool outputs into the output folder; a failed run removes a stale bitstream. */
function publish(work: string, outDir: string, top: string, report: FpgaReport): void {
  const names = [`${top}.pcf`, 'synth.ys', 'yosys.log', `${top}.json`, 'nextpnr.log', `${top}.asc`, 'icetime.log', `${top}.bin`];
  const bin = join(outDir, `${top}.bin`);
  if (report.status !== 'ok' && existsSync(bin)) rmSync(bin);
  for (const name of names) {
    const from = join(work, name);
    if (!existsSync(from)) continue;
    if (name === 'synth.ys') writeFileSync(from, readFileSync(from, 'utf8').replaceAll(work, outDir));
    renameSync(from, join(outDir, name));
    report.files[name.replace(`${top}.`, '').replace('.', '_')] = name;
  }
}

function tail(text: string, lines = 20): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
