/** The energy model's public API (docs/energy.md). */
export * from './table.js';
export * from './model.js';
export * from './counters.js';
export * from './report.js';
export * from './breakdown.js';
