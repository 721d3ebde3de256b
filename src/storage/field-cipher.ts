import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One AES-256 key and the id stored beside every value it encrypts. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * Encrypts free text before it reaches Table Storage. The context (table, keys and field name) is
 * authenticated, so a value copied into another entity or field fails to decrypt.
 */
export interface FieldCipher {
  encrypt(plain: string, context: string): string;
  decrypt(stored: string, context: string): string;
  readonly activeKeyId: string;
}

/** Thrown when a stored value cannot be decrypted: unknown key, tampered data or wrong context. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

const PREFIX = 'e1';
const TAG_BYTES = 16;

/** Builds a cipher that encrypts with the first key and decrypts with any listed key (rotation). */
export function createFieldCipher(keys: readonly EncryptionKey[]): FieldCipher {
  const [active] = keys;
  if (!active) throw new Error('At least one encryption key is required');
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`Encryption key ${k.id} must be 32 bytes (AES-256)`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error('Encryption key ids use letters, digits, _ and - only');
  }
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    activeKeyId: active.id,
    encrypt(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [PREFIX, active.id, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
    },
    decrypt(stored, context) {
      const parts = stored.split('.');
      if (parts.length !== 5 || parts[0] !== PREFIX) throw new DecryptionError('Stored value is not in the expected encrypted form');
      const [, kid, ivText, ctText, tagText] = parts as [string, string, string, string, string];
      const key = byId.get(kid);
      if (!key) throw new DecryptionError(`No key with id ${kid} is configured`);
      const tag = Buffer.from(tagText, 'base64url');
      // Node accepts GCM tags as short as 4 bytes unless told otherwise; a cut tag is a forgery attempt.
      if (tag.length !== TAG_BYTES) throw new DecryptionError('Stored value failed authentication (tampered, moved or wrong key)');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new DecryptionError('Stored value failed authentication (tampered, moved or wrong key)', { cause: error });
      }
    },
  };
}

/** Parses ENCRYPTION_KEYS: "id:base64key,id2:base64key", the first one active. */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new Error('each entry must be id:base64key');
      const key = Buffer.from(entry.slice(i + 1), 'base64');
      return { id: entry.slice(0, i), key };
    });
}
