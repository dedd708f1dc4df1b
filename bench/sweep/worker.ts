/**
 * A sweep worker process (forked by bench/sweep/pool.ts with tsx loaded): imports the point
 * function's module once, then runs one point per message and answers with its result or error.
 */
import { isUserError } from '../../common/user-error.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

type PointFn = (params: unknown) => unknown;

// Ctrl-C reaches the whole process group; the parent decides when workers stop (it kills them).
process.on('SIGINT', () => {});
// A parent that died (kill -9) leaves nobody to read results: stop instead of computing on.
process.on('disconnect', () => process.exit(0));

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function pointFunction(module: string, fn: string): Promise<PointFn> {
  let m = modules.get(module);
  if (!m) {
    m = import(module) as Promise<Record<string, unknown>>;
    modules.set(module, m);
  }
  const f = (await m)[fn];
  if (typeof f !== 'function') throw new Error(`${module} exports no function "${fn}"`);
  return f as PointFn;
}

function describeError(e: unknown): string {
  if (isUserError(e)) return e.message;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

process.on('message', (raw) => {
  const req = raw as WorkerRequest;
  const t0 = performance.now();
  const reply = (r: Omit<WorkerReply, 'id' | 'seconds'>): void => {
    process.send!({ ...r, id: req.id, seconds: (performance.now() - t0) / 1000 } satisfies WorkerReply);
  };
  void (async () => {
    try {
      const f = await pointFunction(req.module, req.fn);
      const result = await f(req.params);
      // Round-trip through JSON here, so a result that does not store fails as this point's error.
      reply({ ok: true, result: JSON.parse(JSON.stringify(result ?? null)) });
    } catch (e) {
      reply({ ok: false, error: describeError(e) });
    }
  })();
});
