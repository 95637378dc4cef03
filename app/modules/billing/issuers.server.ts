import type { Insertable, Selectable } from "kysely";
import type { SiteIssuersTable } from "#db/schema";
import type { Executor } from "#db/types";

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

/**
 * Writes a site's issuer. With `onlyIfMissing` (the seeds) an existing row is left as it is;
 * otherwise it is replaced (the caller records the audit entry). Returns whether a row was written.
 */
export async function saveIssuer(
  db: Executor,
  siteId: string,
  fields: IssuerFields,
  opts: { by?: string | null; onlyIfMissing?: boolean } = {},
): Promise<boolean> {
  const values = { ...fields, site_id: siteId, updated_by: opts.by ?? null };
  const row = await db
    .insertInto("site_issuers")
    .values(values)
    .onConflict((oc) =>
      opts.onlyIfMissing
        ? oc.column("site_id").doNothing()
        : oc.column("site_id").doUpdateSet({ ...fields, updated_by: opts.by ?? null, updated_at: new Date() }),
    )
    .returning("site_id")
    .executeTakeFirst();
  return row !== undefined;
}
