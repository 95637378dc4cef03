import { orgAtLdcEachTest } from "../support/org-at-site";
import { body, call, getRequest } from "../support/http";
import { createContract, signedIn } from "../support/factories";
import { t as translate } from "~/i18n";
import { loader as servicesLoader } from "~/routes/app.services._index";
import { loader as serviceLoader } from "~/routes/app.services.$contractId";
import { loader as dashboardLoader } from "~/routes/app._index";
import { loader as opsContractsLoader } from "~/routes/ops.contracts._index";
import { loader as opsContractLoader } from "~/routes/ops.contracts.$contractId";

/**
 * Issue 7 §6: a contract that starts in the future is "À venir / Upcoming", not "Actif", on the
 * tenant's and the operators' pages — the status derived in one place from the dates at the site.
 */
const w = orgAtLdcEachTest();

/** Days from the clock's today (UTC): far enough from the site's own today for any time zone. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const contract = (startOn: string, endOn: string | null = null) =>
  createContract(w.db, { orgId: w.org.id, siteId: w.ldc.site.id, startOn, endOn });

test("a contract starting later is upcoming on every page; started ones are active; ended ones terminated", async () => {
  const upcoming = await contract(inDays(30));
  const active = await contract("2025-01-01");
  const ended = await contract("2025-01-01", "2025-06-30");
  const owner = await signedIn(w.db, { orgId: w.org.id, role: "owner" });
  const noc = await signedIn(w.db, { operatorRole: "ops_noc" });

  // Tenant: listed with the current contracts, labelled upcoming, and may still be terminated.
  const services = await body(await call(servicesLoader, getRequest("/app/services", { cookie: owner.cookie })));
  const statusOf = (rows: { id: string; status: string }[]) => Object.fromEntries(rows.map((r) => [r.id, r.status]));
  expect(statusOf(services.active)).toEqual({ [upcoming]: "upcoming", [active]: "active" });
  expect(statusOf(services.past)).toEqual({ [ended]: "terminated" });
  const page = await body(await call(serviceLoader, getRequest(`/app/services/${upcoming}`, { cookie: owner.cookie }), { contractId: upcoming }));
  expect(page.contract.status).toBe("upcoming");
  expect(page.canTerminate).toBe(true);

  // Tenant dashboard.
  const dashboard = await body(await call(dashboardLoader, getRequest("/app", { cookie: owner.cookie })));
  expect(dashboard.contracts).toEqual({ active: 1, upcoming: 1 });

  // Operators: the list, its filters and the contract's page.
  const all = await body(await call(opsContractsLoader, getRequest("/ops/contracts", { cookie: noc.cookie })));
  expect(statusOf(all.contracts)).toEqual({ [upcoming]: "upcoming", [active]: "active", [ended]: "terminated" });
  const onlyUpcoming = await body(await call(opsContractsLoader, getRequest("/ops/contracts?status=upcoming", { cookie: noc.cookie })));
  expect(onlyUpcoming.contracts.map((c: { id: string }) => c.id)).toEqual([upcoming]);
  const onlyActive = await body(await call(opsContractsLoader, getRequest("/ops/contracts?status=active", { cookie: noc.cookie })));
  expect(onlyActive.contracts.map((c: { id: string }) => c.id)).toEqual([active]);
  const opsPage = await body(await call(opsContractLoader, getRequest(`/ops/contracts/${upcoming}`, { cookie: noc.cookie }), { contractId: upcoming }));
  expect(opsPage.contract.status).toBe("upcoming");

  // The words the badge shows.
  expect(translate("fr", "requests.contractStatus.upcoming")).toBe("À venir");
  expect(translate("en", "requests.contractStatus.upcoming")).toBe("Upcoming");
});
