import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { readWithPrincipal, type Principal, type TenantSql } from '../../db/principal.ts';
import { pageQuery } from '../../api/pagination.ts';
import { statement, type Statement } from '../../db/statement.ts';
import {
  booleanParam,
  decodeKeyset,
  inList,
  keysetCondition,
  keysetPage,
  listParam,
  orderByClause,
  resolveSort,
  searchedPage,
  searchParam,
  sortKeyColumn,
  sortParam,
  sqlText,
  textContains,
  type SortColumn,
} from '../list-query.ts';
import { isoTimeOrNull } from '../iso-time.ts';

export const PRODUCT_SORTS = ['updated', 'created', 'title'] as const;

export const PRODUCT_SORT_COLUMNS: Record<(typeof PRODUCT_SORTS)[number], SortColumn> = {
  // When Dockhand last recorded a change (the platform's stamp can be missing).
  updated: { sql: 'p.updated_at', kind: 'instant' },
  created: { sql: 'p.created_at', kind: 'instant' },
  title: { sql: 'p.title', kind: 'text' },
};

export const productListQuery = z.object({
  store: listParam(z.uuid()),
  status: listParam(z.string().min(1).max(100)),
  q: searchParam('Searches the title and the variants’ SKUs'),
  includeDeleted: booleanParam.meta({ description: 'Also list products deleted on the store (`deletedAt` set)' }),
  sort: sortParam(PRODUCT_SORTS, '-updated'),
  ...pageQuery.shape,
});
export type ProductListQuery = z.infer<typeof productListQuery>;

export const variantView = z
  .object({
    id: z.uuid(),
    platformId: z.string(),
    inventoryItemId: z.string().nullable(),
    sku: z.string().nullable(),
    title: z.string().nullable(),
    price: z.string().nullable(),
  })
  .meta({ id: 'ProductVariant' });

export const productView = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    platformId: z.string(),
    title: z.string(),
    status: z.string().nullable(),
    variants: z.array(variantView),
    platformUpdatedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Product' });
export type ProductView = z.infer<typeof productView>;

interface VariantJson {
  id: string;
  platform_id: string;
  inventory_item_id: string | null;
  sku: string | null;
  title: string | null;
  price: string | null;
}

interface ProductRow {
  id: string;
  store_id: string;
  platform_id: string;
  title: string;
  status: string | null;
  variants: VariantJson[] | null;
  platform_updated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function toView(row: ProductRow): ProductView {
  return {
    id: row.id,
    storeId: row.store_id,
    platformId: row.platform_id,
    title: row.title,
    status: row.status,
    variants: (row.variants ?? []).map((variant) => ({
      id: variant.id,
      platformId: variant.platform_id,
      inventoryItemId: variant.inventory_item_id,
      sku: variant.sku,
      title: variant.title,
      price: variant.price,
    })),
    platformUpdatedAt: isoTimeOrNull(row.platform_updated_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: isoTimeOrNull(row.deleted_at),
  };
}

/** The variants of the product `p`, as one JSON array (for the page's rows only). */
const VARIANTS = `(
  select json_agg(json_build_object('id', v.id, 'platform_id', v.platform_id, 'inventory_item_id', v.inventory_item_id,
                                    'sku', v.sku, 'title', v.title, 'price', v.price::text)
                  order by length(v.platform_id), v.platform_id)
  from product_variants v where v.org_id = p.org_id and v.product_id = p.id) as variants`;

/** The condition a walk of a wide search checks on each product it passes (searchOrWalk): its title or a variant's SKU. */
export const productContains = (pattern: string) => statement` and (${textContains('lower(p.title)', pattern)} or exists (
  select 1 from product_variants v
  where v.org_id = p.org_id and v.product_id = p.id and ${textContains('lower(v.sku)', pattern)}))`;

/** One page of products with their variants, in one statement (readWithPrincipal). */
export async function listProducts(db: Database, principal: Principal, query: ProductListQuery) {
  const sort = resolveSort(query.sort, PRODUCT_SORT_COLUMNS);
  const after = decodeKeyset(query.cursor, sort);
  const order = orderByClause(sort, 'p.id');
  const read = (search: Statement) =>
    readWithPrincipal<ProductRow & { sort_key: string }>(
      db,
      principal,
      statement`
      select p.id, p.store_id, p.platform_id, p.title, p.status, p.platform_updated_at, p.created_at, p.updated_at,
             p.deleted_at, p.sort_key, ${sqlText(VARIANTS)}
      from (
        select p.*, ${sortKeyColumn(sort)} from products p
        where true${query.includeDeleted ? statement`` : statement` and p.deleted_at is null`}${inList(
          'p.store_id',
          query.store,
          'uuid',
        )}${inList('p.status', query.status)}${search}${keysetCondition(sort, 'p.id', after)}
        ${order}
        limit ${query.limit + 1}
      ) p
      ${order}`,
    );
  // Title or SKU, through the per-organization keys (dockhand.search_product_ids, migrations 0021,
  // 0024); past SEARCH_MOST matches, down the sort's index, checking each product passed.
  const rows = await searchedPage(query.q, read, {
    ids: (pattern, most) => statement` and p.id = any(array(select dockhand.search_product_ids(${pattern}, ${most})))`,
    contains: productContains,
  });
  return keysetPage(rows, query.limit, sort, toView);
}

export async function getProduct(tx: TenantSql, id: string): Promise<ProductView | undefined> {
  const [row] = await tx.unsafe<ProductRow[]>(
    `select p.id, p.store_id, p.platform_id, p.title, p.status, p.platform_updated_at, p.created_at, p.updated_at,
            p.deleted_at, ${VARIANTS}
     from products p where p.id = $1`,
    [id],
  );
  return row ? toView(row) : undefined;
}
