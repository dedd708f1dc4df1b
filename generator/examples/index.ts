/**
 * The example circuit library: each kind names its module generator and the zod schema of its
 * parameters, so a configuration file (configs/examples.json) can list examples to generate.
 */
import { z } from 'zod';
import type { ModuleSpec } from '../dsl/index.js';
import { Counter } from './counter.js';
import { Fifo } from './fifo.js';
import { Mac } from './mac.js';
import { SeqDet } from './seqdet.js';
import { UartRx, UartTx } from './uart.js';

export { Counter, type CounterParams } from './counter.js';
export { Fifo, type FifoParams } from './fifo.js';
export { Mac, type MacParams } from './mac.js';
export { SeqDet, prefixTransitions, type SeqDetParams } from './seqdet.js';
export { UartRx, UartTx, type UartParams } from './uart.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const isPowerOfTwo = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

const counter = z.object({ example: z.literal('counter'), width: int(1, 32), wrap: int(1, 2 ** 32 - 1).optional() }).strict()
  .superRefine((p, ctx) => {
    if (p.wrap !== undefined && p.wrap >= 2 ** p.width) ctx.addIssue({ code: 'custom', path: ['wrap'], message: `expected a value below 2^width = ${2 ** p.width}` });
  });
const fifo = z.object({
  example: z.literal('fifo'), width: int(1, 64),
  depth: z.number().int().refine(isPowerOfTwo, 'expected a power of two >= 2').refine((d) => d <= 65536, 'expected at most 65536'),
}).strict();
const uart = <K extends string>(kind: K) => z.object({ example: z.literal(kind), clocksPerBit: int(4, 1 << 20) }).strict();
const mac = z.object({
  example: z.literal('mac'), aWidth: int(2, 32), bWidth: int(2, 32), fracBits: int(0, 31), accWidth: int(2, 64),
  overflow: z.enum(['saturate', 'wrap']),
}).strict().superRefine((p, ctx) => {
  if (p.fracBits >= p.aWidth + p.bWidth) ctx.addIssue({ code: 'custom', path: ['fracBits'], message: `expected fewer than aWidth + bWidth = ${p.aWidth + p.bWidth}` });
});
const seqdet = z.object({ example: z.literal('seqdet'), pattern: z.string().regex(/^[01]{1,16}$/, 'expected 1 to 16 characters, each 0 or 1') }).strict();

/** One entry of `examples` in a configuration file. */
export const exampleEntrySchema = z.discriminatedUnion('example', [counter, fifo, uart('uart_tx'), uart('uart_rx'), mac, seqdet]);
export type ExampleEntry = z.infer<typeof exampleEntrySchema>;
export type ExampleKind = ExampleEntry['example'];
export const EXAMPLE_KINDS: readonly ExampleKind[] = ['counter', 'fifo', 'uart_tx', 'uart_rx', 'mac', 'seqdet'];

/** Field names each kind accepts (for "unknown field" messages). */
export const EXAMPLE_FIELDS: Record<ExampleKind, readonly string[]> = {
  counter: ['example', 'width', 'wrap'], fifo: ['example', 'width', 'depth'], uart_tx: ['example', 'clocksPerBit'],
  uart_rx: ['example', 'clocksPerBit'], mac: ['example', 'aWidth', 'bWidth', 'fracBits', 'accWidth', 'overflow'], seqdet: ['example', 'pattern'],
};

/** The module generator call for a validated entry. */
export function exampleSpec(entry: ExampleEntry): ModuleSpec<unknown> {
  switch (entry.example) {
    case 'counter': return Counter(entry.wrap === undefined ? { width: entry.width } : { width: entry.width, wrap: entry.wrap });
    case 'fifo': return Fifo({ width: entry.width, depth: entry.depth });
    case 'uart_tx': return UartTx({ clocksPerBit: entry.clocksPerBit });
    case 'uart_rx': return UartRx({ clocksPerBit: entry.clocksPerBit });
    case 'mac': return Mac({ aWidth: entry.aWidth, bWidth: entry.bWidth, fracBits: entry.fracBits, accWidth: entry.accWidth, overflow: entry.overflow });
    case 'seqdet': return SeqDet({ pattern: entry.pattern });
    default: {
      const unhandled: never = entry;
      throw new Error(`unhandled example ${JSON.stringify(unhandled)}`);
    }
  }
}
