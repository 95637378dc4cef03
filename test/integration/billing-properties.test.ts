import fc from "fast-check";
import type { Kysely } from "kysely";
import type { Database, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { createTestDb, type TestDb } from "../support/db";
import { addContract, addOrg, siteByCode, type FrozenLines, type SiteRow } from "../support/billing-world";

/**
 * Properties of the billing run against the database, on random worlds: organisations with
 * contracts at the three sites at random dates (some open-ended, some exempt with a certificate),
 * billed for a random month at a random site. Few runs (each writes a world and bills it twice);
 * the world is wiped between runs, so every run starts from an empty set of contracts and invoices.
 */

let t: TestDb;
const sites: Record<string, SiteRow> = {};

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  for (const code of ["LDC", "KIN", "BZV"]) sites[code] = await siteByCode(t.db, code);
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
});

const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const lastDay = (period: string) => {
  const [y, m] = period.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const halfUp = (n: bigint, d: bigint) => n / d + (2n * (n % d) >= d ? 1n : 0n);

const KINDS: ProductKind[] = ["rack_unit", "half_rack", "full_rack", "cage", "power_commit_kw", "bandwidth_commit_mbps", "cross_connect"];

const contractArb = fc.record({
  site: fc.constantFrom("LDC", "KIN", "BZV"),
  /** Days from the billed month's first day. */
  startOffset: fc.integer({ min: -400, max: 60 }),
  length: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
  term: fc.constantFrom<12 | 24 | 36>(12, 24, 36),
  lines: fc.uniqueArray(
    fc.record({ kind: fc.constantFrom(...KINDS), quantity: fc.integer({ min: 0, max: 20 }), unit: fc.integer({ min: 0, max: 900_000 }), setup: fc.integer({ min: 0, max: 200_000 }) }),
    { selector: (l) => l.kind, minLength: 1, maxLength: 3 },
  ),
});

const worldArb = fc.record({
  period: fc.record({ year: fc.integer({ min: 2026, max: 2028 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ year, month }) => `${year}-${String(month).padStart(2, "0")}`),
  site: fc.constantFrom("LDC", "KIN", "BZV"),
  orgs: fc.array(
    fc.record({
      contracts: fc.array(contractArb, { maxLength: 3 }),
      /** An exemption certificate [from, to] as day offsets from the month's first day, or none. */
      certificate: fc.option(fc.tuple(fc.integer({ min: -400, max: 40 }), fc.integer({ min: 0, max: 400 })), { nil: null }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

let worldNo = 0;

/** Writes a world; returns each organisation's id and whether the oracle expects it invoiced. */
async function build(db: Kysely<Database>, w: World) {
  worldNo++;
  const first = `${w.period}-01`;
  const last = lastDay(w.period);
  const out: { orgId: string; expected: boolean }[] = [];
  for (const [i, o] of w.orgs.entries()) {
    const certificate = o.certificate ? { reference: `EXO-${worldNo}-${i}`, from: addDays(first, o.certificate[0]), to: addDays(first, o.certificate[0] + o.certificate[1]) } : undefined;
    const orgId = await addOrg(db, `World ${worldNo} org ${i}`, { agency: Boolean(certificate), certificate });
    let expected = false;
    for (const c of o.contracts) {
      const startOn = addDays(first, c.startOffset);
      const endOn = c.length === null ? null : addDays(startOn, c.length);
      const lines: FrozenLines = Object.fromEntries(c.lines.map((l) => [l.kind, [l.quantity, l.unit, l.setup]]));
      await addContract(db, { orgId, siteId: sites[c.site].id, startOn, endOn, termMonths: c.term }, lines);
      // The oracle: a contract at the billed site active on at least one day of the month.
      if (c.site === w.site && startOn <= last && (endOn === null || endOn >= first)) expected = true;
    }
    out.push({ orgId, expected });
  }
  return out;
}

async function wipe(db: Kysely<Database>) {
  await db.deleteFrom("invoices").execute();
  await db.deleteFrom("contracts").execute();
  await db.deleteFrom("vat_exemption_certificates").execute();
}

const snapshot = async (db: Kysely<Database>) => ({
  invoices: await db.selectFrom("invoices").selectAll().orderBy("id").execute().then((rows) => rows.map(({ updated_at: _u, ...r }) => r)),
  lines: await db.selectFrom("invoice_lines").selectAll().orderBy("invoice_id").orderBy("position").execute(),
});

test("random worlds: exactly the organisations with a contract at the site that month are invoiced; stored totals add up; a re-run changes nothing", async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, async (w) => {
      await wipe(t.db);
      const site = sites[w.site];
      const orgs = await build(t.db, w);

      const result = await runBilling(t.db, { siteCode: w.site, period: w.period });
      const invoices = await t.db
        .selectFrom("invoices")
        .select(["id", "org_id", "site_id", "period", "currency", "status", "subtotal_minor", "vat_rate_bp", "vat_minor", "total_minor", "is_vat_exempt"])
        .execute();

      // Only this site and month, one invoice per expected organisation, none for the others.
      expect(invoices.every((i) => i.site_id === site.id && i.period === w.period && i.status === "draft" && i.currency === site.currency)).toBe(true);
      expect(invoices.map((i) => i.org_id).sort()).toEqual(orgs.filter((o) => o.expected).map((o) => o.orgId).sort());
      expect(result).toEqual({ site: w.site, period: w.period, invoices: orgs.filter((o) => o.expected).length, issued: 0 });

      // Stored subtotal = Σ stored lines; VAT = round_half_up(subtotal × site rate) or 0 when exempt; total = subtotal + VAT.
      const sums = await t.db
        .selectFrom("invoice_lines")
        .select(["invoice_id", (eb) => eb.fn.sum<string>("amount_minor").as("sum"), (eb) => eb.fn.countAll<string>().as("n")])
        .groupBy("invoice_id")
        .execute();
      for (const inv of invoices) {
        const s = sums.find((x) => x.invoice_id === inv.id);
        expect(BigInt(inv.subtotal_minor)).toBe(BigInt(s?.sum ?? 0));
        expect(inv.vat_rate_bp).toBe(site.vat_rate_bp);
        expect(BigInt(inv.vat_minor)).toBe(inv.is_vat_exempt ? 0n : halfUp(BigInt(inv.subtotal_minor) * BigInt(site.vat_rate_bp), 10_000n));
        expect(BigInt(inv.total_minor)).toBe(BigInt(inv.subtotal_minor) + BigInt(inv.vat_minor));
      }
      // Every line belongs to a contract of the invoice's organisation at this site.
      const foreign = await t.db
        .selectFrom("invoice_lines as l")
        .innerJoin("invoices as i", "i.id", "l.invoice_id")
        .innerJoin("contracts as c", "c.id", "l.contract_id")
        .select("l.id")
        .where((eb) => eb.or([eb("c.org_id", "!=", eb.ref("i.org_id")), eb("c.site_id", "!=", eb.ref("i.site_id"))]))
        .execute();
      expect(foreign).toEqual([]);

      // A re-run: the same invoices, the same line rows, the same figures.
      const before = await snapshot(t.db);
      expect(await runBilling(t.db, { siteCode: w.site, period: w.period })).toEqual(result);
      expect(await snapshot(t.db)).toEqual(before);
    }),
    { numRuns: 12 },
  );
}, 240_000);
