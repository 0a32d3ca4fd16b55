import { EventEmitter } from 'node:events';
import type { Principal } from '../db/principal.ts';

export interface StreamLimits {
  /** Open streams one user (organization + subject) may hold on this server. */
  perUser: number;
  /** Open streams one organization's users may hold together on this server. */
  perOrganization: number;
}

/** Why a stream was not admitted: the limit it would have passed. */
export interface StreamRefusal {
  scope: 'user' | 'organization';
  limit: number;
}

/**
 * The open event streams of this server, counted per user and per organization. An open stream
 * holds a socket, a subscription and a token check every heartbeat until it ends: without a cap,
 * one signed-in user could open streams until the process ran out of file descriptors or memory,
 * for every organization the server serves. A slot is taken before the stream reads anything
 * and given back exactly once, however the stream ends. Emits `release` (with the organization's
 * id) each time one is.
 */
export class StreamSlots extends EventEmitter {
  readonly #byUser = new Map<string, number>();
  readonly #byOrganization = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {
    super();
  }

  /** A slot for the principal's stream and how to give it back, or why there is none. */
  take(principal: Principal): { release: () => void } | { refused: StreamRefusal } {
    const user = `${principal.orgId}:${principal.subject}`;
    const ofUser = this.#byUser.get(user) ?? 0;
    const ofOrganization = this.#byOrganization.get(principal.orgId) ?? 0;
    if (ofUser >= this.limits.perUser) return { refused: { scope: 'user', limit: this.limits.perUser } };
    if (ofOrganization >= this.limits.perOrganization) {
      return { refused: { scope: 'organization', limit: this.limits.perOrganization } };
    }
    this.#byUser.set(user, ofUser + 1);
    this.#byOrganization.set(principal.orgId, ofOrganization + 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        decrement(this.#byUser, user);
        decrement(this.#byOrganization, principal.orgId);
        this.emit('release', principal.orgId);
      },
    };
  }

  /** Slots one organization's streams hold in this server. */
  held(orgId: string): number {
    return this.#byOrganization.get(orgId) ?? 0;
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 0) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
