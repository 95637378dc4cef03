import type { Trx } from "#db/types";
import type { RequestableKind } from "#db/schema";
import { freezeContractLines } from "~/modules/requests/contracts.server";
import type { SeedResult } from "./index.server";

/**
 * Demo contracts, requests and allocations, so the capacity views, the tenant's services and (later)
 * usage and invoices show something real on first start:
 * - Kossi Digital (SME) at LDC: 10U + 2 kW + 50 Mbps + 1 cross-connect, and a full rack from mid-October;
 * - the agency at KIN (two full racks) and at BZV, which it fills to about 90 % of its usable power;
 * - the agency's small contract at LDC, terminated by an operator in mid-November (its port's meter
 *   then moves to Kossi Digital's full rack: see demo-usage.ts);
 * - one request pending in the queue and one rejected.
 * Written once: skipped when the demo organisations already have contracts or requests.
 */

interface DemoAllocation {
  rack: string;
  room?: string;
  kind: "units" | "half_rack" | "full_rack";
  first?: number;
  last?: number;
  kw: number;
}

interface DemoContract {
  org: string;
  site: string;
  startOn: string;
  termMonths: 12 | 24 | 36;
  requestedBy: string;
  lines: Partial<Record<RequestableKind, number>>;
  allocations: DemoAllocation[];
  ports: string[];
  /** Last day of service of a contract an operator terminated (an applied termination). */
  endOn?: string;
}

const KOSSI = "Kossi Digital SARL";
const ANSI = "Agence nationale des systèmes d'information (ANSI)";

const CONTRACTS: DemoContract[] = [
  {
    org: KOSSI,
    site: "LDC",
    startOn: "2026-09-01",
    termMonths: 24,
    requestedBy: "technical@kossi.demo.test",
    lines: { rack_unit: 10, power_commit_kw: 2, bandwidth_commit_mbps: 50, cross_connect: 1 },
    allocations: [{ rack: "A01", room: "Salle A", kind: "units", first: 1, last: 10, kw: 2 }],
    ports: ["MMR-01"],
  },
  {
    org: ANSI,
    site: "LDC",
    startOn: "2026-09-15",
    termMonths: 12,
    requestedBy: "technical@ansi.demo.test",
    lines: { rack_unit: 6, power_commit_kw: 1, bandwidth_commit_mbps: 20 },
    allocations: [{ rack: "A03", room: "Salle A", kind: "units", first: 1, last: 6, kw: 1 }],
    ports: [],
    endOn: "2026-11-15",
  },
  {
    org: KOSSI,
    site: "LDC",
    startOn: "2026-10-15",
    termMonths: 12,
    requestedBy: "owner@kossi.demo.test",
    lines: { full_rack: 1, power_commit_kw: 4, bandwidth_commit_mbps: 100 },
    allocations: [{ rack: "A05", room: "Salle A", kind: "full_rack", kw: 4 }],
    ports: [],
  },
  {
    org: ANSI,
    site: "KIN",
    startOn: "2026-09-01",
    termMonths: 36,
    requestedBy: "technical@ansi.demo.test",
    lines: { full_rack: 2, power_commit_kw: 12, bandwidth_commit_mbps: 500, cross_connect: 2 },
    allocations: [
      { rack: "B01", room: "Salle B", kind: "full_rack", kw: 6 },
      { rack: "B02", room: "Salle B", kind: "full_rack", kw: 6 },
    ],
    ports: ["MMR-01", "MMR-02"],
  },
  {
    org: ANSI,
    site: "BZV",
    startOn: "2026-09-01",
    termMonths: 36,
    requestedBy: "technical@ansi.demo.test",
    lines: { half_rack: 1, power_commit_kw: 3, bandwidth_commit_mbps: 100 },
    allocations: [{ rack: "A01", kind: "half_rack", first: 1, last: 21, kw: 3 }],
    ports: [],
  },
  {
    org: ANSI,
    site: "BZV",
    startOn: "2026-09-01",
    termMonths: 36,
    requestedBy: "owner@ansi.demo.test",
    lines: { full_rack: 5, power_commit_kw: 24, bandwidth_commit_mbps: 800 },
    allocations: [
      { rack: "A02", kind: "full_rack", kw: 4 },
      { rack: "A03", kind: "full_rack", kw: 5 },
      { rack: "A04", kind: "full_rack", kw: 5 },
      { rack: "A05", kind: "full_rack", kw: 5 },
      { rack: "A08", kind: "full_rack", kw: 5 },
    ],
    ports: [],
  },
  {
    org: ANSI,
    site: "BZV",
    startOn: "2026-10-01",
    termMonths: 12,
    requestedBy: "technical@ansi.demo.test",
    lines: { rack_unit: 10, power_commit_kw: 4 },
    allocations: [{ rack: "A06", kind: "units", first: 1, last: 10, kw: 4 }],
    ports: [],
  },
];

export async function seedDemoContracts(trx: Trx, result: SeedResult) {
  const orgs = await trx.selectFrom("organisations").select(["id", "name"]).where("name", "in", [KOSSI, ANSI]).execute();
  const orgId = (name: string) => orgs.find((o) => o.name === name)?.id;
  if (orgs.length < 2) return;
  const already = await trx.selectFrom("requests").select("id").where("org_id", "in", orgs.map((o) => o.id)).limit(1).executeTakeFirst();
  if (already) return;

  const users = await trx.selectFrom("users").select(["id", "email"]).where("email", "like", "%.demo.test").execute();
  const userId = (email: string) => users.find((u) => u.email === email)?.id ?? null;
  const operator = userId("noc@ops.demo.test");
  const sites = await trx.selectFrom("sites").select(["id", "code", "currency"]).execute();

  for (const c of CONTRACTS) {
    const site = sites.find((s) => s.code === c.site)!;
    const org = orgId(c.org)!;
    const lines = Object.entries(c.lines).map(([kind, quantity]) => ({ kind: kind as RequestableKind, quantity: quantity! }));
    const requestedAt = new Date(`${c.startOn}T09:00:00Z`);
    requestedAt.setUTCDate(requestedAt.getUTCDate() - 14);
    const request = await trx
      .insertInto("requests")
      .values({
        org_id: org,
        site_id: site.id,
        status: "approved",
        desired_start_on: c.startOn,
        term_months: c.termMonths,
        notes: null,
        created_by: userId(c.requestedBy),
        created_at: requestedAt,
        decided_by: operator,
        decided_at: new Date(requestedAt.getTime() + 2 * 86_400_000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("request_lines").values(lines.map((l) => ({ request_id: request.id, ...l }))).execute();
    result.requests++;

    const contract = await trx
      .insertInto("contracts")
      .values({
        org_id: org,
        site_id: site.id,
        request_id: request.id,
        start_on: c.startOn,
        end_on: c.endOn ?? null,
        term_months: c.termMonths,
        approved_by: operator,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    result.contracts++;

    await freezeContractLines(trx, { contractId: contract.id, siteId: site.id, currency: site.currency, validFrom: c.startOn, lines });

    for (const a of c.allocations) {
      let rackQuery = trx
        .selectFrom("racks as r")
        .innerJoin("rooms as m", "m.id", "r.room_id")
        .select(["r.id", "r.height_u"])
        .where("m.site_id", "=", site.id)
        .where("r.name", "=", a.rack);
      if (a.room) rackQuery = rackQuery.where("m.name", "=", a.room);
      const rack = await rackQuery.executeTakeFirstOrThrow();
      await trx
        .insertInto("allocations")
        .values({
          contract_id: contract.id,
          org_id: org,
          rack_id: rack.id,
          kind: a.kind,
          first_u: a.kind === "full_rack" ? 1 : a.first!,
          last_u: a.kind === "full_rack" ? rack.height_u : a.last!,
          start_on: c.startOn,
          end_on: c.endOn ?? null,
          power_w: a.kw * 1000,
        })
        .execute();
    }
    for (const name of c.ports) {
      const port = await trx.selectFrom("cross_connect_ports").select("id").where("site_id", "=", site.id).where("name", "=", name).executeTakeFirstOrThrow();
      await trx.insertInto("port_allocations").values({ contract_id: contract.id, org_id: org, port_id: port.id, start_on: c.startOn, end_on: c.endOn ?? null }).execute();
    }
    if (c.endOn) {
      // The tenant asked, an operator applied it (what applyTermination leaves behind).
      const askedAt = new Date(`${c.endOn}T09:00:00Z`);
      askedAt.setUTCDate(askedAt.getUTCDate() - 20);
      await trx
        .insertInto("contract_changes")
        .values({
          contract_id: contract.id,
          org_id: org,
          kind: "termination",
          requested_end_on: c.endOn,
          details: "Migration de nos serveurs de Lomé vers Kinshasa.",
          status: "applied",
          requested_by: userId(c.requestedBy),
          requested_at: askedAt,
          decided_by: operator,
          decided_at: new Date(askedAt.getTime() + 86_400_000),
        })
        .execute();
    }
  }

  // One request waiting in the queue, and one the team declined.
  const ldc = sites.find((s) => s.code === "LDC")!;
  const bzv = sites.find((s) => s.code === "BZV")!;
  const pending = await trx
    .insertInto("requests")
    .values({
      org_id: orgId(KOSSI)!,
      site_id: ldc.id,
      desired_start_on: "2026-12-15",
      term_months: 12,
      notes: "Extension pour notre plateforme de paiement mobile ; proche de nos baies actuelles si possible.",
      created_by: userId("technical@kossi.demo.test"),
      created_at: new Date("2026-11-20T10:30:00Z"),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("request_lines")
    .values([
      { request_id: pending.id, kind: "rack_unit", quantity: 6 },
      { request_id: pending.id, kind: "power_commit_kw", quantity: 1 },
      { request_id: pending.id, kind: "bandwidth_commit_mbps", quantity: 20 },
      { request_id: pending.id, kind: "cross_connect", quantity: 1 },
    ])
    .execute();
  const rejected = await trx
    .insertInto("requests")
    .values({
      org_id: orgId(KOSSI)!,
      site_id: bzv.id,
      status: "rejected",
      desired_start_on: "2026-12-01",
      term_months: 24,
      notes: null,
      created_by: userId("owner@kossi.demo.test"),
      created_at: new Date("2026-11-05T08:00:00Z"),
      decided_by: operator,
      decided_at: new Date("2026-11-06T15:00:00Z"),
      rejection_reason: "Brazzaville ne peut pas fournir 10 kW supplémentaires avant mars 2027. Nous pouvons vous proposer la même configuration à Lomé.",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("request_lines")
    .values([
      { request_id: rejected.id, kind: "full_rack", quantity: 2 },
      { request_id: rejected.id, kind: "power_commit_kw", quantity: 10 },
    ])
    .execute();
  result.requests += 2;
}
