import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EncryptionKey } from './field-cipher.js';

/** For local runs only: reads the development key, creating it (mode 600) on first use. */
export function loadOrCreateDevKey(file: string): EncryptionKey {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`Development key in ${file} is not 32 bytes; delete it to generate a new one`);
  return { id: 'dev', key };
}
