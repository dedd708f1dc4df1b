/** Handlebars frames from templates/verilog/. */
import { renderTemplateFile } from '../../common/templates.js';

export function renderTemplate(name: string, data: unknown): string {
  return renderTemplateFile('verilog', name, data);
}
