import cliProgress from 'cli-progress';

/** A progress bar for long work; on a non-TTY (CI logs) it prints a line every few percent. */
export interface Progress {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

export function startProgress(label: string, total: number, fields: string[] = []): Progress {
  if (process.stderr.isTTY) {
    const format = `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}` +
      fields.map((f) => ` ${f} {${f}}`).join('');
    const bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, Object.fromEntries(fields.map((f) => [f, ''])));
    return { update: (done, payload) => bar.update(done, payload), stop: () => bar.stop() };
  }
  let lastTenth = -1;
  return {
    update(done, payload) {
      const tenth = Math.floor((10 * done) / Math.max(1, total));
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const extra = payload ? ' ' + Object.entries(payload).map(([k, v]) => `${k} ${v}`).join(' ') : '';
      process.stderr.write(`${label} ${done}/${total}${extra}\n`);
    },
    stop() {},
  };
}
