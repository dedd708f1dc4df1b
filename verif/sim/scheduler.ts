import { HarnessUsageError, SimulationTimeout } from './errors.js';
import type { Port } from './port.js';

/** What the scheduler needs from the simulation it drives. */
export interface ClockedModel {
  /** Completed rising edges. */
  readonly cycle: number;
  /** Drives the clock to `level` and evaluates; throws SimulationError / SimulationFinished. */
  edge(level: 0 | 1): void;
  /** Runs whole cycles in one native call (clock low before and after). */
  runCycles(n: number): void;
  /** Evaluates pending input writes so outputs are settled. */
  settle(): void;
  port(name: string): Port;
  readonly clock: Port | undefined;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Counted waiters are what a coroutine awaits; children of first()/all() are not. */
  counted: boolean;
  done: boolean;
}

interface CycleWaiter {
  target: number;
  waiter: Waiter;
}

interface Condition {
  test: () => boolean;
  what: string;
  deadline: number;
  timeoutCycles: number;
  waiter: Waiter;
}

interface Watch {
  port: Port;
  last: number | bigint;
  rise: Waiter[];
  fall: Waiter[];
  change: Waiter[];
}

const WAITER = Symbol('waiter');
type TrackedPromise<T> = Promise<T> & { [WAITER]?: Waiter };

/**
 * Cooperative scheduling of test coroutines against the clock, with microtasks only.
 *
 * Time advances when every coroutine is blocked on a trigger. The scheduler counts coroutines
 * in flight: the test body counts as one from the start, fork() adds one, each trigger a
 * coroutine awaits removes one and each trigger that fires adds one back. When the count
 * reaches zero the clock moves on, edge by edge, until some trigger fires.
 */
export class Scheduler {
  /** Resumed coroutines that have not yet blocked again; the test body is the first. */
  private running = 1;
  private pendingAdvance = false;
  private failure: unknown;
  private level: 0 | 1 = 0;
  private readOnlyDone = false;
  /** Set by the first trigger: lets the synchronous API skip the `active` check until then. */
  used = false;

  private rising: Waiter[] = [];
  private falling: Waiter[] = [];
  private readOnlyWaiters: Waiter[] = [];
  private byCycle: CycleWaiter[] = [];
  private conditions: Condition[] = [];
  private watches = new Map<string, Watch>();

  /** `gate.readOnly` is true while coroutines woken by readOnly() run: port writes are errors then. */
  constructor(private readonly model: ClockedModel, private readonly gate: { readOnly: boolean }) {}

  /** Whether any coroutine waits on a trigger (the synchronous API must not move the clock then). */
  get active(): boolean {
    return this.level === 1 || this.rising.length + this.falling.length + this.byCycle.length + this.conditions.length +
      this.readOnlyWaiters.length + this.watches.size > 0;
  }

  tick(): Promise<void> {
    return this.block((w) => this.rising.push(w));
  }

  edgeOf(name: string, edge: 'rise' | 'fall' | 'change'): Promise<void> {
    const port = this.model.port(name);
    if (port === this.model.clock && edge !== 'change') return this.block((w) => (edge === 'rise' ? this.rising : this.falling).push(w));
    if (edge !== 'change' && port.width !== 1) {
      throw new HarnessUsageError(`${edge === 'rise' ? 'rising' : 'falling'}('${name}'): the port is ${port.width} bits wide; edges need a 1-bit port (use changed())`);
    }
    return this.block((w) => {
      let watch = this.watches.get(name);
      if (!watch) {
        watch = { port, last: port.bits(), rise: [], fall: [], change: [] };
        this.watches.set(name, watch);
      }
      watch[edge].push(w);
    });
  }

  cycles(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1) throw new HarnessUsageError(`cycles(${n}): expected a whole number of cycles >= 1`);
    const target = this.model.cycle + n;
    return this.block((waiter) => {
      let i = this.byCycle.length;
      while (i > 0 && this.byCycle[i - 1]!.target > target) i--;
      this.byCycle.splice(i, 0, { target, waiter });
    });
  }

  readOnly(): Promise<void> {
    return this.block((w) => this.readOnlyWaiters.push(w));
  }

  /** Resolves at the first rising edge where `test()` holds; fails after `timeoutCycles`. */
  waitFor(test: () => boolean, what: string, timeoutCycles: number): Promise<void> {
    return this.block((waiter) =>
      this.conditions.push({ test, what, deadline: this.model.cycle + timeoutCycles, timeoutCycles, waiter }),
    );
  }

  /** Resolves with the index of the first of `triggers` (promises from this scheduler) to fire. */
  first(triggers: Promise<unknown>[]): Promise<number> {
    const children = this.adopt(triggers);
    return this.block<number>((parent) => {
      children.forEach((child, i) =>
        this.onSettle(child, (ok, value) => {
          if (parent.done) return;
          for (const c of children) c.done = true;
          if (ok) this.fire(parent, i);
          else this.fail1(parent, value);
        }),
      );
    });
  }

  /** Resolves when all `triggers` (promises from this scheduler) have fired. */
  all(triggers: Promise<unknown>[]): Promise<void> {
    const children = this.adopt(triggers);
    let left = children.length;
    return this.block<void>((parent) => {
      if (left === 0) this.fire(parent, undefined);
      for (const child of children) {
        this.onSettle(child, (ok, value) => {
          if (parent.done) return;
          if (!ok) this.fail1(parent, value);
          else if (--left === 0) this.fire(parent, undefined);
        });
      }
    });
  }

  /** Chains a synchronous callback onto a child waiter, so a parent wakes in the same scheduler pass. */
  private onSettle(w: Waiter, callback: (ok: boolean, value: unknown) => void): void {
    const { resolve, reject } = w;
    w.resolve = (v) => {
      resolve(v);
      callback(true, v);
    };
    w.reject = (e) => {
      reject(e);
      callback(false, e);
    };
  }

  /** Starts a coroutine; its failure fails the whole simulation. */
  fork<T>(body: () => Promise<T>): Task<T> {
    this.running++;
    const task = new Task<T>(this);
    let promise: Promise<T>;
    try {
      promise = body();
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (value) => task.settle(true, value),
      (error) => {
        this.fail(error);
        task.settle(false, error);
      },
    );
    return task;
  }

  /** Records the first failure and releases every waiting coroutine with it. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.gate.readOnly = false;
    const all: Waiter[] = [...this.rising, ...this.falling, ...this.readOnlyWaiters, ...this.byCycle.map((c) => c.waiter),
      ...this.conditions.map((c) => c.waiter)];
    for (const w of this.watches.values()) all.push(...w.rise, ...w.fall, ...w.change);
    this.rising = [];
    this.falling = [];
    this.readOnlyWaiters = [];
    this.byCycle = [];
    this.conditions = [];
    this.watches.clear();
    for (const w of all) this.fail1(w, error);
  }

  /** Forgets every waiter without waking it (the simulation is closing). */
  abandon(): void {
    this.failure ??= new HarnessUsageError('the simulation was closed');
    this.rising = [];
    this.falling = [];
    this.readOnlyWaiters = [];
    this.byCycle = [];
    this.conditions = [];
    this.watches.clear();
  }

  /** A task finished: the coroutine that ran it is no longer in flight. */
  taskEnded(): void {
    this.running--;
    this.maybeAdvance();
  }

  /** A promise that a coroutine awaits: it leaves the running count until the promise settles. */
  block<T>(arm: (w: Waiter) => void): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.used = true;
    let waiter!: Waiter;
    const promise: TrackedPromise<T> = new Promise<T>((resolve, reject) => {
      waiter = { resolve: resolve as (v: unknown) => void, reject, counted: true, done: false };
    });
    promise[WAITER] = waiter;
    arm(waiter);
    this.running--;
    this.maybeAdvance();
    return promise;
  }

  /** Triggers handed to first()/all() stop counting as separate waits. */
  private adopt(triggers: Promise<unknown>[]): Waiter[] {
    return triggers.map((t, i) => {
      const w = (t as TrackedPromise<unknown>)[WAITER];
      if (!w) throw new HarnessUsageError(`argument ${i + 1} of first()/all() is not a trigger of this simulation (tick(), rising(), cycles(), ...)`);
      if (w.counted) {
        w.counted = false;
        this.running++;
      }
      return w;
    });
  }

  /** Wakes one waiter (internal; used by Task). */
  fire(w: Waiter, value: unknown): void {
    if (w.done) return;
    w.done = true;
    if (w.counted) this.running++;
    w.resolve(value);
  }

  /** Wakes one waiter with an error (internal; used by Task). */
  fail1(w: Waiter, error: unknown): void {
    if (w.done) return;
    w.done = true;
    if (w.counted) this.running++;
    w.reject(error);
  }

  private fireAll(list: Waiter[]): void {
    for (const w of list) this.fire(w, undefined);
  }

  private maybeAdvance(): void {
    if (this.running > 0 || this.pendingAdvance) return;
    this.pendingAdvance = true;
    // Deferred by one microtask: the coroutine that blocked last has then really suspended, and
    // triggers built as arguments of first()/all() have been adopted (they count below zero until then).
    queueMicrotask(() => {
      this.pendingAdvance = false;
      if (this.running < 0) {
        this.running = 0;
        this.fail(new HarnessUsageError(
          'a coroutine awaited two triggers at once (Promise.all/race on triggers?): combine them with sim.first()/sim.all() instead',
        ));
      } else if (this.running === 0 && this.failure === undefined) this.advance();
    });
  }

  /** Moves the clock edge by edge until some coroutine is resumed. */
  private advance(): void {
    try {
      while (this.running === 0 && this.failure === undefined) {
        if (this.readOnlyWaiters.length > 0 && !this.readOnlyDone) {
          this.model.settle();
          this.readOnlyDone = true;
          this.gate.readOnly = true;
          const list = this.readOnlyWaiters;
          this.readOnlyWaiters = [];
          this.fireAll(list);
          continue;
        }
        this.gate.readOnly = false;
        if (!this.hasWaiters()) return;
        this.fastForward();
        const level: 0 | 1 = this.level === 0 ? 1 : 0;
        this.model.edge(level);
        this.level = level;
        this.readOnlyDone = false;
        if (level === 1) this.afterRisingEdge();
        else if (this.falling.length > 0) {
          const list = this.falling;
          this.falling = [];
          this.fireAll(list);
        }
        if (this.watches.size > 0) this.checkWatches();
      }
    } catch (e) {
      this.fail(e);
    }
  }

  private hasWaiters(): boolean {
    return this.rising.length + this.falling.length + this.byCycle.length + this.conditions.length + this.watches.size > 0;
  }

  /** When only cycle counts are awaited, run the cycles before the first deadline in one native call. */
  private fastForward(): void {
    if (this.level !== 0 || this.byCycle.length === 0) return;
    if (this.rising.length + this.falling.length + this.conditions.length + this.watches.size + this.readOnlyWaiters.length > 0) return;
    const skip = this.byCycle[0]!.target - this.model.cycle - 1;
    if (skip > 0) this.model.runCycles(skip);
  }

  private afterRisingEdge(): void {
    if (this.rising.length > 0) {
      const list = this.rising;
      this.rising = [];
      this.fireAll(list);
    }
    const cycle = this.model.cycle;
    while (this.byCycle.length > 0 && this.byCycle[0]!.target <= cycle) this.fire(this.byCycle.shift()!.waiter, undefined);
    if (this.conditions.length > 0) {
      const keep: Condition[] = [];
      for (const c of this.conditions) {
        if (c.waiter.done) continue;
        let met: boolean;
        try {
          met = c.test();
        } catch (e) {
          this.fail1(c.waiter, e);
          continue;
        }
        if (met) this.fire(c.waiter, undefined);
        else if (cycle >= c.deadline) this.fail1(c.waiter, new SimulationTimeout(c.what, c.timeoutCycles, cycle));
        else keep.push(c);
      }
      this.conditions = keep;
    }
  }

  private checkWatches(): void {
    for (const [name, w] of this.watches) {
      const now = w.port.bits();
      if (now !== w.last) {
        const wasHigh = (w.last as bigint) & 1n;
        const isHigh = now & 1n;
        w.last = now;
        this.fireAll(w.change);
        w.change = [];
        if (!wasHigh && isHigh) {
          this.fireAll(w.rise);
          w.rise = [];
        } else if (wasHigh && !isHigh) {
          this.fireAll(w.fall);
          w.fall = [];
        }
      }
      w.rise = w.rise.filter((x) => !x.done);
      w.fall = w.fall.filter((x) => !x.done);
      w.change = w.change.filter((x) => !x.done);
      if (w.rise.length + w.fall.length + w.change.length === 0) this.watches.delete(name);
    }
  }
}

/** A forked coroutine: await it (or its join()) for its result. */
export class Task<T> implements PromiseLike<T> {
  done = false;
  private ok = true;
  private value: unknown;
  private joiners: Waiter[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  /** Waits for the task to end, as a trigger: time moves on meanwhile. */
  join(): Promise<T> {
    if (this.done) return this.ok ? Promise.resolve(this.value as T) : Promise.reject(this.value);
    return this.scheduler.block<T>((w) => this.joiners.push(w));
  }

  then<A = T, B = never>(onValue?: ((v: T) => A | PromiseLike<A>) | null, onError?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.join().then(onValue, onError);
  }

  /** Called by the scheduler when the body settles. */
  settle(ok: boolean, value: unknown): void {
    this.done = true;
    this.ok = ok;
    this.value = value;
    for (const w of this.joiners) {
      if (ok) this.scheduler.fire(w, value);
      else this.scheduler.fail1(w, value);
    }
    this.joiners = [];
    this.scheduler.taskEnded();
  }
}
