import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.ts';

describe('isoTime', () => {
  it('writes what toISOString writes, across leap days, month ends and the range ends', () => {
    const instants = [
      '1970-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.001Z',
      '2024-02-29T23:59:59.010Z',
      '2100-03-01T00:00:00.000Z',
      '2026-11-27T10:42:05.123Z',
      '0999-06-15T08:09:10.011Z',
      '9999-12-31T23:59:59.999Z',
    ].map((text) => new Date(text));
    for (const date of instants) expect(isoTime(date)).toBe(date.toISOString());
  });

  it('agrees with toISOString on a hundred thousand instants spread over 1970 to 9999', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 100_000; i++) {
      const date = new Date(Math.floor(next() * 253_402_300_800_000));
      expect(isoTime(date)).toBe(date.toISOString());
    }
  });

  it('leaves instants before 1970 and after 9999 to toISOString, and throws for an invalid date as it does', () => {
    for (const text of ['1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
      const date = new Date(text);
      expect(isoTime(date)).toBe(date.toISOString());
    }
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
