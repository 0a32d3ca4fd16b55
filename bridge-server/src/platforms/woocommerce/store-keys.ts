import { OutboundUrlRefusedError, type OutboundGuard } from '../../security/outbound-guard.ts';
import { PlatformAuthError } from '../connector.ts';
import { createWooCommerceConnector } from './connector.ts';
import { WooCommerceApiError } from './rest-client.ts';

export interface WooCommerceKeys {
  consumerKey: string;
  consumerSecret: string;
}

/** The store did not accept the keys (or could not be asked); nothing may be stored. */
export class StoreKeysRejectedError extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'forbidden' | 'unreachable' | 'outbound_refused',
  ) {
    super(message);
    this.name = 'StoreKeysRejectedError';
  }
}

/**
 * Checks keys against the store they are said to belong to, before anything is stored: one
 * real authenticated REST call through the connector and so through the outbound (SSRF)
 * guard. No retries: the wc-auth callback it runs in is waited for by the store.
 */
export async function verifyStoreKeys(guard: OutboundGuard, siteUrl: string, keys: WooCommerceKeys): Promise<void> {
  const connector = createWooCommerceConnector({
    siteUrl,
    consumerKey: keys.consumerKey,
    consumerSecret: keys.consumerSecret,
    guard,
    retry: { retries: 0 },
  });
  try {
    await connector.verifyCredentials();
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) throw new StoreKeysRejectedError(error.message, 'outbound_refused');
    if (error instanceof PlatformAuthError) {
      throw new StoreKeysRejectedError(`The store refused the keys: ${error.message}`, 'refused');
    }
    if (error instanceof WooCommerceApiError && error.status >= 400 && error.status < 500) {
      throw new StoreKeysRejectedError(
        `The keys do not give access to the store's WooCommerce API (${error.status} ${error.code})`,
        'forbidden',
      );
    }
    throw new StoreKeysRejectedError(`The store could not be asked about the keys: ${(error as Error).message}`, 'unreachable');
  }
}
