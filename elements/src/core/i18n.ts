/**
 * Localization: every string an element shows is looked up here, through one `Localizer` per
 * locale. Dockhand carries English and Arabic complete (Arabic also proves the right-to-left
 * layout); each element's message module adds its own strings in both (`addBuiltInMessages`). A
 * host page adds a locale, or overrides strings, with `registerLocale`. The locale and direction
 * follow the host page (`lang`/`dir` on the nearest ancestor or <html>) unless the provider says
 * otherwise.
 */
const en = {
  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.close': 'Close',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.apply': 'Apply',
  'common.error': 'Something went wrong: {message}',
  'common.live': 'Live',
  'common.reconnecting': 'Reconnecting…',
  'provider.signedOut': 'Not signed in',
  'signIn.title': 'Sign in',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.totp': 'One-time code',
  'signIn.totpHint': 'Enter the 6-digit code from your authenticator app.',
  'signIn.submit': 'Sign in',
  'signIn.failed': 'Sign-in failed: {message}',
  'signIn.chooseTitle': 'Choose an organization',
  'signIn.chooseHint': 'Your email opens several organizations. Which one do you want to enter?',
  'signIn.role.owner': 'Owner',
  'signIn.role.admin': 'Admin',
  'signIn.role.staff': 'Staff',
  'signIn.role.merchant': 'Merchant',
  'signIn.back': 'Back',
  'signIn.choiceExpired': 'The choice has expired; sign in again.',
  'provider.signedInAs': 'Signed in as {email}',
  'orders.label': 'Orders',
  'orders.count': '{count} orders',
  'orders.empty': 'No orders match this view.',
  'orders.search': 'Search orders',
  'orders.searchPlaceholder': 'Number, customer, email or SKU',
  'orders.columns': 'Columns',
  'orders.filters': 'Filters',
  'orders.views': 'Saved views',
  'orders.allOrders': 'All orders',
  'orders.saveView': 'Save view',
  'orders.viewName': 'View name',
  'orders.deleteView': 'Delete view',
  'orders.export': 'Export CSV',
  'orders.exporting': 'Exporting… {count} rows',
  'orders.exported': 'Exported {count} rows',
  'orders.selectAll': 'Select all loaded orders',
  'orders.selectRow': 'Select order {number}',
  'orders.selected': '{count} selected',
  'orders.clearSelection': 'Clear selection',
  'orders.bulk.status': 'Change status',
  'orders.bulk.tracking': 'Add tracking',
  'orders.bulk.results': '{ok} succeeded, {failed} failed',
  'orders.bulk.carrier': 'Carrier',
  'orders.bulk.trackingNumber': 'Tracking number',
  'orders.bulk.newStatus': 'New status',
  'orders.sortAscending': 'sorted ascending',
  'orders.sortDescending': 'sorted descending',
  'orders.filter.any': 'Any',
  'orders.col.select': 'Selected',
  'orders.col.number': 'Order',
  'orders.col.placedAt': 'Placed',
  'orders.col.customer': 'Customer',
  'orders.col.email': 'Email',
  'orders.col.status': 'Status',
  'orders.col.financialStatus': 'Payment',
  'orders.col.fulfillmentStatus': 'Fulfillment',
  'orders.col.total': 'Total',
  'orders.col.store': 'Store',
  'orders.col.updatedAt': 'Updated',
  'orders.detail': 'Order {number}',
  'orders.detail.lines': 'Lines',
  'orders.detail.fulfillments': 'Fulfillments',
  'orders.detail.timeline': 'Timeline',
  'orders.detail.customer': 'Customer',
  'orders.detail.none': 'None yet',
  'orders.detail.quantity': 'Qty',
  'orders.detail.price': 'Price',
  'orders.detail.sku': 'SKU',
  'orders.detail.tracking': 'Tracking',
  'status.open': 'Open',
  'status.closed': 'Closed',
  'status.cancelled': 'Cancelled',
  'status.paid': 'Paid',
  'status.pending': 'Pending',
  'status.refunded': 'Refunded',
  'status.authorized': 'Authorized',
  'status.partially_refunded': 'Partially refunded',
  'status.voided': 'Voided',
  'status.unfulfilled': 'Unfulfilled',
  'status.fulfilled': 'Fulfilled',
  'status.partial': 'Partially fulfilled',
  'status.processing': 'Processing',
  'status.on-hold': 'On hold',
  'status.completed': 'Completed',
  'status.failed': 'Failed',
} as const;

/**
 * Every message of every Dockhand element, by key. Each element's message module adds its keys
 * (`declare module '…/core/i18n.ts' { interface DockhandMessages extends Record<TheirKey, string> {} }`),
 * so a key typed anywhere is checked against all of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged: each message module adds its keys
export interface DockhandMessages extends Record<keyof typeof en, string> {}

export type MessageKey = keyof DockhandMessages;
/** The core strings, complete: what a built-in second locale must carry. */
type CoreMessages = Record<keyof typeof en, string>;

/**
 * What `registerLocale` takes: any of the keys (a partial locale falls back to English per key).
 * Strings may use `{name}` placeholders as the English ones do; numbers are formatted for the locale.
 */
export type LocaleMessages = Partial<DockhandMessages>;

const ar: CoreMessages = {
  'common.loading': 'جارٍ التحميل…',
  'common.retry': 'إعادة المحاولة',
  'common.close': 'إغلاق',
  'common.cancel': 'إلغاء',
  'common.save': 'حفظ',
  'common.apply': 'تطبيق',
  'common.error': 'حدث خطأ: {message}',
  'common.live': 'مباشر',
  'common.reconnecting': 'جارٍ إعادة الاتصال…',
  'provider.signedOut': 'لم يتم تسجيل الدخول',
  'signIn.title': 'تسجيل الدخول',
  'signIn.email': 'البريد الإلكتروني',
  'signIn.password': 'كلمة المرور',
  'signIn.totp': 'رمز لمرة واحدة',
  'signIn.totpHint': 'أدخل الرمز المكوّن من 6 أرقام من تطبيق المصادقة.',
  'signIn.submit': 'تسجيل الدخول',
  'signIn.failed': 'فشل تسجيل الدخول: {message}',
  'signIn.chooseTitle': 'اختر مؤسسة',
  'signIn.chooseHint': 'بريدك الإلكتروني يفتح عدة مؤسسات. أيّها تريد الدخول إليها؟',
  'signIn.role.owner': 'مالك',
  'signIn.role.admin': 'مسؤول',
  'signIn.role.staff': 'موظف',
  'signIn.role.merchant': 'تاجر',
  'signIn.back': 'رجوع',
  'signIn.choiceExpired': 'انتهت مهلة الاختيار؛ سجّل الدخول مجددًا.',
  'provider.signedInAs': 'تم تسجيل الدخول باسم {email}',
  'orders.label': 'الطلبات',
  'orders.count': '{count} طلب',
  'orders.empty': 'لا توجد طلبات مطابقة لهذا العرض.',
  'orders.search': 'البحث في الطلبات',
  'orders.searchPlaceholder': 'الرقم أو العميل أو البريد الإلكتروني أو رمز المنتج',
  'orders.columns': 'الأعمدة',
  'orders.filters': 'عوامل التصفية',
  'orders.views': 'العروض المحفوظة',
  'orders.allOrders': 'كل الطلبات',
  'orders.saveView': 'حفظ العرض',
  'orders.viewName': 'اسم العرض',
  'orders.deleteView': 'حذف العرض',
  'orders.export': 'تصدير CSV',
  'orders.exporting': 'جارٍ التصدير… {count} صف',
  'orders.exported': 'تم تصدير {count} صف',
  'orders.selectAll': 'تحديد كل الطلبات المحمّلة',
  'orders.selectRow': 'تحديد الطلب {number}',
  'orders.selected': 'تم تحديد {count}',
  'orders.clearSelection': 'إلغاء التحديد',
  'orders.bulk.status': 'تغيير الحالة',
  'orders.bulk.tracking': 'إضافة رقم التتبع',
  'orders.bulk.results': 'نجح {ok}، فشل {failed}',
  'orders.bulk.carrier': 'شركة الشحن',
  'orders.bulk.trackingNumber': 'رقم التتبع',
  'orders.bulk.newStatus': 'الحالة الجديدة',
  'orders.sortAscending': 'مرتب تصاعديًا',
  'orders.sortDescending': 'مرتب تنازليًا',
  'orders.filter.any': 'الكل',
  'orders.col.select': 'محدد',
  'orders.col.number': 'الطلب',
  'orders.col.placedAt': 'تاريخ الطلب',
  'orders.col.customer': 'العميل',
  'orders.col.email': 'البريد الإلكتروني',
  'orders.col.status': 'الحالة',
  'orders.col.financialStatus': 'الدفع',
  'orders.col.fulfillmentStatus': 'التنفيذ',
  'orders.col.total': 'الإجمالي',
  'orders.col.store': 'المتجر',
  'orders.col.updatedAt': 'آخر تحديث',
  'orders.detail': 'الطلب {number}',
  'orders.detail.lines': 'البنود',
  'orders.detail.fulfillments': 'الشحنات',
  'orders.detail.timeline': 'السجل الزمني',
  'orders.detail.customer': 'العميل',
  'orders.detail.none': 'لا يوجد بعد',
  'orders.detail.quantity': 'الكمية',
  'orders.detail.price': 'السعر',
  'orders.detail.sku': 'رمز المنتج',
  'orders.detail.tracking': 'التتبع',
  'status.open': 'مفتوح',
  'status.closed': 'مغلق',
  'status.cancelled': 'ملغى',
  'status.paid': 'مدفوع',
  'status.pending': 'قيد الانتظار',
  'status.refunded': 'مسترد',
  'status.authorized': 'مصرّح',
  'status.partially_refunded': 'مسترد جزئيًا',
  'status.voided': 'ملغى الدفع',
  'status.unfulfilled': 'غير منفذ',
  'status.fulfilled': 'منفذ',
  'status.partial': 'منفذ جزئيًا',
  'status.processing': 'قيد المعالجة',
  'status.on-hold': 'معلّق',
  'status.completed': 'مكتمل',
  'status.failed': 'فشل',
};

export type TextDirection = 'ltr' | 'rtl';

export interface RegisterLocaleOptions {
  /** The locale's writing direction; by default right-to-left for Arabic, Hebrew, Persian and Urdu. */
  dir?: TextDirection;
}

/** Strings by key; a locale's table may lack keys (English answers for them). */
type MessageTable = Readonly<Record<string, string>>;

/** What the host page registered for one locale tag. */
interface RegisteredLocale {
  messages: MessageTable;
  dir?: TextDirection | undefined;
}

/**
 * The registered locales, shared by every copy of Dockhand on the page (the script loaded twice,
 * or by two bundles) through a global symbol, as custom element definitions are: whichever copy a
 * host registers with, the elements of all copies see it. `generation` counts registrations;
 * `events` tells every copy (`change`). Its shape is a contract between versions: only add to it.
 */
interface LocaleRegistry {
  readonly version: 1;
  generation: number;
  readonly locales: Map<string, RegisteredLocale>;
  readonly events: EventTarget;
}

const REGISTRY = Symbol.for('dockhand.locales');

const registry: LocaleRegistry = ((globalThis as { [REGISTRY]?: LocaleRegistry })[REGISTRY] ??= {
  version: 1,
  generation: 0,
  locales: new Map(),
  events: new EventTarget(),
});

/** This copy's own strings by language (core and element modules add theirs as they load). */
const builtIn = new Map<string, MessageTable>();

/**
 * Adds strings Dockhand itself carries for a language; element message modules call it as they load.
 * A host's `registerLocale` strings win over these.
 */
export function addBuiltInMessages(language: string, messages: LocaleMessages): void {
  builtIn.set(language, { ...builtIn.get(language), ...(messages as MessageTable) });
}

addBuiltInMessages('en', en);
addBuiltInMessages('ar', ar);

/**
 * Adds a locale for every Dockhand element on the page, or overrides strings of one (English
 * included): `registerLocale('de', { 'orders.label': 'Bestellungen' }, { dir: 'ltr' })`. The tag is
 * a BCP 47 language tag; a region tag (`de-CH`) falls back to its language (`de`), then English,
 * key by key. Registering a locale again adds to what it had. Elements already on the page render
 * again with the new strings. Throws a RangeError for a tag that is not a language tag.
 */
export function registerLocale(locale: string, messages: LocaleMessages, options: RegisterLocaleOptions = {}): void {
  const [tag] = Intl.getCanonicalLocales(locale);
  if (!tag) throw new RangeError(`Not a language tag: ${locale}`);
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) if (typeof value === 'string') strings[key] = value;
  const key = tag.toLowerCase();
  const known = registry.locales.get(key);
  const dir = options.dir === 'rtl' || options.dir === 'ltr' ? options.dir : known?.dir;
  registry.locales.set(key, { messages: { ...known?.messages, ...strings }, dir });
  registry.generation++;
  registry.events.dispatchEvent(new Event('change'));
}

/** The locale tags registered with `registerLocale` so far (lower case). */
export function registeredLocales(): string[] {
  return [...registry.locales.keys()];
}

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur']);

/**
 * A locale's strings and formatters; one per locale, shared by every element. Strings are looked up
 * key by key: the host's strings for the tag, then for its language, Dockhand's own for the
 * language, then the host's and Dockhand's English.
 */
export class Localizer {
  readonly language: string;
  readonly dir: TextDirection;
  private readonly tables: readonly (MessageTable | undefined)[];
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly currencies = new Map<string, Intl.NumberFormat>();

  constructor(
    readonly locale: string,
    dir?: TextDirection,
  ) {
    const tag = locale.toLowerCase();
    this.language = tag.split('-')[0] || 'en';
    const forTag = registry.locales.get(tag);
    const forLanguage = registry.locales.get(this.language);
    this.tables = [forTag?.messages, forLanguage?.messages, registry.locales.get('en')?.messages];
    this.dir = dir ?? forTag?.dir ?? forLanguage?.dir ?? (RTL_LANGUAGES.has(this.language) ? 'rtl' : 'ltr');
    this.numbers = new Intl.NumberFormat(locale);
    this.dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }

  /** The template for a key, or undefined when no table has it. */
  private template(key: string): string | undefined {
    const [forTag, forLanguage, hostEnglish] = this.tables;
    // Built-in tables are read here rather than kept: an element loaded later adds to them.
    return (
      forTag?.[key] ?? forLanguage?.[key] ?? builtIn.get(this.language)?.[key] ?? hostEnglish?.[key] ?? builtIn.get('en')?.[key]
    );
  }

  t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const template = this.template(key) ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = params[name];
      if (value === undefined) return match;
      return typeof value === 'number' ? this.numbers.format(value) : value;
    });
  }

  /** A status word from the platform, translated when known. */
  status(value: string | null | undefined): string {
    if (!value) return '—';
    const key = `status.${value}` as MessageKey;
    return this.template(key) === undefined ? value : this.t(key);
  }

  number(value: number): string {
    return this.numbers.format(value);
  }

  money(amount: number | string, currency: string): string {
    let format = this.currencies.get(currency);
    if (!format) {
      format = new Intl.NumberFormat(this.locale, { style: 'currency', currency });
      this.currencies.set(currency, format);
    }
    return format.format(Number(amount));
  }

  date(value: string | number | Date | null | undefined): string {
    if (value === null || value === undefined || value === '') return '—';
    return this.dates.format(new Date(value));
  }
}

const localizers = new Map<string, Localizer>();
let localizersGeneration = registry.generation;

/**
 * The shared localizer of a locale (and direction). A registration makes new ones, so an element
 * holding the old one can tell that it must render again.
 */
export function localizer(locale: string, dir?: TextDirection): Localizer {
  if (localizersGeneration !== registry.generation) {
    localizers.clear();
    localizersGeneration = registry.generation;
  }
  const key = `${locale}|${dir ?? ''}`;
  let found = localizers.get(key);
  if (!found) localizers.set(key, (found = new Localizer(languageTag(locale), dir)));
  return found;
}

/** A well-formed language tag for what a page says (`de_AT` happens; Intl throws on it); else English. */
function languageTag(value: string): string {
  try {
    return Intl.getCanonicalLocales(value.trim().replaceAll('_', '-'))[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** The language and direction in force where `element` sits on the host page. */
export function hostLocale(element: Element): { locale: string; dir: TextDirection | undefined } {
  const withLang = element.closest('[lang]');
  const withDir = element.closest('[dir]');
  const locale = withLang?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';
  const dir = (withDir?.getAttribute('dir') || document.documentElement.dir || '').toLowerCase();
  return { locale, dir: dir === 'rtl' || dir === 'ltr' ? dir : undefined };
}

const watchers = new Set<() => void>();
let pageObserver: MutationObserver | undefined;

function notifyWatchers(): void {
  for (const watcher of [...watchers]) watcher();
}

registry.events.addEventListener('change', notifyWatchers);

/**
 * Calls `onChange` whenever what decides an element's locale may have changed: a locale was
 * registered (by any copy of Dockhand), or `lang`/`dir` changed anywhere on the host page. One
 * observer serves every watcher. Answers the function that stops watching.
 */
export function watchLocale(onChange: () => void): () => void {
  watchers.add(onChange);
  if (!pageObserver && typeof MutationObserver !== 'undefined') {
    pageObserver = new MutationObserver(notifyWatchers);
    pageObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang', 'dir'], subtree: true });
  }
  return () => {
    watchers.delete(onChange);
    if (watchers.size === 0) {
      pageObserver?.disconnect();
      pageObserver = undefined;
    }
  };
}
