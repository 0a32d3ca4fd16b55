/** Word lists and fixed values the seeded generator draws from. */

export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Yusuf',
  'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen',
  'Baker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hassan',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
] as const;

export const CITIES = [
  { city: 'Portland', state: 'OR', country: 'US', postcode: '97201' },
  { city: 'Austin', state: 'TX', country: 'US', postcode: '73301' },
  { city: 'Toronto', state: 'ON', country: 'CA', postcode: 'M5H 2N2' },
  { city: 'Leeds', state: '', country: 'GB', postcode: 'LS1 4DY' },
  { city: 'Lyon', state: '', country: 'FR', postcode: '69002' },
  { city: 'Hamburg', state: '', country: 'DE', postcode: '20095' },
  { city: 'Melbourne', state: 'VIC', country: 'AU', postcode: '3000' },
] as const;

export const STREETS = ['Harbor Way', 'Mill Lane', 'Station Road', 'Cedar Street', 'Quay Street', 'Elm Avenue'] as const;

export const PRODUCT_ADJECTIVES = [
  'Canvas',
  'Merino',
  'Waxed',
  'Linen',
  'Cork',
  'Copper',
  'Walnut',
  'Recycled',
  'Enamel',
  'Organic',
] as const;

export const PRODUCT_NOUNS = [
  'Tote',
  'Beanie',
  'Apron',
  'Notebook',
  'Mug',
  'Lamp',
  'Backpack',
  'Scarf',
  'Bottle',
  'Cap',
  'Blanket',
  'Pouch',
] as const;

export const SIZES = ['S', 'M', 'L'] as const;

export const PAYMENT_METHODS = [
  { id: 'bacs', title: 'Direct bank transfer', refunds: false },
  { id: 'cheque', title: 'Check payments', refunds: false },
  { id: 'cod', title: 'Cash on delivery', refunds: false },
  { id: 'stripe', title: 'Credit Card (Stripe)', refunds: true },
] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
] as const;

export const CURRENCIES = [
  { code: 'USD', symbol: '$' },
  { code: 'EUR', symbol: '€' },
  { code: 'GBP', symbol: '£' },
] as const;

/** Order statuses WooCommerce registers, in its own order. */
export const ORDER_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'checkout-draft',
  'trash',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Weighted status mix of a store that has been trading for a year. */
export const SEEDED_STATUS_WEIGHTS: ReadonlyArray<readonly [OrderStatus, number]> = [
  ['completed', 72],
  ['processing', 12],
  ['on-hold', 4],
  ['pending', 3],
  ['cancelled', 4],
  ['refunded', 3],
  ['failed', 2],
];

export const WC_VERSION = '10.0.2';
export const WP_VERSION = '6.8.8';
export const USER_AGENT = `WooCommerce/${WC_VERSION} Hookshot (WordPress/${WP_VERSION})`;

/** Seeded history ends here, so the same seed gives the same data whatever today is. */
export const HISTORY_END = Date.UTC(2026, 0, 1) / 1000;
export const HISTORY_SPAN = 365 * 24 * 3600;
