import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyRingSpec } from '../config/env.ts';

export interface Sealed {
  ciphertext: Buffer;
  keyId: string;
}

export class UnknownKeyError extends Error {
  constructor(keyId: string) {
    super(`No key "${keyId}" in the key ring (DOCKHAND_KEYS): a value sealed with it cannot be opened`);
    this.name = 'UnknownKeyError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under a ring of keys. The first key seals; any key in the ring opens.
 * The sealed form is iv ‖ tag ‖ ciphertext, with the key id kept beside it, so keys can
 * rotate: add a new key first, re-seal, then drop the old one. `context` (e.g. the row's
 * org and store id) is bound as additional data, so a value copied to another row fails.
 */
export class KeyRing {
  private readonly keys: Map<string, Buffer>;
  readonly activeKeyId: string;

  constructor(spec: string) {
    const entries = parseKeyRingSpec(spec);
    this.keys = new Map(entries.map((entry) => [entry.id, entry.key]));
    this.activeKeyId = entries[0]!.id;
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]), keyId: this.activeKeyId };
  }

  open(sealed: Sealed, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new UnknownKeyError(sealed.keyId);
    const iv = sealed.ciphertext.subarray(0, IV_BYTES);
    const tag = sealed.ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.ciphertext.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  needsRotation(keyId: string): boolean {
    return keyId !== this.activeKeyId;
  }
}
