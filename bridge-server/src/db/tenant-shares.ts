/**
 * Each tenant's share of a connection pool: at most `limit` of one tenant's reads hold a
 * connection at once, and the others wait in that tenant's own line, in order. The pool is
 * shared by every organization the server serves; without shares, one organization's burst of
 * slow reads (a search of a common word in a million orders takes half a second) would hold
 * every connection, and every other organization's requests would queue behind it.
 */
export class TenantShares {
  readonly #tenants = new Map<string, { held: number; line: Array<() => void> }>();

  constructor(
    readonly limit: number,
    /** How long a read waits in its tenant's line before it fails (as a pool's connect timeout does). */
    private readonly timeoutMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a tenant's share must be at least 1 (got ${limit})`);
  }

  /** Waits for a place in the tenant's share; answers how to give it back (once). */
  async acquire(tenant: string): Promise<() => void> {
    let state = this.#tenants.get(tenant);
    if (!state) this.#tenants.set(tenant, (state = { held: 0, line: [] }));
    if (state.held < this.limit) {
      state.held++;
    } else {
      const entry = state;
      await new Promise<void>((resolve, reject) => {
        const admit = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          // Still in line: an admitted read's timer was cleared when it was let in.
          const place = entry.line.indexOf(admit);
          if (place >= 0) entry.line.splice(place, 1);
          reject(new TenantShareTimeoutError(this.timeoutMs));
        }, this.timeoutMs);
        entry.line.push(admit);
      });
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#release(tenant);
    };
  }

  /** Places in use by the tenant's reads. */
  held(tenant: string): number {
    return this.#tenants.get(tenant)?.held ?? 0;
  }

  #release(tenant: string): void {
    const state = this.#tenants.get(tenant)!;
    // The place passes to the next in line, or is given up.
    const next = state.line.shift();
    if (next) return next();
    state.held--;
    if (state.held === 0) this.#tenants.delete(tenant);
  }
}

/** Read as a connect timeout (503, try again): the message is the one node-postgres' pool uses. */
export class TenantShareTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `timeout exceeded when trying to connect: this organization's share of the connections stayed in use for ${timeoutMs} ms`,
    );
    this.name = 'TenantShareTimeoutError';
  }
}
