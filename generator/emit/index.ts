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

export interface EmitOptions {
  /** `// file.ts:line` comments pointing at the TypeScript that made each line (default true). */
  locators?: boolean;
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
}

export function emitVerilog(design: Design, opts: EmitOptions = {}): EmittedVerilog {
  const locators = opts.locators ?? true;
  const files = design.modules.map((m) => ({ name: `${m.name}.v`, text: emitModule(m, locators) }));
  const ports: Record<string, PortInfo[]> = {};
  for (const m of design.modules) ports[m.name] = m.portInfo();
  return { top: design.top.name, files, ports };
}

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

/** Writes every file of the design into `dir` (atomically) and returns their paths, compile order. */
export function writeVerilog(design: Design, dir: string, opts: EmitOptions = {}): string[] {
  const out = emitVerilog(design, opts);
  return out.files.map((f) => {
    const path = join(dir, f.name);
    writeFileAtomic(path, f.text);
    return path;
  });
}

function formatParam(v: unknown): string {
  if (typeof v === 'bigint') return `${v}`;
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x));
}

export { printModule } from './verilog.js';
export type { PrintOptions, PrintedModule } from './verilog.js';
