/** A self-contained HTML page of the report blocks: inline CSS, inline SVG, no external assets. */
import type { Block } from './document.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}figure{margin:1em 0}figcaption{font-size:90%;color:#555}`;

export function renderHtml(blocks: readonly Block[]): string {
  const first = blocks.find((b) => b.kind === 'heading');
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'heading': return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
      case 'paragraph': return `<p>${escapeHtml(b.text)}</p>`;
      case 'list': return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
      case 'table':
        return `<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
          b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
      case 'figure': return `<figure>${b.svg.trim()}<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    }
  });
  return ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${escapeHtml(first?.kind === 'heading' ? first.text : 'report')}</title>`,
    `<style>${STYLE}</style></head><body>`, ...body, '</body></html>', ''].join('\n');
}
