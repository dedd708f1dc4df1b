/** A top-level port of a Verilated model, as the harness needs it. */
export interface ModelPort {
  name: string;
  direction: 'input' | 'output' | 'inout';
  width: number;
  /** Bytes per storage element: 1 (CData), 2 (SData), 4 (IData or a VlWide word), 8 (QData). */
  bytes: 1 | 2 | 4 | 8;
  /** Number of 32-bit words for wide ports (> 64 bits), else 1. */
  words: number;
  signed: boolean;
}

const DECL = /^\s*VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+)(?:,(\d+))?\);/;

/**
 * Reads the ports from the V<prefix>.h Verilator generated: one `VL_IN8(&clk,0,0);`-style
 * declaration per port. Verilator does not record signedness there, so every port starts unsigned.
 */
export function parseModelPorts(header: string): ModelPort[] {
  const ports: ModelPort[] = [];
  for (const line of header.split('\n')) {
    const m = DECL.exec(line);
    if (!m) continue;
    const [, dir, kind, name, msb, lsb] = m;
    const width = Number(msb) - Number(lsb) + 1;
    const direction = dir === 'IN' ? 'input' : dir === 'OUT' ? 'output' : 'inout';
    const bytes = kind === '8' ? 1 : kind === '16' ? 2 : kind === '64' ? 8 : 4;
    const words = kind === 'W' ? Math.ceil(width / 32) : 1;
    ports.push({ name: name!, direction, width, bytes, words, signed: false });
  }
  return ports;
}
