import type { CheckPass } from './pass.js';

/** Registers and memory ports need a clock domain. */
export const clockDomainCheck: CheckPass = {
  name: 'clock-domain',
  run(m, report) {
    for (const s of m.signals) {
      if (s.kind === 'reg' && !s.domain) {
        report('no-clock-domain', `register '${s.name}' is created outside any clock domain: create it inside m.withDomain(domain, ...) or after m.setDefaultDomain(domain) / m.clockAndReset()`, s.loc);
      }
    }
    for (const mem of m.memories) {
      for (const p of [...mem.readPorts, ...mem.writePorts, ...(mem.singlePort ? [mem.singlePort] : [])]) {
        if (!p.domain) report('no-clock-domain', `a port of memory '${mem.name}' is created outside any clock domain`, p.loc);
      }
    }
  },
};
