/**
 * Structure of elaborated designs: per-parameter-set module names and deduplication, flattened
 * bundle ports with directions, the port lists harnesses use, parameter headers, FSM encoding.
 */
import { describe, expect, it } from 'vitest';
import { Bool, Ram, UInt, defineModule, elaborate, stream } from '../dsl/index.js';
import { emitVerilog } from '../emit/index.js';


describe('design structure', () => {
  it('names modules by parameter values and elaborates each set once', () => {
    let builds = 0;
    const Leaf = defineModule('leaf', (m, p: { width: number; depth: number }) => {
      builds++;
      m.output('q', UInt(p.width)).set(p.depth % 2);
    });
    const Top = defineModule('top', (m) => {
      const a = m.instance('a', Leaf({ width: 8, depth: 16 }));
      const b = m.instance('b', Leaf({ depth: 16, width: 8 }));
      const c = m.instance('c', Leaf({ width: 4, depth: 3 }));
      m.output('y', UInt(20)).set(a.io.q.add(b.io.q).add(c.io.q).zext(20));
    });
    const d = elaborate(Top());
    expect(d.modules.map((x) => x.name)).toEqual(['leaf_w8_d16', 'leaf_w4_d3', 'top']);
    expect(builds).toBe(2);
    console.log(`compared module names ${d.modules.map((x) => x.name).join(', ')} and ${builds} builds for 3 instances`);
  });

  it('flattens stream bundles into name_valid / name_ready / name_data with flipped directions', () => {
    const P = defineModule('flat2', (m) => {
      const input = m.input('in', stream(UInt(8)));
      const out = m.output('out', stream(UInt(8)));
      m.connect(out, input);
    });
    const ports = elaborate(P()).ports();
    console.log(`compared ${ports.length} flattened stream ports`);
    expect(ports).toEqual([
      { name: 'in_valid', direction: 'input', width: 1, signed: false },
      { name: 'in_ready', direction: 'output', width: 1, signed: false },
      { name: 'in_data', direction: 'input', width: 8, signed: false },
      { name: 'out_valid', direction: 'output', width: 1, signed: false },
      { name: 'out_ready', direction: 'input', width: 1, signed: false },
      { name: 'out_data', direction: 'output', width: 8, signed: false },
    ]);
  });

  it('lists generator parameters in the header and keeps Verilog parameters overridable', () => {
    const d = elaborate(Ram({ width: 12, addrWidth: 6 }));
    const text = emitVerilog(d).files[0]!.text;
    expect(text).toMatch(/^\/\/ ram_w12_a6: generated/);
    expect(text).toContain('//   width = 12\n//   addrWidth = 6\n');
    expect(text).toContain('module ram_w12_a6 #(\n  parameter WIDTH = 12,\n  parameter ADDR_WIDTH = 6\n) (');
    expect(text).toMatch(/input {2}wire \[WIDTH-1:0\] +wdata/);
    expect(text).toContain('reg [WIDTH-1:0] mem [0:(1 << ADDR_WIDTH) - 1];');
    expect(d.ports().find((p) => p.name === 'rdata')).toEqual({ name: 'rdata', direction: 'output', width: 12, signed: false, param: 'WIDTH' });
  });

  it('encodes FSM states as readable localparams in declaration order', () => {
    const M = defineModule('fsmenc', (m) => {
      m.clockAndReset();
      const go = m.input('go', Bool);
      const f = m.fsm('mc', ['wait', 'fetch', 'exec'] as const, { initial: 'fetch' });
      f.state('wait', () => m.when(go, () => f.goto('fetch')));
      f.state('fetch', () => f.goto('exec'));
      f.state('exec', () => f.goto('wait'));
      m.output('s', UInt(2)).set(f.reg);
    });
    const text = emitVerilog(elaborate(M()), { locators: false }).files[0]!.text;
    expect(text).toContain("localparam [1:0] MC_WAIT = 2'd0;\n  localparam [1:0] MC_FETCH = 2'd1;\n  localparam [1:0] MC_EXEC = 2'd2;");
    expect(text).toContain("mc_state <= 2'd1;");
    expect(text).toContain('MC_FETCH: begin\n          mc_state <= MC_EXEC;');
  });
});
