import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, DecryptionError, parseEncryptionKeys, type EncryptionKey } from '../../src/storage/field-cipher.js';

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });
const CONTEXT = 'tencsassessments|owner-1|case-1|answers';

/** Flips one character of the base64url segment `index` (iv, ciphertext or tag) of a stored value. */
function tamper(stored: string, index: 2 | 3 | 4): string {
  const parts = stored.split('.');
  const segment = parts[index]!;
  const flipped = segment.startsWith('A') ? 'B' : 'A';
  parts[index] = flipped + segment.slice(1);
  return parts.join('.');
}

describe('field cipher (AES-256-GCM with key ids)', () => {
  it('when text is encrypted, then it decrypts to the same text in the same context, for any text', () => {
    const cipher = createFieldCipher([key('k1')]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (plain) => {
        expect(cipher.decrypt(cipher.encrypt(plain, CONTEXT), CONTEXT)).toBe(plain);
      }),
      { numRuns: 200 },
    );
  });

  it('when the same text is encrypted twice, then the stored values differ and contain no plaintext', () => {
    const cipher = createFieldCipher([key('k1')]);
    const plain = 'Sally shared images on a distinctive-platform-name';
    const a = cipher.encrypt(plain, CONTEXT);
    const b = cipher.encrypt(plain, CONTEXT);
    expect(a).not.toBe(b);
    for (const stored of [a, b]) {
      expect(stored).not.toContain('distinctive');
      expect(Buffer.from(stored.split('.')[3]!, 'base64url').toString('utf8')).not.toContain('distinctive');
      expect(stored.split('.').slice(0, 2)).toEqual(['e1', 'k1']);
    }
  });

  it('when the IV, ciphertext or tag is changed, then decryption fails with DecryptionError', () => {
    const cipher = createFieldCipher([key('k1')]);
    const stored = cipher.encrypt('a practitioner answer', CONTEXT);
    for (const index of [2, 3, 4] as const) {
      expect(() => cipher.decrypt(tamper(stored, index), CONTEXT)).toThrow(DecryptionError);
    }
  });

  it('when a value is truncated or not in the encrypted form, then decryption fails with DecryptionError', () => {
    const cipher = createFieldCipher([key('k1')]);
    const stored = cipher.encrypt('a practitioner answer', CONTEXT);
    expect(() => cipher.decrypt(stored.slice(0, -4), CONTEXT)).toThrow(DecryptionError);
    expect(() => cipher.decrypt('a practitioner answer', CONTEXT)).toThrow(DecryptionError);
    expect(() => cipher.decrypt(stored.replace(/^e1\./, 'e2.'), CONTEXT)).toThrow(DecryptionError);
  });

  it('when the authentication tag is cut short (a GCM forgery shortcut), then decryption fails', () => {
    const cipher = createFieldCipher([key('k1')]);
    const parts = cipher.encrypt('a practitioner answer', CONTEXT).split('.');
    const tag = Buffer.from(parts[4]!, 'base64url');
    for (const bytes of [4, 8, 12, 15]) {
      const cut = [...parts.slice(0, 4), tag.subarray(0, bytes).toString('base64url')].join('.');
      expect(() => cipher.decrypt(cut, CONTEXT)).toThrow(DecryptionError);
    }
  });

  it('when a value is copied to another entity or field, then it fails to decrypt there', () => {
    const cipher = createFieldCipher([key('k1')]);
    const stored = cipher.encrypt('an answer for case 1', CONTEXT);
    expect(() => cipher.decrypt(stored, 'tencsassessments|owner-2|case-1|answers')).toThrow(DecryptionError);
    expect(() => cipher.decrypt(stored, 'tencsassessments|owner-1|case-2|answers')).toThrow(DecryptionError);
    expect(() => cipher.decrypt(stored, 'tencsassessments|owner-1|case-1|composite')).toThrow(DecryptionError);
  });

  it('when the stored key id is not configured, then decryption fails with DecryptionError naming only the id', () => {
    const writer = createFieldCipher([key('old')]);
    const reader = createFieldCipher([key('new')]);
    const stored = writer.encrypt('an answer', CONTEXT);
    expect(() => reader.decrypt(stored, CONTEXT)).toThrow(/No key with id old/);
  });

  it('when the key id is swapped to another configured key, then decryption fails', () => {
    const a = key('a');
    const b = key('b');
    const cipher = createFieldCipher([a, b]);
    const stored = cipher.encrypt('an answer', CONTEXT);
    expect(() => cipher.decrypt(stored.replace('.a.', '.b.'), CONTEXT)).toThrow(DecryptionError);
  });

  it('when a new active key is added in front of the old one, then old values still decrypt and new values use the new key', () => {
    const old = key('2024');
    const before = createFieldCipher([old]);
    const oldValue = before.encrypt('written last year', CONTEXT);

    const fresh = key('2025');
    const after = createFieldCipher([fresh, old]);
    expect(after.activeKeyId).toBe('2025');
    expect(after.decrypt(oldValue, CONTEXT)).toBe('written last year');
    const newValue = after.encrypt('written this year', CONTEXT);
    expect(newValue.split('.')[1]).toBe('2025');
    // Once the old key is retired, only values written with it become unreadable.
    const retired = createFieldCipher([fresh]);
    expect(retired.decrypt(newValue, CONTEXT)).toBe('written this year');
    expect(() => retired.decrypt(oldValue, CONTEXT)).toThrow(DecryptionError);
  });

  it('when keys are configured badly, then the cipher refuses to start', () => {
    expect(() => createFieldCipher([])).toThrow();
    expect(() => createFieldCipher([{ id: 'short', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => createFieldCipher([{ id: 'bad.id', key: randomBytes(32) }])).toThrow();
  });

  it('when ENCRYPTION_KEYS lists two keys, then both parse in order with the first active', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const keys = parseEncryptionKeys(`new:${k1.toString('base64')}, old:${k2.toString('base64')}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[0]!.key.equals(k1)).toBe(true);
    expect(createFieldCipher(keys).activeKeyId).toBe('new');
  });
});
