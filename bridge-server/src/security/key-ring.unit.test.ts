import { describe, expect, it } from 'vitest';
import { KeyRing, UnknownKeyError } from './key-ring.ts';

const oldKey = `old:${KeyRing.generateKey()}`;
const newKey = `new:${KeyRing.generateKey()}`;

describe('KeyRing', () => {
  it('opens what it sealed, and only with the same context', () => {
    const ring = new KeyRing(oldKey);
    const sealed = ring.seal('shpat_secret', 'store:1');
    expect(sealed.keyId).toBe('old');
    expect(sealed.ciphertext.toString('latin1')).not.toContain('shpat_secret');
    expect(ring.open(sealed, 'store:1')).toBe('shpat_secret');
    expect(() => ring.open(sealed, 'store:2')).toThrow();
  });

  it('detects a flipped byte', () => {
    const ring = new KeyRing(oldKey);
    const sealed = ring.seal('value', 'ctx');
    sealed.ciphertext[sealed.ciphertext.length - 1]! ^= 1;
    expect(() => ring.open(sealed, 'ctx')).toThrow();
  });

  it('names a key that is not in the ring', () => {
    const sealed = new KeyRing(oldKey).seal('value', 'ctx');
    expect(() => new KeyRing(newKey).open(sealed, 'ctx')).toThrow(UnknownKeyError);
  });
});
