import type { CheckPass } from './pass.js';

/** Every state a goto targets must have a body (fsm.state(name, ...)). */
export const fsmCheck: CheckPass = {
  name: 'fsm-states',
  run(m, report) {
    for (const f of m.fsms) {
      const reported = new Set<string>();
      for (const t of f.targets) {
        if (f.defined.has(t.state) || reported.has(t.state)) continue;
        reported.add(t.state);
        report('fsm-undefined-state', `fsm '${f.name}': state '${t.state}' is the target of a goto but is never defined with fsm.state('${t.state}', ...)`, t.loc);
      }
    }
  },
};
