/**
 * The header of a NumPy .npy file: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. This parses exactly the literal
 * forms NumPy writes there (strings, True/False, tuples/lists of integers, nested dicts are not used).
 */
import { UserError } from '../../common/user-error.js';

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type Literal = string | boolean | number | Literal[] | { [key: string]: Literal };

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string, private readonly where: string) {}

  fail(what: string): never {
    throw new UserError(`${this.where}: bad .npy header: ${what} at character ${this.pos} of ${JSON.stringify(this.text)}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  value(): Literal {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.dict();
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '[') return this.sequence('[', ']');
    if (ch === "'" || ch === '"') return this.string();
    const word = /^(True|False|-?\d+L?)/.exec(this.text.slice(this.pos));
    if (!word) this.fail('expected a string, number, True/False, tuple or dict');
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    return Number.parseInt(word[0], 10);
  }

  string(): string {
    const quote = this.text[this.pos]!;
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('unterminated string');
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  sequence(open: string, close: string): Literal[] {
    this.expect(open);
    const items: Literal[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.pos++;
    return items;
  }

  dict(): { [key: string]: Literal } {
    this.expect('{');
    const out: { [key: string]: Literal } = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      const key = this.value();
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      this.expect(':');
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
    this.pos++;
    return out;
  }
}

/** Parses and checks the header dict; `where` names the file in error messages. */
export function parseNpyHeader(text: string, where: string): NpyHeader {
  const p = new LiteralParser(text, where);
  const d = p.value();
  if (!p.atEnd()) p.fail('unexpected text after the dict');
  if (typeof d !== 'object' || Array.isArray(d)) throw new UserError(`${where}: bad .npy header: expected a dict, found ${JSON.stringify(text)}`);
  const { descr, fortran_order: fortranOrder, shape } = d as Record<string, Literal>;
  if (typeof descr !== 'string') throw new UserError(`${where}: bad .npy header: 'descr' must be a dtype string, found ${JSON.stringify(descr)}`);
  if (typeof fortranOrder !== 'boolean') throw new UserError(`${where}: bad .npy header: 'fortran_order' must be True or False`);
  if (!Array.isArray(shape) || !shape.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
    throw new UserError(`${where}: bad .npy header: 'shape' must be a tuple of non-negative integers, found ${JSON.stringify(shape)}`);
  }
  return { descr, fortranOrder, shape: shape as number[] };
}

/** The header dict text NumPy writes for a C-order array (without padding). */
export function formatNpyHeader(h: NpyHeader): string {
  const shape = h.shape.length === 1 ? `(${h.shape[0]},)` : `(${h.shape.join(', ')})`;
  return `{'descr': '${h.descr}', 'fortran_order': ${h.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
}
