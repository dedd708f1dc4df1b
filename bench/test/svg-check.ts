/**
 * A small XML well-formedness check for the generated SVG (no XML parser is installed): tags nest
 * and close, attributes are quoted, `&` starts an entity, no raw `<` in text or attribute values.
 * Returns the problems found (empty when well-formed) and the element names in document order.
 */
export function checkXml(text: string): { problems: string[]; elements: string[] } {
  const problems: string[] = [];
  const elements: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '<') {
      tag.lastIndex = i;
      const m = tag.exec(text);
      if (!m) { problems.push(`malformed tag at ${i}: ${text.slice(i, i + 40)}`); break; }
      const [, close, name, attrs, selfClose] = m;
      if (attrs && /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(attrs)) problems.push(`bare & in attributes of <${name}>`);
      if (close) {
        const open = stack.pop();
        if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      } else {
        elements.push(name!);
        if (!selfClose) stack.push(name!);
      }
      i = tag.lastIndex;
    } else if (ch === '&') {
      entity.lastIndex = i;
      if (!entity.exec(text)) problems.push(`bare & at ${i}`);
      i++;
    } else {
      i++;
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  return { problems, elements };
}
