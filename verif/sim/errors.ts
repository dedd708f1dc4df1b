/** The design stopped the simulation: $fatal, $stop, a failed immediate assertion or a Verilator fatal error. */
export class SimulationError extends Error {
  constructor(message: string, readonly cycle: number) {
    super(message);
    this.name = 'SimulationError';
  }
}

/** The design called $finish: the simulation ended cleanly; awaiting coroutines are released with this. */
export class SimulationFinished extends Error {
  constructor(readonly where: string, readonly cycle: number) {
    super(`the design called $finish at ${where} (cycle ${cycle})`);
    this.name = 'SimulationFinished';
  }
}

/** A wait counted in clock cycles ran out. */
export class SimulationTimeout extends Error {
  constructor(what: string, readonly cycles: number, readonly cycle: number) {
    super(`timed out after ${cycles} cycles waiting for ${what} (now at cycle ${cycle})`);
    this.name = 'SimulationTimeout';
  }
}

/** A port value that does not match what the test expected. */
export class PortMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortMismatch';
  }
}

/** Misuse of the harness by a test: unknown port, value too wide, write in the read-only phase... */
export class HarnessUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessUsageError';
  }
}
