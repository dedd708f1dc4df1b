/**
 * A Moore sequence detector built with the DSL's FSM helper: `found` is high while the bits
 * shifted in on `din` (one per cycle while `en`) end with `pattern`, i.e. for one cycle per match
 * when `en` stays high; overlapping matches count. The states are the pattern prefixes matched so far; the transitions on a
 * mismatch fall back to the longest prefix that is still a suffix of the input (computed here,
 * at generation time, like the Knuth-Morris-Pratt failure function).
 */
import { Bool, defineModule } from '../dsl/index.js';

export interface SeqDetParams {
  /** The bits to find, first bit first, e.g. '1011'. */
  pattern: string;
}

/** next[k][bit]: how many pattern bits are matched after reading `bit` with `k` already matched. */
export function prefixTransitions(pattern: string): [number, number][] {
  const longestSuffixPrefix = (text: string): number => {
    for (let len = Math.min(text.length, pattern.length); len > 0; len--) {
      if (text.endsWith(pattern.slice(0, len))) return len;
    }
    return 0;
  };
  const table: [number, number][] = [];
  for (let k = 0; k <= pattern.length; k++) {
    // After a full match keep matching from the longest proper border (overlapping matches).
    const seen = pattern.slice(0, k);
    table.push([longestSuffixPrefix(`${seen}0`), longestSuffixPrefix(`${seen}1`)]);
  }
  return table;
}

export const SeqDet = defineModule('seqdet', (m, p: SeqDetParams) => {
  m.clockAndReset();
  const din = m.input('din', Bool);
  const en = m.input('en', Bool);
  const found = m.output('found', Bool);
  const states = Array.from({ length: p.pattern.length + 1 }, (_, k) => `got${k}`);
  const table = prefixTransitions(p.pattern);
  const f = m.fsm('match', states);
  states.forEach((s, k) => f.state(s, () => m.when(en, () => {
    const [on0, on1] = table[k]!;
    m.when(din, () => f.goto(states[on1]!)).otherwise(() => f.goto(states[on0]!));
  })));
  found.set(f.is(states[p.pattern.length]!));
  return { din, en, found };
});
