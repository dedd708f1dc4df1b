import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve, isAbsolute } from 'node:path';

/** Where in the user's TypeScript a piece of hardware was described. */
export interface SourceLocation {
  file: string;
  line: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Frames inside the DSL itself, its checks and emitter, Node internals and libraries are not
// "user code"; the first frame outside them is the location we report.
const INTERNAL_FRAME = /[\\/]generator[\\/](dsl|checks|emit)[\\/]|[\\/]node_modules[\\/]|^node:|\(node:/;
const FRAME_FILE_LINE = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?\s*$/;

let captureEnabled = true;

/** Location capture costs a stack walk per statement; benchmarks may turn it off. */
export function setLocationCapture(enabled: boolean): void {
  captureEnabled = enabled;
}

/**
 * A lazily resolved call site. Capturing is a cheap V8 stack walk; the (source-mapped) text of the
 * stack is only formatted and parsed when a message or a locator actually needs it.
 */
export class Loc {
  private holder: { stack?: string } | undefined;
  private resolved: SourceLocation | undefined;

  private constructor(holder: { stack?: string } | undefined, resolved?: SourceLocation) {
    this.holder = holder;
    this.resolved = resolved;
  }

  static capture(): Loc {
    if (!captureEnabled) return UNKNOWN;
    const holder: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 24;
    Error.captureStackTrace(holder, Loc.capture);
    Error.stackTraceLimit = limit;
    return new Loc(holder);
  }

  static at(file: string, line: number): Loc {
    return new Loc(undefined, { file, line });
  }

  get(): SourceLocation {
    if (this.resolved) return this.resolved;
    this.resolved = parseUserFrame(this.holder?.stack ?? '');
    this.holder = undefined;
    return this.resolved;
  }

  get known(): boolean {
    return this.get().line > 0;
  }

  toString(): string {
    const { file, line } = this.get();
    return line > 0 ? `${file}:${line}` : file;
  }
}

const UNKNOWN = Loc.at('<unknown location>', 0);

function parseUserFrame(stack: string): SourceLocation {
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (INTERNAL_FRAME.test(text)) continue;
    const m = FRAME_FILE_LINE.exec(text);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (isAbsolute(file)) {
      const rel = relative(REPO_ROOT, file);
      if (!rel.startsWith('..')) file = rel.split('\\').join('/');
    }
    return { file, line: Number(m[2]) };
  }
  return { file: '<unknown location>', line: 0 };
}
