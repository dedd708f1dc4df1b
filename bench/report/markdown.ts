/** Markdown rendering of the report blocks; figures become links to SVG files beside the report. */
import type { Block } from './document.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(blocks: readonly Block[], plotDir: string): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading': out.push(`${'#'.repeat(b.level)} ${b.text}`, ''); break;
      case 'paragraph': out.push(b.text, ''); break;
      case 'list': out.push(...b.items.map((i) => `- ${i}`), ''); break;
      case 'table':
        out.push(`| ${b.head.map(cell).join(' | ')} |`, `| ${b.head.map(() => '---').join(' | ')} |`, ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '');
        break;
      case 'figure': out.push(`![${b.caption}](${plotDir}/${b.name})`, ''); break;
    }
  }
  return out.join('\n');
}
