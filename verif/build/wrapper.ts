import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { templateDir } from './paths.js';
import type { ModelPort } from './ports.js';

export const WRAPPER_TEMPLATE = join(templateDir, 'wrapper.cpp.hbs');

let compiled: HandlebarsTemplateDelegate | undefined;

/** The extern "C" wrapper source for one model; port indexes follow the order of `ports`. */
export function renderWrapper(prefix: string, top: string, ports: ModelPort[], trace: boolean): string {
  compiled ??= Handlebars.compile(readFileSync(WRAPPER_TEMPLATE, 'utf8'), { noEscape: true, strict: true });
  return compiled({ prefix, top, ports, trace });
}

export function wrapperTemplateText(): string {
  return readFileSync(WRAPPER_TEMPLATE, 'utf8');
}
