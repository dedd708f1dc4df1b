/**
 * Runs one tool of the flow as a child process, hands each output line to a callback as it
 * arrives (nextpnr's phases become progress lines) and keeps the whole log.
 */
import { spawn } from 'node:child_process';

export interface ToolRun {
  command: string;
  ok: boolean;
  exitCode: number | null;
  /** stdout and stderr, interleaved as they arrived. */
  log: string;
}

export function runTool(cmd: string, args: readonly string[], opts: { cwd?: string; onLine?: (line: string) => void } = {}): Promise<ToolRun> {
  const command = [cmd, ...args].join(' ');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    let partial = '';
    const take = (data: Buffer): void => {
      const text = data.toString('utf8');
      chunks.push(text);
      if (!opts.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => resolve({ command, ok: false, exitCode: null, log: `${chunks.join('')}\n${cmd}: ${e.message}` }));
    child.on('close', (code) => {
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ command, ok: code === 0, exitCode: code, log: chunks.join('') });
    });
  });
}
