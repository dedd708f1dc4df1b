/**
 * Writes the report: build/bench/report.md (plots as SVG files in report-plots/ beside it) and
 * build/bench/report.html (the same content, SVG inline, no external assets). Atomic per file.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { reportDocument } from './document.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ReportInput } from './types.js';

export const PLOT_DIR = 'report-plots';

export function writeReport(input: ReportInput, outDir: string): { markdown: string; html: string; plots: string[] } {
  const blocks = reportDocument(input);
  const plots: string[] = [];
  for (const b of blocks) {
    if (b.kind !== 'figure') continue;
    const path = join(outDir, PLOT_DIR, b.name);
    writeFileAtomic(path, b.svg);
    plots.push(path);
  }
  const markdown = join(outDir, 'report.md');
  const html = join(outDir, 'report.html');
  writeFileAtomic(markdown, renderMarkdown(blocks, PLOT_DIR));
  writeFileAtomic(html, renderHtml(blocks));
  return { markdown, html, plots };
}
