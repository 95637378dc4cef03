import { orgAtLdcEachTest } from "../support/org-at-site";
import { body, call, formRequest, getRequest } from "../support/http";
import {
  count,
  createContract,
  signedIn,
} from "../support/factories";
import {
  action as contractAction,
  loader as contractLoader,
} from "~/routes/app.services.$contractId";
import {
  action as pricesAction,
  loader as pricesLoader,
} from "~/routes/ops.sites.$siteCode.prices";
import { loader as siteLoader } from "~/routes/ops.sites.$siteCode";
import { loader as availabilityLoader } from "~/routes/app.requests.availability";

/**
 * The rights of issue 7 §6, through the real loaders and actions: a role without the right gets
 * 403 and nothing is written; a role with it gets the page or the change.
 */
const w = orgAtLdcEachTest();

/** A date some weeks after the site's today, computed from the clock, so the test never ages. */
const inWeeks = (weeks: number) =>
  new Date(Date.now() + weeks * 7 * 86_400_000).toISOString().slice(0, 10);

const contract = () =>
  createContract(w.db, { orgId: w.org.id, siteId: w.ldc.site.id, startOn: "2026-01-01" });

describe("asking for a termination is its own right (owner and admin)", () => {
  test("a technical member, billing or viewer gets 403 and no change is written", async () => {
    const contractId = await contract();
    for (const role of ["technical", "billing", "viewer"] as const) {
      const user = await signedIn(w.db, { orgId: w.org.id, role });
      const page = await call(
        contractLoader,
        getRequest(`/app/services/${contractId}`, { cookie: user.cookie }),
        { contractId },
      );
      expect(page.status).toBe(200);
      expect((await body(page)).canTerminate).toBe(false);
      const res = await call(
        contractAction,
        formRequest(
          `/app/services/${contractId}`,
          { endOn: inWeeks(8) },
          { cookie: user.cookie },
        ),
        { contractId },
      );
      expect(res.status).toBe(403);
      expect(await count(w.db, "contract_changes")).toBe(0);
    }
  });

  test("an owner or an admin may ask", async () => {
    for (const role of ["owner", "admin"] as const) {
      const contractId = await contract();
      const user = await signedIn(w.db, { orgId: w.org.id, role });
      const page = await call(
        contractLoader,
        getRequest(`/app/services/${contractId}`, { cookie: user.cookie }),
        { contractId },
      );
      expect((await body(page)).canTerminate).toBe(true);
      const res = await call(
        contractAction,
        formRequest(
          `/app/services/${contractId}`,
          { endOn: inWeeks(8) },
          { cookie: user.cookie },
        ),
        { contractId },
      );
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ sent: true });
      expect(
        await w.db
          .selectFrom("contract_changes")
          .select("id")
          .where("contract_id", "=", contractId)
          .execute(),
      ).toHaveLength(1);
    }
  });
});

describe("the price list is commercial (ops_admin, ops_finance)", () => {
  const path = "/ops/sites/LDC/prices";

  test("ops_noc gets 403 on the page and on a change, and no Prices tab", async () => {
    const noc = await signedIn(w.db, { operatorRole: "ops_noc" });
    expect(
      (
        await call(pricesLoader, getRequest(path, { cookie: noc.cookie }), {
          siteCode: "LDC",
        })
      ).status,
    ).toBe(403);
    const product = await w.db
      .selectFrom("products")
      .select(["id", "unit_price_minor"])
      .where("site_id", "=", w.ldc.site.id)
      .where("kind", "=", "rack_unit")
      .executeTakeFirstOrThrow();
    const res = await call(
      pricesAction,
      formRequest(
        path,
        {
          intent: "update",
          productId: product.id,
          nameFr: "U",
          nameEn: "U",
          unitPrice: "1",
          setupFee: "0",
        },
        { cookie: noc.cookie },
      ),
      { siteCode: "LDC" },
    );
    expect(res.status).toBe(403);
    const after = await w.db
      .selectFrom("products")
      .select("unit_price_minor")
      .where("id", "=", product.id)
      .executeTakeFirstOrThrow();
    expect(after.unit_price_minor).toBe(product.unit_price_minor);
    const site = await body(
      await call(
        siteLoader,
        getRequest("/ops/sites/LDC", { cookie: noc.cookie }),
        { siteCode: "LDC" },
      ),
    );
    expect(site.canSeePrices).toBe(false);
  });

  test("ops_admin and ops_finance see and may change the prices", async () => {
    for (const operatorRole of ["ops_admin", "ops_finance"] as const) {
      const op = await signedIn(w.db, { operatorRole });
      const res = await call(
        pricesLoader,
        getRequest(path, { cookie: op.cookie }),
        { siteCode: "LDC" },
      );
      expect(res.status).toBe(200);
      const data = await body(res);
      expect(data.canManage).toBe(true);
      expect(data.products.length).toBeGreaterThan(0);
      const site = await body(
        await call(
          siteLoader,
          getRequest("/ops/sites/LDC", { cookie: op.cookie }),
          { siteCode: "LDC" },
        ),
      );
      expect(site.canSeePrices).toBe(true);
    }
  });
});

describe("the availability preview needs the right of the request form", () => {
  const query = () =>
    `/app/requests/availability?siteId=${w.ldc.site.id}&desiredStartOn=${inWeeks(4)}&termMonths=12&qty_rack_unit=2`;

  test("a viewer or billing member gets 403, a technical member the answer", async () => {
    for (const role of ["viewer", "billing"] as const) {
      const other = await signedIn(w.db, { orgId: w.org.id, role });
      expect(
        (
          await call(
            availabilityLoader,
            getRequest(query(), { cookie: other.cookie }),
          )
        ).status,
      ).toBe(403);
    }
    const user = await signedIn(w.db, { orgId: w.org.id, role: "technical" });
    const res = await call(
      availabilityLoader,
      getRequest(query(), { cookie: user.cookie }),
    );
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ ok: true });
  });
});
