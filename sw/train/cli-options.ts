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
