/** @dockhand/emulators: local Shopify and WooCommerce stand-ins that speak the real protocols. */
export * from './shopify/index.ts';
export { startWooCommerceEmulator } from './woocommerce/index.ts';
export type {
  WooCommerceEmulator,
  WooCommerceEmulatorOptions,
  WooCommerceSiteInfo,
  WooCommerceControl,
} from './woocommerce/index.ts';
