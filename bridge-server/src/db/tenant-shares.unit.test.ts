import { describe, expect, it } from 'vitest';
import { TenantShares, TenantShareTimeoutError } from './tenant-shares.ts';

describe('TenantShares', () => {
  it('lets a tenant’s reads in up to its share, then in the order they came, each place given back once', async () => {
    const shares = new TenantShares(2, 10_000);
    const first = await shares.acquire('a');
    const second = await shares.acquire('a');
    const admitted: string[] = [];
    const inLine = (name: string) =>
      shares.acquire('a').then((leave) => {
        admitted.push(name);
        return leave;
      });
    const third = inLine('third');
    const fourth = inLine('fourth');
    // Another tenant is not in that line.
    const other = await shares.acquire('b');
    expect(shares.held('a')).toBe(2);

    first();
    first(); // twice: the second call gives back nothing
    const leaveThird = await third;
    expect(admitted).toEqual(['third']);
    expect(shares.held('a')).toBe(2);
    second();
    const leaveFourth = await fourth;
    expect(admitted).toEqual(['third', 'fourth']);
    leaveThird();
    leaveFourth();
    other();
    expect(shares.held('a')).toBe(0);
    expect(shares.held('b')).toBe(0);
  });

  it('fails a read that waited too long, and leaves the rest of the line as it was', async () => {
    const shares = new TenantShares(1, 50);
    const held = await shares.acquire('a');
    const late = shares.acquire('a');
    await expect(late).rejects.toBeInstanceOf(TenantShareTimeoutError);
    await expect(late).rejects.toThrow(/^timeout exceeded when trying to connect/);
    // The place is still the holder's; the next read waits for it and gets it.
    const next = shares.acquire('a');
    held();
    const leave = await next;
    expect(shares.held('a')).toBe(1);
    leave();
    expect(shares.held('a')).toBe(0);
  });

  it('refuses a share smaller than one', () => {
    expect(() => new TenantShares(0, 1000)).toThrow(RangeError);
  });
});
