import { UserError } from '../../common/user-error.js';

/** Parses a numeric command-line option, naming the flag when the text is not a number. */
export function num(flag: string, text: string, opts: { integer?: boolean; min?: number } = {}): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UserError(`${flag}: expected a number, found '${text}'`);
  if (opts.integer && !Number.isInteger(v)) throw new UserError(`${flag}: expected an integer, found '${text}'`);
  if (opts.min !== undefined && v < opts.min) throw new UserError(`${flag}: expected at least ${opts.min}, found ${v}`);
  return v;
}

export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UserError(`${flag}: expected one of ${allowed.join(', ')}, found '${text}'`);
  return text as T;
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** NAME=FRACTION items of a repeatable option as a record, each fraction in [0, 1). */
export function layerFractions(flag: string, items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    if (!m) throw new UserError(`${flag}: expected NAME=FRACTION, found '${item}'`);
    const v = num(`${flag} ${m[1]}`, m[2]!, { min: 0 });
    if (v >= 1) throw new UserError(`${flag} ${m[1]}: expected a fraction below 1, found ${v}`);
    out[m[1]!] = v;
  }
  return out;
}
