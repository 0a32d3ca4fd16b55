/**
 * Localization: every string an element shows comes from here. English and Arabic are complete
 * (Arabic also proves the right-to-left layout); the locale and direction follow the host page
 * (`lang`/`dir` on the nearest ancestor or <html>) unless the provider says otherwise.
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

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const ar: Messages = {
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

export const CATALOGS: Readonly<Record<string, Messages>> = { en, ar };
const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur']);

/** A locale's strings and formatters; one per locale, shared by every element. */
export class Localizer {
  readonly language: string;
  readonly dir: 'ltr' | 'rtl';
  private readonly messages: Messages;
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly currencies = new Map<string, Intl.NumberFormat>();

  constructor(
    readonly locale: string,
    dir?: 'ltr' | 'rtl',
  ) {
    this.language = locale.toLowerCase().split('-')[0] ?? 'en';
    this.messages = CATALOGS[this.language] ?? en;
    this.dir = dir ?? (RTL_LANGUAGES.has(this.language) ? 'rtl' : 'ltr');
    this.numbers = new Intl.NumberFormat(locale);
    this.dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }

  t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const template = this.messages[key] ?? en[key] ?? key;
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
    return key in en ? this.t(key) : value;
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

export function localizer(locale: string, dir?: 'ltr' | 'rtl'): Localizer {
  const key = `${locale}|${dir ?? ''}`;
  let found = localizers.get(key);
  if (!found) localizers.set(key, (found = new Localizer(locale, dir)));
  return found;
}

/** The language and direction in force where `element` sits on the host page. */
export function hostLocale(element: Element): { locale: string; dir: 'ltr' | 'rtl' | undefined } {
  const withLang = element.closest('[lang]');
  const withDir = element.closest('[dir]');
  const locale = withLang?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';
  const dir = (withDir?.getAttribute('dir') || document.documentElement.dir || '').toLowerCase();
  return { locale, dir: dir === 'rtl' || dir === 'ltr' ? dir : undefined };
}
