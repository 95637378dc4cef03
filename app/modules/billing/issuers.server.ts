import type { Insertable, Selectable } from "kysely";
import type { SiteIssuersTable } from "#db/schema";
import type { Executor } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";

/**
 * The legal entity each site bills as (name, address, NIF, RCCM, VAT number, bank and mobile-money
 * details, footer), printed on its invoices and credit notes. One row per site.
 */

export type Issuer = Selectable<SiteIssuersTable> & { siteCode: string };

export type IssuerFields = Omit<Insertable<SiteIssuersTable>, "site_id" | "updated_at" | "updated_by">;

/** The issuer of a site, with the site's code; null when none is recorded yet. */
export async function getIssuer(db: Executor, siteId: string): Promise<Issuer | null> {
  const row = await db
    .selectFrom("site_issuers as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .selectAll("i")
    .select("s.code as siteCode")
    .where("i.site_id", "=", siteId)
    .executeTakeFirst();
  return row ?? null;
}

/** Every site's issuer, by site code. */
export async function listIssuers(db: Executor): Promise<Issuer[]> {
  return db
    .selectFrom("site_issuers as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .selectAll("i")
    .select("s.code as siteCode")
    .orderBy("s.code")
    .execute();
}

/** The columns an audit entry shows before and after a change (not who or when). */
const AUDITED = ["legal_name", "address", "nif", "rccm", "vat_number", "bank_name", "bank_account", "swift", "mobile_money", "footer_fr", "footer_en"] as const;
const audited = (row: Partial<Record<(typeof AUDITED)[number], string | null | undefined>>) =>
  Object.fromEntries(AUDITED.map((k) => [k, row[k] ?? null]));

/**
 * Writes a site's issuer. With `onlyIfMissing` (the seeds) an existing row is left as it is and
 * nothing is audited; otherwise the row is replaced and an audit entry (`billing.issuer_updated`,
 * before/after) is recorded in the same transaction — pass the caller's transaction as `db`.
 * Returns whether a row was written.
 */
export async function saveIssuer(
  db: Executor,
  siteId: string,
  fields: IssuerFields,
  opts: { by?: string | null; actor?: Actor | null; onlyIfMissing?: boolean } = {},
): Promise<boolean> {
  const by = opts.by ?? opts.actor?.id ?? null;
  const values = { ...fields, site_id: siteId, updated_by: by };
  const before = opts.onlyIfMissing
    ? undefined
    : await db.selectFrom("site_issuers").select(AUDITED).where("site_id", "=", siteId).forUpdate().executeTakeFirst();
  const row = await db
    .insertInto("site_issuers")
    .values(values)
    .onConflict((oc) =>
      opts.onlyIfMissing
        ? oc.column("site_id").doNothing()
        : oc.column("site_id").doUpdateSet({ ...fields, updated_by: by, updated_at: new Date() }),
    )
    .returning("site_id")
    .executeTakeFirst();
  if (row && !opts.onlyIfMissing) {
    await recordAudit(db, {
      actor: opts.actor ?? null,
      action: "billing.issuer_updated",
      entityType: "site",
      entityId: siteId,
      before: before ? audited(before) : null,
      after: audited(fields),
    });
  }
  return row !== undefined;
}
