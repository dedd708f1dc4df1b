import { readFileSync } from 'node:fs';
import { renderTemplateFile, templatePath } from '../../common/templates.js';
import type { ModelPort } from './ports.js';

export const WRAPPER_TEMPLATE = templatePath('verilator', 'wrapper.cpp.hbs');

/** The extern "C" wrapper source for one model; port indexes follow the order of `ports`. */
export function renderWrapper(prefix: string, top: string, ports: ModelPort[], trace: boolean): string {
  return renderTemplateFile('verilator', 'wrapper.cpp.hbs', { prefix, top, ports, trace });
}

export function wrapperTemplateText(): string {
  return readFileSync(WRAPPER_TEMPLATE, 'utf8');
}
