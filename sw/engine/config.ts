/**
 * The engine configuration (docs/engine.md "Parameters"): one typed object that drives the RTL
 * generator, the packer and the golden model. Configurations are JSON files (configs/*.json); every
 * field is required, so the numbers live in the file and nowhere else. A mistake is reported as
 * `configs/x.json: peCols: expected a power of two from 1 to 16, found 3`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../../common/user-error.js';
import { readJsonFile } from '../../common/json-file.js';

export const LAYER_KINDS = ['conv3', 'conv1', 'linear', 'maxpool2'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

export const ENGINE_MODES = ['sd', 'dense'] as const;
export type EngineMode = (typeof ENGINE_MODES)[number];

export interface EngineConfig {
  /** `sd`: Ce codes + row index + B through the rebuild engine; `dense`: int8 weight words. */
  mode: EngineMode;
  /** PE rows = output channels computed in parallel (P_o). */
  peRows: number;
  /** PE columns = output pixels computed in parallel (P_c); also the number of activation banks. */
  peCols: number;
  /** Basis size S (3: a Ce row covers the 3 columns of a 3x3 kernel row). */
  basis: number;
  /** Exponent field bits of a Ce code (code = sign bit above the field; field 0 = zero). */
  ceExpBits: number;
  /** Bits of the per-block rebuild shift R. */
  rebuildShiftBits: number;
  /** Bits of the block number carried by an IDX entry (at most 2^bits blocks per output channel). */
  blockIndexBits: number;
  /** Activation and weight widths (int8 by the arithmetic contract). */
  actBits: number;
  weightBits: number;
  /** Accumulator width (signed); a layer whose accumulator bound exceeds it is refused. */
  accBits: number;
  /** Width of the unsigned requantization multiplier M. */
  multiplierBits: number;
  /** Words (bytes) per activation bank; there are peCols banks. */
  actDepth: number;
  /** Depths in words of the other memories (CE, IDX and B in sd mode, W in dense mode). */
  ceDepth: number;
  idxDepth: number;
  bDepth: number;
  wDepth: number;
  biasDepth: number;
  quantDepth: number;
  descDepth: number;
  logitsDepth: number;
  /** Layer kinds the controller supports. */
  layerKinds: LayerKind[];
  /**
   * Bits of each CSR performance counter (they wrap). Optional in the file: absent means 32, and
   * a value of 32 is left out of the canonical JSON, so older configurations keep their hash.
   */
  counterBits: number;
}

/** A validated configuration, where it came from, and its hash. */
export interface LoadedConfig {
  config: EngineConfig;
  /** File name used in messages (`configs/x.json`). */
  source: string;
  /** SHA-256 of the canonical JSON, hex. */
  hash: string;
}

interface FieldRule {
  schema: z.ZodType;
  /** What the field must be, as printed after "expected". */
  expected: string;
}

const isPow2 = (v: number): boolean => Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0;

function intIn(lo: number, hi: number): FieldRule {
  return { schema: z.number().int().min(lo).max(hi), expected: lo === hi ? `${lo}` : `an integer from ${lo} to ${hi}` };
}

function pow2In(lo: number, hi: number): FieldRule {
  return { schema: z.number().refine((v) => isPow2(v) && v >= lo && v <= hi), expected: `a power of two from ${lo} to ${hi}` };
}

const DEPTH = intIn(1, 1 << 20);

/** Field rules in the order the fields are documented (and printed in canonical JSON: sorted). */
const RULES: Record<keyof EngineConfig, FieldRule> = {
  mode: { schema: z.enum(ENGINE_MODES), expected: `one of ${ENGINE_MODES.map((m) => `"${m}"`).join(', ')}` },
  peRows: intIn(1, 32),
  peCols: pow2In(1, 16),
  basis: intIn(3, 3),
  ceExpBits: intIn(1, 4),
  rebuildShiftBits: intIn(1, 5),
  blockIndexBits: intIn(1, 8),
  actBits: intIn(8, 8),
  weightBits: intIn(8, 8),
  accBits: intIn(16, 32),
  multiplierBits: intIn(8, 22),
  actDepth: pow2In(16, 1 << 16),
  ceDepth: DEPTH,
  idxDepth: DEPTH,
  bDepth: DEPTH,
  wDepth: DEPTH,
  biasDepth: DEPTH,
  quantDepth: DEPTH,
  descDepth: DEPTH,
  logitsDepth: DEPTH,
  layerKinds: {
    schema: z.array(z.enum(LAYER_KINDS)).min(1).refine((a) => new Set(a).size === a.length),
    expected: `a non-empty list of distinct kinds from ${LAYER_KINDS.map((k) => `"${k}"`).join(', ')}`,
  },
  counterBits: intIn(16, 32),
};

/** Fields a file may leave out, with the value they then take (left out of the canonical JSON when equal). */
export const OPTIONAL_FIELDS: Partial<Record<keyof EngineConfig, unknown>> = { counterBits: 32 };

export const CONFIG_FIELDS = Object.keys(RULES) as (keyof EngineConfig)[];

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Validates a parsed JSON value; `source` names the file in messages. `$comment` is allowed and ignored. */
export function parseConfig(raw: unknown, source: string): LoadedConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${source}: expected a JSON object of engine parameters, found ${show(raw)}`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== '$comment' && !(key in RULES)) throw new UserError(`${source}: ${key}: expected no such field (allowed: ${CONFIG_FIELDS.join(', ')}), found ${show(obj[key])}`);
  }
  const config = {} as Record<string, unknown>;
  for (const field of CONFIG_FIELDS) {
    const rule = RULES[field];
    const given = obj[field] === undefined && field in OPTIONAL_FIELDS ? OPTIONAL_FIELDS[field] : obj[field];
    const r = rule.schema.safeParse(given);
    if (!r.success) throw new UserError(`${source}: ${field}: expected ${rule.expected}, found ${show(obj[field])}`);
    config[field] = r.data;
  }
  const c = config as unknown as EngineConfig;
  return { config: c, source, hash: configHash(c) };
}

export function loadConfig(path: string): LoadedConfig {
  return parseConfig(readJsonFile(path, 'the engine configuration'), path);
}

/**
 * Canonical JSON: the configuration fields only, keys sorted, no spaces; optional fields at their
 * default value are left out. Equal configs give equal text.
 */
export function canonicalConfigJson(c: EngineConfig): string {
  const sorted = [...CONFIG_FIELDS].filter((k) => !(k in OPTIONAL_FIELDS && c[k] === OPTIONAL_FIELDS[k])).sort();
  return JSON.stringify(Object.fromEntries(sorted.map((k) => [k, c[k]])));
}

/** SHA-256 (hex) of the canonical JSON: names generated RTL folders and is stamped into packed images. */
export function configHash(c: EngineConfig): string {
  return createHash('sha256').update(canonicalConfigJson(c)).digest('hex');
}

/**
 * Whether a configuration file is an engine configuration (it has `mode`) rather than another kind
 * of configuration (the examples list `examples`). Unreadable files answer false: their own loader
 * reports them.
 */
export function isEngineConfigFile(path: string): boolean {
  try {
    const raw = readJsonFile(path, 'the configuration');
    return raw !== null && typeof raw === 'object' && 'mode' in raw && !('examples' in raw);
  } catch {
    return false;
  }
}
