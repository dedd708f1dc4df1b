import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, type BuiltModel, type VerilogSource } from '../build/model.js';
import { repoRoot } from '../build/paths.js';
import { HarnessUsageError, PortMismatch, SimulationError, SimulationFinished } from './errors.js';
import { NativeStatus, openNativeModel, type NativeModel } from './native.js';
import { Port, showValue, type PortValue, type WriteGate } from './port.js';
import { Scheduler, type ClockedModel, type Task } from './scheduler.js';

/** A port as the DSL emitter describes it; used to check the model and to mark signed ports. */
export interface PortSpec {
  name: string;
  direction: 'input' | 'output';
  width: number;
  signed: boolean;
}

export interface SimulationOptions {
  sources: VerilogSource[];
  top: string;
  /** The clock port the harness drives; defaults to `clk` when the design has one, null for none. */
  clock?: string | null;
  /** The design's port list (from the DSL): widths are checked against the model, signedness applied. */
  ports?: PortSpec[];
  /** Ports to read back as signed (for raw Verilog, where the model does not say). */
  signed?: string[];
  verilatorArgs?: string[];
  /** Write an FST waveform: true for build/waves/<name>.fst, or a path. Also on with SD_WAVES=1. */
  waves?: boolean | string;
  /** Print the design's $display output with a `[name]` prefix (default true); it is kept in `output` either way. */
  echo?: boolean;
  /** Name for messages, output prefixes and wave files (default: the top module). */
  name?: string;
  cacheRoot?: string;
}

export type SimulationState = 'running' | 'finished' | 'failed' | 'closed';

/**
 * A Verilated model driven in-process. Two ways to drive it, not to be mixed within one phase:
 * - synchronous: set()/get()/step()/run(): no promises, for tight loops;
 * - coroutines: await tick()/rising()/cycles()/waitFor()..., fork() drivers and monitors.
 */
export class Simulation implements ClockedModel {
  readonly name: string;
  readonly model: BuiltModel;
  readonly ports: ReadonlyMap<string, Port>;
  readonly clock: Port | undefined;
  /** Where the waveform goes, when tracing. */
  readonly wavesPath: string | undefined;
  /** Everything the design printed ($display, $write, Verilator messages). */
  output = '';
  state: SimulationState = 'running';
  /** Completed clock cycles (rising edges). */
  cycle = 0;

  private readonly native: NativeModel;
  private readonly scheduler: Scheduler;
  private readonly control: Int32Array;
  private readonly echo: boolean;
  private pendingLine = '';
  /** Input writes since the last evaluation, and the read-only flag, shared with every port. */
  private readonly gate: WriteGate;

  private constructor(options: SimulationOptions, model: BuiltModel, wavesPath: string | undefined) {
    this.name = options.name ?? options.top;
    this.model = model;
    this.wavesPath = wavesPath;
    this.echo = options.echo ?? true;
    this.native = openNativeModel(model.library, wavesPath);
    this.control = this.native.control;
    const name = this.name;
    this.gate = {
      dirty: false,
      readOnly: false,
      refuse: (port: Port): never => {
        throw new HarnessUsageError(`write to '${port.name}' in the read-only phase at cycle ${this.cycle} of ${name}: wait for a clock edge before driving inputs`);
      },
    };
    const signed = new Set(options.signed ?? []);
    for (const spec of options.ports ?? []) if (spec.signed) signed.add(spec.name);
    const ports = new Map<string, Port>();
    model.ports.forEach((info, index) => {
      const memory = this.native.portMemory(index, info.words * 4 > info.bytes ? info.words * 4 : info.bytes);
      ports.set(info.name, new Port(info, memory, signed.has(info.name), this.gate));
    });
    this.ports = ports;
    for (const name of signed) if (!ports.has(name)) throw this.unknownPort(name);
    if (options.ports) checkPortList(this.name, options.ports, ports);
    const clockName = options.clock === undefined ? (ports.has('clk') ? 'clk' : undefined) : options.clock ?? undefined;
    if (clockName !== undefined) {
      const clock = ports.get(clockName);
      if (!clock || clock.direction !== 'input' || clock.width !== 1) {
        throw new HarnessUsageError(`clock '${clockName}' of ${this.name} must be a 1-bit input port (ports: ${[...ports.keys()].join(', ')})`);
      }
      this.native.setClock(model.ports.findIndex((p) => p.name === clockName));
      this.clock = clock;
    }
    this.scheduler = new Scheduler(this, this.gate);
    this.drainOutput();
  }

  /** Builds (or finds in the cache) the model and opens one instance of it. */
  static async create(options: SimulationOptions): Promise<Simulation> {
    const waves = options.waves ?? (process.env.SD_WAVES === '1' ? true : false);
    const model = await buildModel({
      sources: options.sources, top: options.top, verilatorArgs: options.verilatorArgs, cacheRoot: options.cacheRoot,
      trace: waves !== false,
    });
    let wavesPath: string | undefined;
    if (waves !== false) {
      wavesPath = typeof waves === 'string' ? waves : join(repoRoot, 'build', 'waves', `${options.name ?? options.top}-${process.pid}-${Date.now()}.fst`);
      mkdirSync(join(wavesPath, '..'), { recursive: true });
    }
    return new Simulation(options, model, wavesPath);
  }

  // ---- ports ---------------------------------------------------------------------------------

  /** The port object: `.get()`, `.set()`, and `.view` (raw typed array) for the fastest loops. */
  port(name: string): Port {
    const port = this.ports.get(name);
    if (!port) throw this.unknownPort(name);
    return port;
  }

  set(name: string, value: PortValue | boolean): void {
    if (this.clock && this.ports.get(name) === this.clock) throw new HarnessUsageError(`port '${name}' is the clock; the harness drives it`);
    this.port(name).set(value);
  }

  /** Reads a port; pending input writes are evaluated first, so combinational outputs are current. */
  get(name: string): PortValue {
    const port = this.port(name);
    if (this.gate.dirty) this.settle();
    return port.get();
  }

  /** Sets several inputs at once. */
  drive(values: Record<string, PortValue | boolean>): void {
    for (const [name, value] of Object.entries(values)) this.set(name, value);
  }

  /** Throws a PortMismatch naming the port, the expected and the actual value when they differ. */
  expect(name: string, expected: PortValue, what?: string): void {
    const actual = this.get(name);
    if (BigInt(actual) !== BigInt(expected)) {
      throw new PortMismatch(`${this.name}.${name} at cycle ${this.cycle}${what ? ` (${what})` : ''}: expected ${showValue(expected)}, got ${showValue(actual)}`);
    }
  }

  // ---- synchronous driving --------------------------------------------------------------------

  /** Evaluates the model with the current inputs (combinational settle, no clock edge). */
  eval(): void {
    this.checkUsable();
    this.native.eval();
    this.gate.dirty = false;
    this.afterNative(this.control[0]!);
  }

  /** One clock cycle (rising then falling edge), synchronously. Inputs set before are sampled at the rising edge. */
  step(): void {
    if (this.state !== 'running' || this.scheduler.used) this.checkSyncStep();
    const status = this.native.step();
    this.cycle++;
    this.gate.dirty = false;
    if (status !== 0 || this.control[1] !== 0) this.afterNative(status);
  }

  /** Up to `n` cycles in one native call; returns how many ran (fewer if the design finished). */
  run(n: number): number {
    this.checkSyncStep();
    let done = 0;
    while (done < n && this.state === 'running') {
      const chunk = Math.min(n - done, 0xffffffff);
      const ran = this.native.run(chunk);
      done += ran;
      this.cycle += ran;
      this.gate.dirty = false;
      this.afterNative(this.control[0]!);
      if (ran < chunk) break;
    }
    return done;
  }

  // ---- coroutines ----------------------------------------------------------------------------

  /** The next rising edge of the clock. */
  tick(): Promise<void> {
    return this.scheduler.tick();
  }

  /** `n` rising edges from now. */
  cycles(n: number): Promise<void> {
    return this.scheduler.cycles(n);
  }

  rising(name: string): Promise<void> {
    return this.scheduler.edgeOf(name, 'rise');
  }

  falling(name: string): Promise<void> {
    return this.scheduler.edgeOf(name, 'fall');
  }

  changed(name: string): Promise<void> {
    return this.scheduler.edgeOf(name, 'change');
  }

  /** The end of the current time step: values settled, writing is an error until the next trigger. */
  readOnly(): Promise<void> {
    return this.scheduler.readOnly();
  }

  /** Waits for the first rising edge at which `condition` holds; fails after `timeoutCycles` with the cycle count. */
  waitFor(condition: () => boolean, options: { timeoutCycles: number; what?: string }): Promise<void> {
    return this.scheduler.waitFor(condition, options.what ?? condition.toString(), options.timeoutCycles);
  }

  /** Resolves with the index of the first trigger to fire; the others are dropped. */
  first(...triggers: Promise<unknown>[]): Promise<number> {
    return this.scheduler.first(triggers);
  }

  /** Resolves when every trigger has fired. */
  all(...triggers: Promise<unknown>[]): Promise<void> {
    return this.scheduler.all(triggers);
  }

  /** Starts a coroutine (driver, monitor, scoreboard); an exception in it fails the simulation. */
  fork<T>(body: () => Promise<T>): Task<T> {
    return this.scheduler.fork(body);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Finishes the model (final blocks, waveform closed) and frees it. Safe to call twice. */
  close(): void {
    if (this.state === 'closed') return;
    this.scheduler.abandon();
    this.native.free();
    this.drainOutput(true);
    this.state = 'closed';
    if (this.wavesPath) process.stderr.write(`[${this.name}] waves: ${this.wavesPath}\n`);
  }

  // ---- ClockedModel, for the scheduler ------------------------------------------------------

  edge(level: 0 | 1): void {
    this.checkUsable();
    const status = this.native.edge(level);
    if (level === 1) this.cycle++;
    this.gate.dirty = false;
    if (status !== 0 || this.control[1] !== 0) this.afterNative(status);
  }

  runCycles(n: number): void {
    const ran = this.native.run(n);
    this.cycle += ran;
    this.afterNative(this.control[0]!);
  }

  settle(): void {
    this.native.eval();
    this.gate.dirty = false;
    this.afterNative(this.control[0]!);
  }

  // ---- internals -----------------------------------------------------------------------------

  /** After any native call: show output, turn $finish/$stop/$fatal into state and exceptions. */
  private afterNative(status: number): void {
    if (this.control[1] !== 0) this.drainOutput();
    if (status === NativeStatus.Running) return;
    const where = this.native.message();
    if (status === NativeStatus.Finished) {
      this.state = 'finished';
      throw new SimulationFinished(where, this.cycle);
    }
    this.state = 'failed';
    const kind = status === NativeStatus.Stopped ? '$stop/$fatal/assertion' : 'Verilator fatal error';
    const lastLines = this.output.trimEnd().split('\n').slice(-3).join('\n');
    throw new SimulationError(`${this.name} stopped at cycle ${this.cycle} (${kind} at ${where})${lastLines ? `:\n${lastLines}` : ''}`, this.cycle);
  }

  private drainOutput(flushPartial = false): void {
    if (this.state !== 'closed' && this.control[1] !== 0) {
      const text = this.native.takeOutput();
      this.output += text;
      this.pendingLine += text;
    }
    if (!this.echo) return;
    const lines = this.pendingLine.split('\n');
    this.pendingLine = flushPartial ? '' : lines.pop()!;
    for (const line of lines) if (line !== '' || !flushPartial) process.stdout.write(`[${this.name}] ${line}\n`);
  }

  private checkSyncStep(): void {
    this.checkUsable();
    if (this.scheduler.active) {
      throw new HarnessUsageError('step()/run() while coroutines wait on triggers: drive the clock with await tick()/cycles() instead');
    }
  }

  private checkUsable(): void {
    if (this.state === 'running') return;
    if (this.state === 'finished') throw new SimulationFinished(this.native.message(), this.cycle);
    throw new HarnessUsageError(`${this.name} is ${this.state}; create a new Simulation to continue`);
  }

  private unknownPort(name: string): HarnessUsageError {
    return new HarnessUsageError(`${this.name} has no port '${name}' (ports: ${[...this.ports.keys()].join(', ')})`);
  }
}

/** The DSL's port list and the model must agree: a mismatch means the wrong sources or top. */
function checkPortList(name: string, specs: PortSpec[], ports: Map<string, Port>): void {
  for (const spec of specs) {
    const port = ports.get(spec.name);
    if (!port) throw new HarnessUsageError(`${name}: port '${spec.name}' of the port list is not in the Verilated model (model has: ${[...ports.keys()].join(', ')})`);
    if (port.width !== spec.width || port.direction !== spec.direction) {
      throw new HarnessUsageError(`${name}: port '${spec.name}' is ${spec.direction} ${spec.width} bits in the port list but ${port.direction} ${port.width} bits in the model`);
    }
  }
}
