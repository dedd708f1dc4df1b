/**
 * Elaborates every example of a configuration and writes its Verilog (atomically) into one
 * output folder; modules shared by several examples (e.g. one RAM) are written once.
 */
import { join } from 'node:path';
import { elaborate } from '../dsl/index.js';
import { emitVerilog, type EmittedVerilog } from '../emit/index.js';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { exampleSpec, type ExampleEntry } from '../examples/index.js';
import type { LintTarget } from './gate.js';

export interface GeneratedModule extends LintTarget {
  entry: ExampleEntry;
  /** The emitted text and port lists (for simulation without re-reading the files). */
  emitted: EmittedVerilog;
  /** Size of the design in DSL IR cells. */
  irCells: number;
}

export function generateExamples(entries: readonly ExampleEntry[], outDir: string): GeneratedModule[] {
  const written = new Map<string, string>();
  const modules: GeneratedModule[] = [];
  for (const entry of entries) {
    const design = elaborate(exampleSpec(entry));
    const emitted = emitVerilog(design);
    const files = emitted.files.map((f) => {
      const path = join(outDir, f.name);
      const before = written.get(path);
      if (before === undefined) {
        writeFileAtomic(path, f.text);
        written.set(path, f.text);
      } else if (before !== f.text) {
        throw new Error(`two examples emit different ${f.name}; module names must identify their parameters`);
      }
      return path;
    });
    if (modules.some((m) => m.top === emitted.top)) continue;   // the same entry listed twice
    modules.push({ entry, top: emitted.top, files, emitted, irCells: design.cellCount() });
  }
  return modules;
}
