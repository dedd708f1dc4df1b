import type { CheckPass } from './pass.js';

/** Outputs, wires and registers without reset value must be assigned; instance inputs connected. */
export const undrivenCheck: CheckPass = {
  name: 'undriven',
  run(m, report) {
    const continuous = new Set(m.continuous.map((c) => c.target));
    for (const s of m.signals) {
      if (s.assignCount > 0 || continuous.has(s)) continue;
      if (s.kind === 'output') report('undriven', `output '${s.name}' of module ${m.name} is never assigned`, s.loc);
      else if (s.kind === 'wire') report('undriven', `wire '${s.name}' is never assigned`, s.loc);
      else if (s.kind === 'reg' && s.init === undefined) report('undriven', `register '${s.name}' is never assigned and has no reset value`, s.loc);
      else if (s.kind === 'inst-in') {
        report('missing-connection', `instance ${s.instance!.name} (${s.instance!.module.name}): input port '${s.port}' is not connected`, s.instance!.loc);
      }
    }
  },
};
