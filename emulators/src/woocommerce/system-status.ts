/**
 * `GET /system_status`: the part integrations read to test a connection (versions, home URL,
 * currency settings, whether the connection is secure). Everything else is left out.
 */
import type { Route } from './rest.ts';
import { WC_VERSION, WP_VERSION } from './seed-data.ts';

export function systemStatusRoutes(): Route[] {
  return [
    {
      pattern: /^\/system_status\/?$/,
      handlers: {
        GET: {
          op: 'list',
          handle(req) {
            const home = req.restBase.replace(/\/wp-json\/wc\/v3$/, '');
            return {
              body: {
                environment: {
                  home_url: home,
                  site_url: home,
                  store_id: null,
                  version: WC_VERSION,
                  wp_version: WP_VERSION,
                  wp_multisite: false,
                  wp_memory_limit: 268435456,
                  wp_debug_mode: false,
                  language: 'en_US',
                  server_info: 'Apache/2.4',
                  php_version: '8.2.28',
                  default_timezone: 'UTC',
                  log_directory_writable: true,
                },
                active_plugins: [
                  {
                    plugin: 'woocommerce/woocommerce.php',
                    name: 'WooCommerce',
                    version: WC_VERSION,
                    version_latest: WC_VERSION,
                    url: 'https://woocommerce.com/',
                    author_name: 'Automattic',
                    author_url: 'https://woocommerce.com',
                    network_activated: false,
                  },
                ],
                settings: {
                  api_enabled: true,
                  force_ssl: false,
                  currency: req.site.currency.code,
                  currency_symbol: req.site.currency.symbol,
                  currency_position: 'left',
                  thousand_separator: ',',
                  decimal_separator: '.',
                  number_of_decimals: 2,
                  geolocation_enabled: false,
                  woocommerce_com_connected: 'no',
                  enforce_approved_download_directories: true,
                  order_datastore: 'Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\OrdersTableDataStore',
                  HPOS_enabled: true,
                  HPOS_sync_enabled: false,
                },
                security: { secure_connection: home.startsWith('https://'), hide_errors: true },
              },
            };
          },
        },
      },
    },
  ];
}
