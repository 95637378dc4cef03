import type { Executor } from "#db/types";

export interface Actor {
  id: string;
  email: string;
  ip?: string | null;
}

/** Write one audit entry (who, what, which entity, before/after). Call it inside the change's transaction. */
export async function recordAudit(
  db: Executor,
  entry: {
    actor: Actor | null;
    action: string;
    entityType: string;
    entityId: string;
    orgId?: string | null;
    before?: unknown;
    after?: unknown;
  },
) {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: entry.actor?.id ?? null,
      actor_email: entry.actor?.email ?? null,
      ip: entry.actor?.ip ?? null,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      org_id: entry.orgId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export async function listAudit(
  db: Executor,
  opts: { page: number; pageSize?: number; entityType?: string; entityId?: string; orgId?: string },
) {
  const pageSize = opts.pageSize ?? 50;
  let query = db.selectFrom("audit_log");
  if (opts.entityType) query = query.where("entity_type", "=", opts.entityType);
  if (opts.entityId) query = query.where("entity_id", "=", opts.entityId);
  if (opts.orgId) query = query.where("org_id", "=", opts.orgId);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(pageSize)
      .offset((opts.page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n, pageSize };
}
