/** Handlebars templates kept under templates/<folder>/, each compiled once per process. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const TEMPLATES_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'templates');
const cache = new Map<string, HandlebarsTemplateDelegate>();

export function templatePath(folder: string, name: string): string {
  return join(TEMPLATES_ROOT, folder, name);
}

/** `strict` (the default) makes a field missing from `data` an error instead of an empty string. */
export function renderTemplateFile(folder: string, name: string, data: unknown, opts: { strict?: boolean } = {}): string {
  const strict = opts.strict ?? true;
  const key = `${folder}/${name}/${strict}`;
  let t = cache.get(key);
  if (!t) {
    t = Handlebars.compile(readFileSync(templatePath(folder, name), 'utf8'), { noEscape: true, strict });
    cache.set(key, t);
  }
  return t(data);
}
