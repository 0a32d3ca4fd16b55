export { startShopifyEmulator } from './emulator.ts';
export {
  DEFAULT_API_VERSION,
  DEFAULT_SCOPES,
  type ShopifyEmulator,
  type ShopifyEmulatorOptions,
  type ShopifyControl,
  type WebhookControl,
  type ShopInfo,
  type OrderSummary,
  type OrderRef,
  type InventoryRow,
} from './types.ts';
export { requestWithHost } from './http.ts';
export type { WebhookFaults, DeliveryRecord, DeliveryOutcome } from './webhooks.ts';
export { RETRY_SCHEDULE_MS, COMPLIANCE_TOPICS } from './webhooks.ts';
export type { MintSessionTokenOptions } from './auth.ts';
export type { CreateOrderInput } from './operations.ts';
export type { ThrottleStatus } from './cost.ts';
export { parseJsonKeepingBigInts } from './json.ts';
