/**
 * Loads a configuration of examples (configs/examples.json) and reports the first mistake as one
 * line naming the file, the field, what was expected and what was found.
 */
import { z } from 'zod';
import { UserError } from '../../common/user-error.js';
import { EXAMPLE_FIELDS, exampleEntrySchema, type ExampleEntry, type ExampleKind } from './index.js';
import { readJsonFile } from '../../common/json-file.js';

export interface ExamplesConfig {
  examples: ExampleEntry[];
}

const configSchema = z.object({
  $comment: z.string().optional(),
  examples: z.array(exampleEntrySchema).min(1),
}).strict();

export function loadExamplesConfig(path: string): ExamplesConfig {
  return parseExamplesConfig(readJsonFile(path, 'the configuration'), path);
}

export function parseExamplesConfig(raw: unknown, source: string): ExamplesConfig {
  const r = configSchema.safeParse(raw);
  if (r.success) return { examples: r.data.examples };
  const issues = r.error.issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new UserError(`${source}: ${describeIssue(issues[0]!, raw)}${more}`);
}

/** `examples[2].depth: expected a power of two >= 2, found 12` */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path as (string | number)[];
  const found = (p: (string | number)[]): string => show(valueAt(raw, p));
  switch (issue.code) {
    case 'invalid_type':
      return `${fieldName(path)}: expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, found ${found(path)}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : (issue.inclusive ? '<=' : '<');
      const what = issue.origin === 'array' ? `a list with ${op} ${bound} entries` : `a ${issue.origin} ${op} ${bound}`;
      return `${fieldName(path)}: expected ${what}, found ${found(path)}`;
    }
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) {
        return `${fieldName(path)}: expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, found ${found(path)}`;
      }
      return `${fieldName(path)}: ${issue.message}, found ${found(path)}`;
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const kind = (valueAt(raw, path) as { example?: string } | undefined)?.example;
      const allowed = kind && kind in EXAMPLE_FIELDS ? EXAMPLE_FIELDS[kind as ExampleKind] : path.length === 0 ? ['examples', '$comment'] : [];
      return `${fieldName([...path, key])}: expected no such field${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}, found ${found([...path, key])}`;
    }
    case 'invalid_value':
      return `${fieldName(path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found(path)}`;
    default:
      return `${fieldName(path)}: ${issue.message}, found ${found(path)}`;
  }
}

function fieldName(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v = raw;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
