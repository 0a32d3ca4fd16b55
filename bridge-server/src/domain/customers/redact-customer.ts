import type { TenantSql } from '../../db/principal.ts';

/**
 * Erases a customer's personal data (and that of the listed orders) when the platform asks for
 * it; keeps the business facts (amounts, lines, stock movements).
 */
export async function redactCustomer(
  tx: TenantSql,
  target: { orgId: string; storeId: string },
  customerPlatformId: string,
  orderPlatformIds: string[],
): Promise<void> {
  const [customer] = await tx<{ id: string }[]>`
    update customers set email = null, first_name = null, last_name = null, phone = null, raw = '{}',
                         redacted_at = now(), updated_at = now()
    where org_id = ${target.orgId} and store_id = ${target.storeId} and platform_id = ${customerPlatformId}
    returning id`;
  await tx`
    update orders set email = null, raw = '{}', updated_at = now()
    where org_id = ${target.orgId} and store_id = ${target.storeId}
      and (platform_id = any(${orderPlatformIds}::text[]) or customer_id = ${customer?.id ?? null})`;
}
