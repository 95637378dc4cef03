/**
 * The tenant dashboard's data (`/app`) in two statements run side by side: the organisation with
 * its member and contract counts (the contracts' status by the one rule, `effectiveStatus`), its
 * exemption certificates and the sites, in one; the account position in the other. Scoped by the
 * session's organisation.
 */
import { sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { Executor } from "#db/types";
import { isUuid } from "./organisations.server";
import { sitesQuery } from "~/modules/inventory/sites.server";
import { effectiveStatus } from "~/modules/requests/contracts.server";
import { accountPosition } from "~/modules/payments/payments.server";
import { buildOrgBillingView, certificatesQuery } from "~/modules/billing/org-billing.server";

export async function tenantDashboardView(db: Executor, input: { orgId: string; withAccount: boolean; today: string }) {
  if (!isUuid(input.orgId)) return undefined;
  const [org, account] = await Promise.all([
    db
      .selectFrom("organisations as o")
      .selectAll("o")
      .select((eb) => [
        eb.selectFrom("memberships as m").whereRef("m.org_id", "=", "o.id").select(eb.fn.countAll<number>().as("n")).as("member_count"),
        // Counted by the one status rule: a contract that starts later is upcoming, not active.
        eb
          .selectFrom("contracts as c")
          .innerJoin("sites as s", "s.id", "c.site_id")
          .whereRef("c.org_id", "=", "o.id")
          .select(sql<number>`count(*) FILTER (WHERE ${effectiveStatus} = 'active')`.as("n"))
          .as("active_contracts"),
        eb
          .selectFrom("contracts as c")
          .innerJoin("sites as s", "s.id", "c.site_id")
          .whereRef("c.org_id", "=", "o.id")
          .select(sql<number>`count(*) FILTER (WHERE ${effectiveStatus} = 'upcoming')`.as("n"))
          .as("upcoming_contracts"),
        // JSON keeps the columns' values as the drivers give them here: dates as "YYYY-MM-DD", integers as numbers.
        jsonArrayFrom(certificatesQuery(db, input.orgId)).as("certificates"),
        jsonArrayFrom(sitesQuery(db)).as("sites"),
      ])
      .where("o.id", "=", input.orgId)
      .executeTakeFirst(),
    // Only for the roles that may read invoices (not technical).
    input.withAccount ? accountPosition(db, input.orgId) : null,
  ]);
  if (!org) return undefined;
  const { member_count, active_contracts, upcoming_contracts, certificates, sites, ...organisation } = org;
  return {
    org: organisation,
    members: Number(member_count),
    contracts: { active: Number(active_contracts), upcoming: Number(upcoming_contracts) },
    sites,
    account,
    billing: buildOrgBillingView(organisation, certificates, input.today),
  };
}
