import type { Database } from '../db/database.ts';
import type { Platform, StoreService } from '../domain/stores/store-service.ts';

export interface StoreHome {
  orgId: string;
  storeId: string;
  platform: Platform;
  status: string;
}

interface Entry {
  value: StoreHome | undefined;
  expires: number;
}

/**
 * Remembers the store a webhook belongs to, found before any principal exists (each platform
 * says how to find it: by shop domain, by store id in the URL, …). Answers are cached briefly
 * (unknown stores for less long) so a burst of deliveries costs one look-up.
 */
export class StoreDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    /** For the platforms' look-ups, which run before any principal exists. */
    readonly db: Database,
    readonly stores: StoreService,
    private readonly ttlMs = 30_000,
    private readonly missTtlMs = 5_000,
  ) {}

  /** The cached answer for `key` of this kind of look-up, else what `load` finds (remembered). */
  async find<T extends StoreHome>(kind: string, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const cacheKey = `${kind}\u0000${key}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.expires > Date.now()) return hit.value as T | undefined;
    const value = await load();
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(cacheKey, { value, expires: Date.now() + (value ? this.ttlMs : this.missTtlMs) });
    return value;
  }

  /**
   * Forget what is known of a store (its secret or status changed). Remembered misses go too:
   * the store may just have become a shop's active store.
   */
  forget(storeId: string): void {
    for (const [key, entry] of this.entries) {
      if (!entry.value || entry.value.storeId === storeId) this.entries.delete(key);
    }
  }
}
