import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';

/** The external tools a model build depends on; their versions are part of every cache key. */
export interface Toolchain {
  verilator: string;
  verilatorVersion: string;
  /** Verilator's runtime sources and headers (verilated.cpp, verilated.h, ...). */
  includeDir: string;
  cxx: string;
  cxxVersion: string;
  jobs: number;
}

let cached: Toolchain | undefined;

export function toolchain(): Toolchain {
  if (cached) return cached;
  const verilator = process.env.SD_VERILATOR ?? 'verilator';
  const cxx = process.env.CXX ?? 'g++';
  const verilatorVersion = firstLine(verilator, ['--version'], 'Verilator (install it with `make deps`)');
  const root = firstLine(verilator, ['--getenv', 'VERILATOR_ROOT'], 'Verilator');
  const includeDir = join(root, 'include');
  if (!existsSync(join(includeDir, 'verilated.cpp'))) {
    throw new UserError(`Verilator runtime not found: expected ${join(includeDir, 'verilated.cpp')} (VERILATOR_ROOT=${root})`);
  }
  const cxxVersion = firstLine(cxx, ['--version'], `the C++ compiler ${cxx}`);
  cached = { verilator, verilatorVersion, includeDir, cxx, cxxVersion, jobs: Math.max(1, availableParallelism()) };
  return cached;
}

function firstLine(command: string, args: string[], what: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch (e) {
    throw new UserError(`cannot run ${command} ${args.join(' ')}: ${what} is needed to build simulation models (${(e as Error).message.split('\n')[0]})`);
  }
}
