/** Handlebars templates of the FPGA flow (templates/fpga/). */
import { renderTemplateFile } from '../common/templates.js';

export function renderFpgaTemplate(name: string, data: unknown): string {
  return renderTemplateFile('fpga', name, data, { strict: false });
}
