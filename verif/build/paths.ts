import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Where Verilated models are cached; SD_VERILATOR_CACHE overrides it (tests use a private one). */
export function defaultCacheRoot(): string {
  return process.env.SD_VERILATOR_CACHE ?? join(repoRoot, 'build', 'verilator');
}

export const templateDir = join(repoRoot, 'templates', 'verilator');
