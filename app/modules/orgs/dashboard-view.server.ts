/**
 * The tenant dashboard's data (`/app`), read in as few round trips as the page allows: one
 * statement for the organisation with its member and contract counts (the contracts' status by the
 * one rule, `effectiveStatus`), and the sites, the account position and the exemption certificates
 * beside it, all four side by side. Scoped by the session's organisation.
 */
import { sql } from "kysely";
import type { Executor } from "#db/types";
import { isUuid } from "./organisations.server";
import { listSites } from "~/modules/inventory/sites.server";
import { effectiveStatus } from "~/modules/requests/contracts.server";
import { accountPosition } from "~/modules/payments/payments.server";
import { buildOrgBillingView, certificateRows } from "~/modules/billing/org-billing.server";

export async function tenantDashboardView(db: Executor, input: { orgId: string; withAccount: boolean; today: string }) {
  if (!isUuid(input.orgId)) return undefined;
  const [org, sites, account, certificates] = await Promise.all([
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
      ])
      .where("o.id", "=", input.orgId)
      .executeTakeFirst(),
    listSites(db),
    // Only for the roles that may read invoices (not technical).
    input.withAccount ? accountPosition(db, input.orgId) : null,
    certificateRows(db, input.orgId),
  ]);
  if (!org) return undefined;
  const { member_count, active_contracts, upcoming_contracts, ...organisation } = org;
  return {
    org: organisation,
    members: Number(member_count),
    contracts: { active: Number(active_contracts), upcoming: Number(upcoming_contracts) },
    sites,
    account,
    billing: buildOrgBillingView(organisation, certificates, input.today),
  };
}
