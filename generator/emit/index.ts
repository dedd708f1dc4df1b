/**
 * The Verilog emitter: one `<module>.v` file per module of a design, byte-identical for
 * identical input. `writeVerilog` writes them atomically.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import type { Design } from '../dsl/elaborate.js';
import type { ModuleIR, PortInfo } from '../dsl/ir.js';
import { printModule } from './verilog.js';
import { renderTemplate } from './templates.js';
import { simModelText } from '../dsl/blackbox.js';

export interface EmitOptions {
  /** `// file.ts:line` comments pointing at the TypeScript that made each line (default true). */
  locators?: boolean;
  /**
   * Put the black boxes' behavioural models first in `files` (for Verilator / Icarus builds).
   * Default false: `files` is what synthesis reads, where the vendor cells are the real ones.
   */
  simModels?: boolean;
}

export interface VerilogFile {
  name: string;
  text: string;
}

export interface EmittedVerilog {
  /** Name of the top module. */
  top: string;
  /** One file per module, children before parents (a valid compile order). */
  files: VerilogFile[];
  /** Port lists per module name, for harnesses that drive ports by name. */
  ports: Record<string, PortInfo[]>;
  /** Simulation models of the black boxes that have one (`<cell>.sim-model.v`), never for synthesis. */
  simModels: VerilogFile[];
}

export function emitVerilog(design: Design, opts: EmitOptions = {}): EmittedVerilog {
  const locators = opts.locators ?? true;
  // Black boxes get no file: synthesis knows the cell, simulation uses its model.
  const files = design.modules.filter((m) => !m.blackBox).map((m) => ({ name: `${m.name}.v`, text: emitModule(m, locators) }));
  const simModels = design.modules.flatMap((m) => {
    const text = m.blackBox ? simModelText(m.blackBox) : undefined;
    return text === undefined ? [] : [{ name: simModelFileName(m.name), text: `${SIM_MODEL_HEADER(m.name)}${text}` }];
  });
  const ports: Record<string, PortInfo[]> = {};
  for (const m of design.modules) ports[m.name] = m.portInfo();
  return { top: design.top.name, files: opts.simModels ? [...simModels, ...files] : files, ports, simModels };
}

/** The file a black box's simulation model is written to, beside the design. */
export function simModelFileName(cell: string): string {
  return `${cell}.sim-model.v`;
}

const SIM_MODEL_HEADER = (cell: string): string =>
  `// Behavioural SIMULATION model of the vendor cell ${cell}, added by the SmartDeal DSL for Verilator/Icarus.\n// Not for synthesis: yosys must see the real ${cell} cell.\n`;

export function emitModule(m: ModuleIR, locators = true): string {
  const printed = printModule(m, { locators });
  return renderTemplate('module.v.hbs', {
    name: m.name,
    baseName: m.baseName,
    params: Object.keys(m.params).map((key) => ({ key, value: formatParam(m.params[key]) })),
    verilogParams: m.verilogParams,
    portList: printed.portList,
    body: printed.body,
  });
}

/**
 * Writes every file of the design into `dir` (atomically) and returns their paths, compile order.
 * Black box simulation models are always written beside them (`<cell>.sim-model.v`) but only
 * returned with `simModels: true`, so the list stays what synthesis should read.
 */
export function writeVerilog(design: Design, dir: string, opts: EmitOptions = {}): string[] {
  const out = emitVerilog(design, opts);
  const write = (f: VerilogFile): string => {
    const path = join(dir, f.name);
    writeFileAtomic(path, f.text);
    return path;
  };
  if (!opts.simModels) out.simModels.forEach(write);
  return out.files.map(write);
}

function formatParam(v: unknown): string {
  if (typeof v === 'bigint') return `${v}`;
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x));
}

export { printModule } from './verilog.js';
export type { PrintOptions, PrintedModule } from './verilog.js';
