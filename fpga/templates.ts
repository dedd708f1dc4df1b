/** Handlebars templates of the FPGA flow (templates/fpga/), compiled once per process. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'templates', 'fpga');
const cache = new Map<string, HandlebarsTemplateDelegate>();

export function renderFpgaTemplate(name: string, data: unknown): string {
  let t = cache.get(name);
  if (!t) {
    t = Handlebars.compile(readFileSync(join(TEMPLATE_DIR, name), 'utf8'), { noEscape: true });
    cache.set(name, t);
  }
  return t(data);
}
