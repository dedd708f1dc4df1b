import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../common/user-error.js';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { contentHash } from './hash.js';
import { modelCxxFlags, verilatorBaseArgs, verilatorTraceArgs } from './flags.js';
import { withFileLock } from './lock.js';
import { defaultCacheRoot } from './paths.js';
import { parseModelPorts, type ModelPort } from './ports.js';
import { ToolFailure, inParallel, runTool } from './run-tool.js';
import { ensureRuntime, type Runtime } from './runtime.js';
import { toolchain, type Toolchain } from './toolchain.js';
import { renderWrapper, wrapperTemplateText } from './wrapper.js';

/** A Verilog source: a file path, or an in-memory file (what the DSL emitter produces). */
export type VerilogSource = string | { name: string; text: string };

export interface BuildRequest {
  sources: VerilogSource[];
  top: string;
  /** Build the variant with FST tracing compiled in (slower; only when waves are wanted). */
  trace?: boolean;
  /** Extra Verilator arguments (e.g. `-DWIDTH=8`, `-Wno-WIDTH`); part of the cache key. */
  verilatorArgs?: string[];
  /** Cache root; defaults to build/verilator in the repository (or $SD_VERILATOR_CACHE). */
  cacheRoot?: string;
  /** Progress lines (cache misses only); defaults to stderr. */
  log?: (line: string) => void;
}

/** A compiled model in the cache, ready to load. */
export interface BuiltModel {
  hash: string;
  top: string;
  prefix: string;
  dir: string;
  library: string;
  ports: ModelPort[];
  trace: boolean;
  /** True when this call found the model already built (by an earlier run or another process). */
  cacheHit: boolean;
  /** Wall time of this call in ms (building, or waiting for another builder, or just a lookup). */
  ms: number;
}

interface Meta {
  hash: string;
  top: string;
  prefix: string;
  library: string;
  ports: ModelPort[];
  builtBy: number;
  buildMs: number;
  verilator: string;
}

interface ResolvedSource {
  name: string;
  text: string;
  path?: string;
}

/** Builds (or finds in the cache) the Verilated shared library for a design. */
export async function buildModel(request: BuildRequest): Promise<BuiltModel> {
  const started = performance.now();
  const tc = toolchain();
  const cacheRoot = resolve(request.cacheRoot ?? defaultCacheRoot());
  const log = request.log ?? ((line: string) => process.stderr.write(`[verilator] ${line}\n`));
  const sources = request.sources.map(resolveSource);
  if (sources.length === 0) throw new UserError(`no Verilog sources given for top module '${request.top}'`);
  const trace = request.trace ?? false;
  const args = [...(trace ? verilatorTraceArgs : []), ...(request.verilatorArgs ?? [])];
  const hash = modelHash(tc, request.top, sources, args);
  const dir = join(cacheRoot, hash);
  const finish = (meta: Meta, cacheHit: boolean): BuiltModel => ({
    hash, top: meta.top, prefix: meta.prefix, dir, trace, library: join(dir, meta.library), ports: meta.ports, cacheHit,
    ms: performance.now() - started,
  });
  const ready = readMeta(dir);
  if (ready) return finish(ready, true);

  mkdirSync(cacheRoot, { recursive: true });
  const runtime = await ensureRuntime(tc, cacheRoot, log);
  let built = false;
  const meta = await withFileLock(`${dir}.lock`, async () => {
    const existing = readMeta(dir);
    if (existing) return existing;
    built = true;
    return compileModel(tc, runtime, { hash, dir, top: request.top, sources, args, trace, log });
  }, (owner) => log(`waiting for ${owner}, which is building ${request.top} (${hash})`));
  return finish(meta, !built);
}

/** Everything that changes the compiled model goes into its key. */
function modelHash(tc: Toolchain, top: string, sources: ResolvedSource[], args: string[]): string {
  return contentHash({
    top,
    names: sources.map((s) => s.path ?? s.name),
    texts: sources.map((s) => s.text),
    args,
    verilator: tc.verilatorVersion,
    cxx: tc.cxxVersion,
    flags: modelCxxFlags(tc),
    verilatorBase: verilatorBaseArgs,
    wrapper: wrapperTemplateText(),
  });
}

function resolveSource(source: VerilogSource): ResolvedSource {
  if (typeof source !== 'string') {
    if (!/^[\w.-]+$/.test(source.name)) throw new UserError(`Verilog source name '${source.name}' must be a plain file name (letters, digits, '_', '-', '.')`);
    return { name: source.name, text: source.text };
  }
  const path = resolve(source);
  if (!existsSync(path)) throw new UserError(`Verilog source not found: ${path}`);
  return { name: basename(path), text: readFileSync(path, 'utf8'), path };
}

function readMeta(dir: string): Meta | undefined {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Meta;
}

interface CompileJob {
  hash: string;
  dir: string;
  top: string;
  sources: ResolvedSource[];
  args: string[];
  trace: boolean;
  log: (line: string) => void;
}

/** Verilates and compiles into a temporary directory, then renames it into place in one step. */
async function compileModel(tc: Toolchain, runtime: Runtime, job: CompileJob): Promise<Meta> {
  const tmp = `${job.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const obj = join(tmp, 'obj');
  mkdirSync(obj, { recursive: true });
  const logPath = join(tmp, 'build.log');
  try {
    return await verilateAndCompile(tc, runtime, job, tmp, obj, logPath);
  } finally {
    // A failed build leaves only its log, beside where the model would have been.
    if (existsSync(tmp)) {
      if (existsSync(logPath)) renameSync(logPath, `${job.dir}.failed.log`);
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

async function verilateAndCompile(tc: Toolchain, runtime: Runtime, job: CompileJob, tmp: string, obj: string, logPath: string): Promise<Meta> {
  const started = performance.now();
  // In-memory sources get a stable home beside the model, so messages from the model name real files.
  const srcDir = `${job.dir}.src`;
  const prefix = `V${job.hash.slice(0, 12)}`;
  job.log(`building ${job.top}${job.trace ? ' with tracing' : ''} (${job.hash})`);

  const paths = job.sources.map((s) => {
    if (s.path) return s.path;
    const path = join(srcDir, s.name);
    writeFileAtomic(path, s.text);
    return path;
  });
  try {
    await runTool(tc.verilator, [...verilatorBaseArgs, '--prefix', prefix, '--top-module', job.top, '-Mdir', obj, ...job.args,
      ...paths], tmp, logPath);
  } catch (e) {
    throw verilatorError(e, job, `${job.dir}.failed.log`);
  }
  const ports = parseModelPorts(readFileSync(join(obj, `${prefix}.h`), 'utf8'));
  if (ports.length === 0) throw new UserError(`top module '${job.top}' has no ports that the harness can see`);
  writeFileAtomic(join(obj, 'sd_wrapper.cpp'), renderWrapper(prefix, job.top, ports, job.trace));

  const flags = [...modelCxxFlags(tc), `-I${runtime.pchDir}`, '-include', 'sd_pch.h', '-Winvalid-pch', `-I${obj}`];
  const units = readdirSync(obj).filter((f) => f.endsWith('.cpp'));
  try {
    await inParallel(units, tc.jobs, (unit) => runTool(tc.cxx, [...flags, '-c', unit, '-o', unit.replace(/\.cpp$/, '.o')], obj, logPath));
    const library = `lib${prefix}.so`;
    await runTool(tc.cxx, ['-shared', '-o', join(tmp, library), ...units.map((u) => join(obj, u.replace(/\.cpp$/, '.o'))),
      runtime.archive, '-lz', '-pthread', '-latomic'], tmp, logPath);
    const meta: Meta = {
      hash: job.hash, top: job.top, prefix, library, ports, builtBy: process.pid,
      buildMs: Math.round(performance.now() - started), verilator: tc.verilatorVersion,
    };
    writeFileAtomic(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
    // One line per real build: tests use it to prove parallel workers shared one build.
    appendFileSync(join(tmp, 'builds.log'), `${new Date().toISOString()} pid ${process.pid} ${meta.buildMs} ms\n`);
    rmSync(job.dir, { recursive: true, force: true });
    renameSync(tmp, job.dir);
    job.log(`built ${job.top} in ${(meta.buildMs / 1000).toFixed(1)} s`);
    return meta;
  } catch (e) {
    if (e instanceof ToolFailure) {
      throw new Error(`compiling the Verilated model of ${job.top} failed (${e.message}); see ${job.dir}.failed.log\n${e.output.slice(-3000)}`);
    }
    throw e;
  }
}

/** Verilator's own error lines name the file and line; pass them on as a user error. */
function verilatorError(e: unknown, job: CompileJob, logPath: string): Error {
  if (!(e instanceof ToolFailure)) return e as Error;
  const errors = e.output.split('\n').filter((l) => l.startsWith('%Error')).slice(0, 10);
  return new UserError(`Verilator rejected top '${job.top}':\n${(errors.length ? errors : [e.output.slice(-2000)]).join('\n')}\n(full log: ${logPath})`);
}
