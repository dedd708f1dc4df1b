import type { SimulationOptions, PortSpec } from './sim/simulation.js';

/** What the DSL emitter (generator/emit) produces for one design. */
export interface EmittedDesign {
  top: string;
  files: { name: string; text: string }[];
  /** Port lists per module name; the top's is used. */
  ports?: Record<string, PortSpec[]>;
}

/**
 * Simulation options for an emitted design: in-memory sources, its top, and the top's port list
 * (so signed ports read back signed and widths are cross-checked against the model).
 */
export function fromEmitted(emitted: EmittedDesign, extra: Partial<SimulationOptions> = {}): SimulationOptions {
  const ports = emitted.ports?.[emitted.top];
  return { ...extra, sources: emitted.files, top: emitted.top, ...(ports ? { ports } : {}) };
}
