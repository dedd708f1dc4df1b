/**
 * Module definitions: a function of generator parameters that builds a module. Calling the
 * definition with parameters gives a spec; each distinct parameter set is elaborated once and
 * gets a Verilog name carrying its values (e.g. fifo_w8_d16).
 */
import { createHash } from 'node:crypto';
import type { ModuleBuilder } from './module.js';

export type BuildFn<P, IO> = (m: ModuleBuilder, params: P) => IO;

export interface DefineOptions<P> {
  /** Overrides the Verilog name for a parameter set (must be unique per set). */
  name?: (params: P) => string;
}

export interface ModuleDef<P, IO> {
  (params: P): ModuleSpec<IO>;
  readonly baseName: string;
}

export interface ModuleSpec<IO = unknown> {
  readonly name: string;
  /** Canonical text of the parameters, the deduplication key. */
  readonly key: string;
  readonly baseName: string;
  readonly params: unknown;
  readonly build: BuildFn<any, IO>;
  /** Phantom field carrying the io type. */
  readonly __io?: IO;
}

export function defineModule<P = void, IO = void>(baseName: string, build: BuildFn<P, IO>, opts: DefineOptions<P> = {}): ModuleDef<P, IO> {
  const def = (params: P): ModuleSpec<IO> => ({
    name: opts.name ? opts.name(params) : defaultModuleName(baseName, params),
    key: canonical(params),
    baseName,
    params,
    build,
  });
  Object.defineProperty(def, 'baseName', { value: baseName });
  return def as ModuleDef<P, IO>;
}

/** Stable text of a parameter value (object keys sorted). */
export function canonical(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function shortHash(text: string, chars = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

/** base + `_<key initials><value>` per parameter, e.g. {width: 8, depth: 16} -> fifo_w8_d16. */
export function defaultModuleName(base: string, params: unknown): string {
  if (params === undefined || params === null) return base;
  if (typeof params !== 'object') return `${base}_${formatValue(params)}`;
  const keys = Object.keys(params);
  if (keys.length === 0) return base;
  const abbrev = keys.map(initials);
  const unique = new Set(abbrev).size === abbrev.length;
  const parts = keys.map((k, i) => `${unique ? abbrev[i] : k}${formatValue((params as Record<string, unknown>)[k])}`);
  return `${base}_${parts.join('_')}`;
}

function initials(key: string): string {
  const words = key.split(/(?=[A-Z])|_/).filter(Boolean);
  return words.map((w) => w[0]!.toLowerCase()).join('');
}

function formatValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v).replace('-', 'm').replace('.', 'p');
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string' && /^[A-Za-z0-9_]{1,16}$/.test(v)) return v;
  return shortHash(canonical(v));
}
