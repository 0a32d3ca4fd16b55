import type { Principal, TenantSql } from '../../db/principal.ts';

export interface AuditEntry {
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
  requestId?: string | undefined;
}

/** Appends to the audit log inside the caller's transaction, so the record and the change commit together. */
export async function recordAudit(tx: TenantSql, principal: Principal, entry: AuditEntry): Promise<void> {
  await tx`
    insert into audit_log (org_id, actor_kind, actor_id, action, subject_type, subject_id, details, request_id)
    values (${principal.orgId}, ${principal.kind}, ${principal.userId ?? principal.subject}, ${entry.action},
            ${entry.subjectType ?? null}, ${entry.subjectId ?? null}, ${tx.json((entry.details ?? {}) as never)},
            ${entry.requestId ?? null})`;
}
