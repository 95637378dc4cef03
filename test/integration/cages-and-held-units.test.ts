import { orgAtLdcEachTest } from "../support/org-at-site";
import { body, call, formRequest, getRequest } from "../support/http";
import { count, createContract, createOrg, createRequestRow, signedIn } from "../support/factories";
import { t as translate } from "~/i18n";
import { loader as availabilityLoader } from "~/routes/app.requests.availability";
import { action as newRequestAction } from "~/routes/app.requests.new";
import { action as opsRequestAction } from "~/routes/ops.requests.$requestId";

/**
 * Issue 7 §6: cages are arranged case by case (never "available ✓"), and an approval refused
 * because the units are held names the contract that holds them.
 */
const w = orgAtLdcEachTest();

const inWeeks = (weeks: number) => new Date(Date.now() + weeks * 7 * 86_400_000).toISOString().slice(0, 10);

describe("cages are arranged case by case", () => {
  const ask = async (cookie: string, quantities: Record<string, string>) => {
    const params = new URLSearchParams({ siteId: w.ldc.site.id, desiredStartOn: inWeeks(4), termMonths: "12", ...quantities });
    const res = await call(availabilityLoader, getRequest(`/app/requests/availability?${params}`, { cookie }));
    expect(res.status).toBe(200);
    return body(res);
  };

  test("the availability answer puts cages apart, and power with a cage is not 'power without space'", async () => {
    const tech = await signedIn(w.db, { orgId: w.org.id, role: "technical" });
    expect(await ask(tech.cookie, { qty_cage: "1", qty_power_commit_kw: "4" })).toEqual({ ok: true, shortages: [], bandwidthFreeMbps: expect.any(Number), caseByCase: ["cage"] });
    expect((await ask(tech.cookie, { qty_cage: "1", qty_rack_unit: "2" })).caseByCase).toEqual(["cage"]);
    const plain = await ask(tech.cookie, { qty_rack_unit: "2" });
    expect(plain.caseByCase).toBeUndefined();
    // Power alone is still refused as power without space.
    expect((await ask(tech.cookie, { qty_power_commit_kw: "4" })).shortages).toEqual([{ kind: "power_without_space" }]);

    // The page without JavaScript answers the same.
    const preview = await call(
      newRequestAction,
      formRequest("/app/requests/new", { intent: "preview", siteId: w.ldc.site.id, desiredStartOn: inWeeks(4), termMonths: "12", qty_cage: "1" }, { cookie: tech.cookie }),
    );
    expect((await body(preview)).availability).toMatchObject({ ok: true, caseByCase: ["cage"] });
  });

  test("the words say so", () => {
    expect(translate("fr", "requests.avail.cages")).toContain("au cas par cas");
    expect(translate("en", "requests.avail.cages")).toContain("case by case");
    expect(translate("fr", "requests.avail.cages")).not.toContain("✓");
    expect(translate("en", "requests.quote.cages")).toContain("case by case");
  });
});

describe("an approval refused for held units names the contract that holds them", () => {
  async function holder(orgId: string, rackId: string) {
    const contractId = await createContract(w.db, { orgId, siteId: w.ldc.site.id, startOn: "2026-01-01" });
    await w.db.insertInto("allocations").values({ contract_id: contractId, org_id: orgId, rack_id: rackId, kind: "units", first_u: 10, last_u: 14, start_on: "2026-01-01", end_on: null, power_w: 0 }).execute();
    return contractId;
  }

  async function approveOver(rackId: string) {
    const noc = await signedIn(w.db, { operatorRole: "ops_noc" });
    const requestId = await createRequestRow(w.db, {
      orgId: w.org.id,
      siteId: w.ldc.site.id,
      lines: [
        { kind: "rack_unit", quantity: 5 },
        { kind: "power_commit_kw", quantity: 1 },
      ],
      startOn: inWeeks(4),
    });
    const before = { contracts: await count(w.db, "contracts"), allocations: await count(w.db, "allocations") };
    const res = await call(
      opsRequestAction,
      formRequest(
        `/ops/requests/${requestId}`,
        {
          intent: "approve",
          startOn: inWeeks(4),
          "placements.0.rackId": rackId,
          "placements.0.kind": "units",
          "placements.0.firstU": "12",
          "placements.0.lastU": "16",
          "placements.0.powerW": "1000",
        },
        { cookie: noc.cookie },
      ),
      { requestId },
    );
    expect(res.status).toBe(409);
    // Nothing written.
    expect({ contracts: await count(w.db, "contracts"), allocations: await count(w.db, "allocations") }).toEqual(before);
    return body(res);
  }

  test("the tenant's own earlier contract", async () => {
    const rack = w.ldc.racks.find((r) => r.status === "active")!;
    const contractId = await holder(w.org.id, rack.id);
    const data = await approveOver(rack.id);
    expect(data.formError).toBe("approvals.error.units_taken");
    const ref = contractId.slice(0, 8).toUpperCase();
    expect(data.held).toEqual({ rack: rack.name, firstU: 12, lastU: 14, contractId, contractRef: ref, sameOrg: true, orgName: "Kara Hosting", fromOn: "2026-01-01" });
    const words = translate("en", "approvals.error.units_held_own", { first: 12, last: 14, rack: rack.name, ref, org: "Kara Hosting", date: "Jan 1, 2026" });
    expect(words).toBe(`U12–U14 of rack ${rack.name} are held by this organisation's contract ${ref} from Jan 1, 2026: pick other units, or apply that contract's termination first.`);
    expect(translate("fr", "approvals.error.units_held_own", { first: 12, last: 14, rack: rack.name, ref, org: "", date: "1 janv. 2026" })).toContain(
      `U12–U14 de la baie ${rack.name} sont tenues par le contrat ${ref} de cette organisation`,
    );
  });

  test("another organisation's contract", async () => {
    const rack = w.ldc.racks.find((r) => r.status === "active")!;
    const other = await createOrg(w.db, { name: "Voisin SARL" });
    const contractId = await holder(other.id, rack.id);
    const data = await approveOver(rack.id);
    expect(data.held).toMatchObject({ contractId, sameOrg: false, orgName: "Voisin SARL", firstU: 12, lastU: 14 });
  });
});
