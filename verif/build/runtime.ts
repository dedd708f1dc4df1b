import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { contentHash } from './hash.js';
import { modelCxxFlags, runtimeOnlyFlags } from './flags.js';
import { withFileLock } from './lock.js';
import { ToolFailure, inParallel, runTool } from './run-tool.js';
import { templateDir } from './paths.js';
import type { Toolchain } from './toolchain.js';

/** Verilator's design-independent runtime, compiled once per Verilator version and flag set. */
export interface Runtime {
  key: string;
  dir: string;
  archive: string;
  /** Directory holding sd_pch.h and its .gch; pass `-I<dir> -include sd_pch.h`. */
  pchDir: string;
}

const RUNTIME_SOURCES = ['verilated.cpp', 'verilated_threads.cpp', 'verilated_fst_c.cpp'];

export function runtimeKey(tc: Toolchain): string {
  return contentHash({
    verilator: tc.verilatorVersion,
    cxx: tc.cxxVersion,
    flags: modelCxxFlags(tc),
    hooks: readFileSync(join(templateDir, 'sd_hooks.h'), 'utf8'),
    pch: readFileSync(join(templateDir, 'pch.h'), 'utf8'),
    sources: RUNTIME_SOURCES,
  });
}

export async function ensureRuntime(tc: Toolchain, cacheRoot: string, log: (line: string) => void): Promise<Runtime> {
  const key = runtimeKey(tc);
  const dir = join(cacheRoot, `runtime-${key}`);
  const runtime: Runtime = { key, dir, archive: join(dir, 'libsdverilated.a'), pchDir: join(dir, 'pch') };
  if (existsSync(join(dir, 'ready'))) return runtime;
  mkdirSync(cacheRoot, { recursive: true });
  await withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, 'ready'))) return;
    log(`building the Verilator runtime once (${tc.verilatorVersion}) into ${dir}`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'pch'), { recursive: true });
    const logPath = join(tmp, 'build.log');
    const flags = modelCxxFlags(tc);
    const hooks = join(tmp, 'sd_hooks.h');
    copyFileSync(join(templateDir, 'sd_hooks.h'), hooks);
    copyFileSync(join(templateDir, 'pch.h'), join(tmp, 'pch', 'sd_pch.h'));
    try {
      const jobs: Array<[string, string[]]> = RUNTIME_SOURCES.map((src) => [
        tc.cxx,
        [...flags, ...runtimeOnlyFlags(hooks), '-c', join(tc.includeDir, src), '-o', join(tmp, src.replace(/\.cpp$/, '.o'))],
      ]);
      jobs.push([tc.cxx, [...flags, '-x', 'c++-header', join(tmp, 'pch', 'sd_pch.h'), '-o', join(tmp, 'pch', 'sd_pch.h.gch')]]);
      await inParallel(jobs, tc.jobs, ([cmd, args]) => runTool(cmd, args, tmp, logPath));
      const objects = RUNTIME_SOURCES.map((s) => s.replace(/\.cpp$/, '.o'));
      await runTool('ar', ['rcs', 'libsdverilated.a', ...objects], tmp, logPath);
    } catch (e) {
      if (e instanceof ToolFailure) {
        throw new UserError(`building the Verilator runtime failed: ${e.message}; see ${logPath}\n${e.output.slice(-2000)}`);
      }
      throw e;
    }
    writeFileAtomic(join(tmp, 'ready'), `${tc.verilatorVersion}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }, (owner) => log(`waiting for ${owner} to finish building the Verilator runtime`));
  return runtime;
}
