import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../build/paths.js';
import { writeFileAtomic } from '../../common/atomic-write.js';

interface ChildReport {
  dir: string;
  cacheHit: boolean;
  pid: number;
}

function buildInChild(source: string, top: string): Promise<ChildReport> {
  const script = fileURLToPath(new URL('./helpers/build-once.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, source, top], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

test('two processes building the same new design share one build', async () => {
  // A design no earlier run has built: its text carries this run's pid and time.
  const salt = `${process.pid}_${Date.now()}`;
  const source = join(repoRoot, 'build', 'verif-test', `fresh_${salt}.v`);
  writeFileAtomic(source, `// run ${salt}\nmodule fresh (input wire clk, input wire [7:0] d, output reg [7:0] q);\n  always @(posedge clk) q <= d + 8'd1;\nendmodule\n`);
  const [one, two] = await Promise.all([buildInChild(source, 'fresh'), buildInChild(source, 'fresh')]);
  try {
    expect(one.dir).toBe(two.dir);
    expect([one.cacheHit, two.cacheHit].sort()).toEqual([false, true]);
    const builds = readFileSync(join(one.dir, 'builds.log'), 'utf8').trim().split('\n');
    expect(builds).toHaveLength(1);
    expect(builds[0]).toContain(`pid ${[one, two].find((r) => !r.cacheHit)!.pid} `);
    console.log(`compared 2 build reports: one build (${builds[0]}), one cache hit, same dir`);
  } finally {
    rmSync(one.dir, { recursive: true, force: true });
    rmSync(`${one.dir}.src`, { recursive: true, force: true });
    rmSync(source, { force: true });
  }
});
