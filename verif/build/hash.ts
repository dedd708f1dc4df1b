import { createHash } from 'node:crypto';

/** A short content hash of several named parts; names are hashed too so parts cannot shift. */
export function contentHash(parts: Record<string, string | readonly string[]>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(parts).sort()) {
    const value = parts[key]!;
    const items = typeof value === 'string' ? [value] : value;
    h.update(`${key}\0${items.length}\0`);
    for (const item of items) h.update(`${item.length}\0${item}`);
  }
  return h.digest('hex').slice(0, 16);
}
