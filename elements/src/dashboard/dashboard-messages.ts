import { addBuiltInMessages } from '../core/i18n.ts';

const en = {
  'dashboard.label': 'Dashboard',
  'dashboard.counts': 'At a glance',
  'dashboard.ordersToday': 'Orders today',
  'dashboard.ordersWeek': 'Orders this week',
  'dashboard.unfulfilled': 'Unfulfilled',
  'dashboard.pendingApprovals': 'Pending approvals',
  'dashboard.lowStock': 'Low stock',
  'dashboard.lowStockAlerts': 'Low-stock alerts',
  'dashboard.noLowStock': 'No variant is below its threshold.',
  'dashboard.threshold': 'threshold {count}',
  'dashboard.available': 'Available',
  'dashboard.product': 'Product',
  'dashboard.location': 'Location',
  'dashboard.sync': 'Sync health',
  'dashboard.store': 'Store',
  'dashboard.health': 'Health',
  'dashboard.entities': 'Entities',
  'dashboard.inbox': 'Webhook inbox',
  'dashboard.inboxCounts': '{pending} waiting, {failed} failed',
  'dashboard.noStores': 'No stores connected yet.',
  'dashboard.lag': ', behind by {duration}',
  'dashboard.refresh': 'Refresh',
  'dashboard.updated': 'Updated {time}',
  'dashboard.health.ok': 'Healthy',
  'dashboard.health.syncing': 'Syncing',
  'dashboard.health.failing': 'Failing',
  'dashboard.health.disconnected': 'Disconnected',
  'dashboard.entity.orders': 'Orders',
  'dashboard.entity.products': 'Products',
  'dashboard.entity.customers': 'Customers',
  'dashboard.entity.inventory': 'Inventory',
  'dashboard.entityStatus.idle': 'up to date',
  'dashboard.entityStatus.running': 'running',
  'dashboard.entityStatus.failed': 'failed',
  'dashboard.seconds': '{count} s',
  'dashboard.minutes': '{count} min',
  'dashboard.hours': '{count} h',
} as const;

export type DashboardMessageKey = keyof typeof en;

const ar: Record<DashboardMessageKey, string> = {
  'dashboard.label': 'لوحة المعلومات',
  'dashboard.counts': 'نظرة سريعة',
  'dashboard.ordersToday': 'طلبات اليوم',
  'dashboard.ordersWeek': 'طلبات هذا الأسبوع',
  'dashboard.unfulfilled': 'غير منفذة',
  'dashboard.pendingApprovals': 'موافقات معلّقة',
  'dashboard.lowStock': 'مخزون منخفض',
  'dashboard.lowStockAlerts': 'تنبيهات المخزون المنخفض',
  'dashboard.noLowStock': 'لا يوجد نوع دون حدّه الأدنى.',
  'dashboard.threshold': 'الحد {count}',
  'dashboard.available': 'المتوفر',
  'dashboard.product': 'المنتج',
  'dashboard.location': 'الموقع',
  'dashboard.sync': 'حالة المزامنة',
  'dashboard.store': 'المتجر',
  'dashboard.health': 'الحالة',
  'dashboard.entities': 'البيانات',
  'dashboard.inbox': 'صندوق الإشعارات',
  'dashboard.inboxCounts': '{pending} بالانتظار، {failed} فشل',
  'dashboard.noStores': 'لا توجد متاجر متصلة بعد.',
  'dashboard.lag': '، متأخر بمقدار {duration}',
  'dashboard.refresh': 'تحديث',
  'dashboard.updated': 'آخر تحديث {time}',
  'dashboard.health.ok': 'سليمة',
  'dashboard.health.syncing': 'جارٍ المزامنة',
  'dashboard.health.failing': 'متعثرة',
  'dashboard.health.disconnected': 'غير متصل',
  'dashboard.entity.orders': 'الطلبات',
  'dashboard.entity.products': 'المنتجات',
  'dashboard.entity.customers': 'العملاء',
  'dashboard.entity.inventory': 'المخزون',
  'dashboard.entityStatus.idle': 'محدّثة',
  'dashboard.entityStatus.running': 'قيد التشغيل',
  'dashboard.entityStatus.failed': 'فشلت',
  'dashboard.seconds': '{count} ث',
  'dashboard.minutes': '{count} د',
  'dashboard.hours': '{count} س',
};

declare module '../core/i18n.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged: each message module adds its keys
  interface DockhandMessages extends Record<DashboardMessageKey, string> {}
}

// This element's strings join the one catalog every element looks up (core/i18n.ts).
addBuiltInMessages('en', en);
addBuiltInMessages('ar', ar);
