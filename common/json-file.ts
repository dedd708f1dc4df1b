import { readFileSync } from 'node:fs';
import { UserError } from './user-error.js';

/**
 * Reads and parses a JSON file a user gave us; a missing file or a syntax error is a UserError
 * naming the file and what it was meant to hold (`what`, e.g. "the engine configuration").
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(`${path}: expected JSON, found a syntax error: ${(e as Error).message}`);
  }
}
