import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface ToolResult {
  output: string;
  ms: number;
}

/** Runs a build tool, appending the command and its combined output to `logPath`; rejects on failure. */
export function runTool(command: string, args: string[], cwd: string, logPath: string): Promise<ToolResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      const ms = performance.now() - started;
      appendFileSync(logPath, `$ ${command} ${args.join(' ')}\n${output}(exit ${code}, ${ms.toFixed(0)} ms)\n`);
      if (code === 0) resolve({ output, ms });
      else reject(new ToolFailure(command, code, output));
    });
  });
}

export class ToolFailure extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly output: string) {
    super(`${command} failed (exit ${code})`);
    this.name = 'ToolFailure';
  }
}

/** Runs jobs with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, job: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await job(items[next++]!);
  });
  await Promise.all(workers);
}
