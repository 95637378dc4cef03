/**
 * A tenant-to-tenant cross-connect, in Chromium, on the demo data (issue 10): Kossi Digital orders a
 * link from its Lomé contract to the agency (ANSI), the agency accepts it with its own contract and
 * position, the NOC operator assigns the two ports and records the installation with a test result;
 * both tenants then see it installed, and both download its letter of authorisation (LOA/CFA) as a
 * PDF that names the parties, positions and ports.
 *
 * The demo data has no two tenants with a live contract at one site (the agency's Lomé contract
 * ended in mid-November; Kossi Digital is only at Lomé), so the agency first gets one through the
 * real pages: it asks for 4 U + 1 kW at LDC from today and the operator approves it on rack A07 (a rack
 * no other end-to-end file uses: colocation.test.ts approves on A02, amendment.test.ts grows A01).
 *
 * Nothing here is billed or issued: the cross-connect is billed from its installation day on, in the
 * current month, which only amendment.test.ts bills (and it asserts only its own power lines).
 *
 * Each step builds on the previous one (the suite bails at the first failure).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { crossconnectsFr as fr } from "../../app/i18n/areas/crossconnects";
import { pdfText } from "../support/pdf";
import { fill, formWith, hydrated, launchBrowser, newContext, open, problems, screenshot, submit, signIn, screenshotFromTop } from "./support";

const KOSSI_OWNER = "owner@kossi.demo.test";
const ANSI_OWNER = "owner@ansi.demo.test";
const NOC = "noc@ops.demo.test";
const KOSSI = "Kossi Digital SARL";
const ANSI = "Agence nationale des systèmes d'information (ANSI)";

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const A_POSITION = `Baie A01, panneau PP1, ports 1-2 (${run})`;
const Z_POSITION = `Baie A07, panneau PP2, ports 3-4 (${run})`;
const TEST_RESULT = `Perte 0,4 dB à 1310 nm, conforme (${run})`;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** Text without the (narrow) no-break spaces Intl puts in numbers and units. */
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();
const idFrom = (page: Page) => new URL(page.url()).pathname.split("/").pop() ?? "";

let browser: Browser;
let kossiContext: BrowserContext;
let ansiContext: BrowserContext;
let operatorContext: BrowserContext;
let kossi: Page;
let ansi: Page;
let operator: Page;

/** What the steps find and pass on. */
const state = {
  kossiContractId: "",
  ansiRequestId: "",
  ansiContractId: "",
  orderId: "",
  ref: "",
  aPort: "",
  zPort: "",
  today: "",
};

let failed = false;
beforeEach((context) => {
  if (failed) context.skip();
});
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || failed) return;
  failed = true;
  for (const [label, page] of Object.entries({ kossi, ansi, operator })) {
    if (page && !page.isClosed() && page.url() !== "about:blank") await screenshot(page, `failed-xc-${label}`).catch(() => undefined);
  }
});



/** The value of the option of a select whose label contains `text`. */
async function optionValue(select: Locator, text: string) {
  const options = await select.locator("option").evaluateAll((els) => els.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? "" })));
  const option = options.find((o) => o.label.includes(text));
  expect(option, `an option containing "${text}" among ${options.map((o) => o.label).join(" | ")}`).toBeDefined();
  return option!.value;
}

/** The success notices (role=status) of a page, as plain text. */
const notices = (page: Page) => page.getByRole("status").allTextContents().then((t) => t.map(plain));

/** The facts (dt → dd) of the order's "Liaison" card. */
async function facts(page: Page) {
  const card = page.locator("section.card", { has: page.getByRole("heading", { level: 2, name: fr["crossconnects.detail.link"], exact: true }) });
  const pairs = await card.locator("dt").evaluateAll((dts) => dts.map((dt) => [dt.textContent ?? "", dt.nextElementSibling?.textContent ?? ""]));
  return Object.fromEntries(pairs.map(([k, v]) => [plain(k), plain(v)]));
}

/** The page's state badge, next to its title. */
const badge = (page: Page) => page.locator(".page-head .badge").first().textContent().then(plain);

describe("cross-connect: ordered by one tenant, accepted by another, installed", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    kossiContext = await newContext(browser, "kossi");
    ansiContext = await newContext(browser, "ansi");
    operatorContext = await newContext(browser, "operator");
    kossi = await kossiContext.newPage();
    ansi = await ansiContext.newPage();
    operator = await operatorContext.newPage();
  });

  afterAll(async () => {
    if (problems.errors.length) console.error(`Page problems seen:\n  ${problems.errors.join("\n  ")}`);
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("Kossi Digital's order form at Lomé does not offer the agency yet: it has no live contract there", async () => {
    await signIn(kossi, KOSSI_OWNER);
    await open(kossi, "/app/services");
    // Kossi Digital's contract with the seeded rack units at A01 (an active Lomé contract).
    const rows = kossi.getByRole("row").filter({ hasText: "LDC" }).filter({ hasText: "Actif" });
    const hrefs = [...new Set(await rows.locator(`a[href^="/app/services/"]`).evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "")))];
    for (const href of hrefs) {
      await open(kossi, href);
      if (plain(await kossi.getByRole("main").textContent()).includes("Salle A · baie A01")) {
        state.kossiContractId = href.split("/").pop()!;
        break;
      }
    }
    expect(state.kossiContractId, "Kossi Digital's active contract on A01 at LDC").toMatch(new RegExp(`^${UUID}$`));
    // The contract page links to its cross-connects.
    const ref = state.kossiContractId.slice(0, 8).toUpperCase();
    await kossi.getByRole("link", { name: `${fr["crossconnects.contractTitle"].replace("{ref}", ref)} →` }).click();
    await kossi.waitForURL(new RegExp(`/app/services/${state.kossiContractId}/cross-connects$`));
    await hydrated(kossi);
    await expect.poll(() => kossi.getByRole("heading", { level: 1 }).textContent()).toBe(fr["crossconnects.contractTitle"].replace("{ref}", ref));
    await kossi.locator('input[name="zKind"][value="tenant"]').check();
    const tenants = kossi.locator('select[name="zOrgId"]');
    expect(await tenants.locator("option").filter({ hasText: "ANSI" }).count()).toBe(0);
  });

  it("the agency asks for 4 U + 1 kW at Lomé from today", async () => {
    await signIn(ansi, ANSI_OWNER);
    await open(ansi, "/app/requests/new");
    await expect.poll(() => ansi.getByRole("heading", { level: 1 }).textContent()).toBe("Nouvelle demande");
    const site = ansi.getByLabel("Site", { exact: true });
    await site.selectOption(await optionValue(site, "LDC — Lomé Data Centre"));
    await ansi.locator('[name="qty_rack_unit"]').fill("4");
    await ansi.locator('[name="qty_power_commit_kw"]').fill("1");
    // From today (the earliest the form allows): the agency's space is there when the link is installed.
    const start = ansi.locator('[name="desiredStartOn"]');
    const today = (await start.getAttribute("min")) ?? "";
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await start.fill(today);
    await ansi.locator('[name="notes"]').fill(`Point de présence pour l'interconnexion avec un partenaire (e2e ${run})`);
    const status = await submit(ansi, formWith(ansi, { name: "qty_rack_unit" }), ansi.getByRole("button", { name: "Soumettre la demande" }));
    expect(status).toBeLessThan(400);
    await ansi.waitForURL(new RegExp(`/app/requests/${UUID}\\?sent=1$`));
    await hydrated(ansi);
    state.ansiRequestId = idFrom(ansi);
  });

  it("the operator approves it on A07, units 1–4, 1 000 W", async () => {
    await signIn(operator, NOC);
    await open(operator, `/ops/requests/${state.ansiRequestId}`);
    const main = operator.getByRole("main");
    await expect.poll(() => main.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Demande [0-9A-F]{8}$/);
    expect(plain(await main.textContent())).toContain(`e2e ${run}`);
    const form = formWith(operator, { name: "intent", value: "approve" });
    const rack = form.locator('[name="placements.0.rackId"]');
    await rack.selectOption(await optionValue(rack, "· A07 —"));
    await fill(form, { "placements.0.firstU": "1", "placements.0.lastU": "4", "placements.0.powerW": "1000" });
    const status = await submit(operator, form, form.getByRole("button", { name: "Approuver et créer le contrat" }));
    expect(status).toBeLessThan(400);
    await operator.waitForURL(new RegExp(`/ops/contracts/${UUID}\\?approved=1$`));
    await hydrated(operator);
    state.ansiContractId = idFrom(operator);
    // Polled, and the page's text in the message: on a loaded machine this once read no row (not reproduced since).
    const rows = operator.getByRole("main").getByRole("row").filter({ hasText: "Salle A · baie A07" }).filter({ hasText: "U1–U4" });
    await expect
      .poll(async () => ((await rows.count()) === 1 ? 1 : plain((await operator.getByRole("main").textContent()) ?? "")), { timeout: 15_000 })
      .toBe(1);
  });

  it("Kossi Digital orders a single-mode fibre cross-connect to the agency", async () => {
    await open(kossi, `/app/services/${state.kossiContractId}/cross-connects`);
    await kossi.locator('input[name="zKind"][value="tenant"]').check();
    const form = formWith(kossi, { name: "clientKey" });
    const tenants = form.locator('select[name="zOrgId"]');
    await tenants.selectOption(await optionValue(tenants, ANSI));
    // Only the other live tenants of the site are offered: not Kossi Digital itself.
    expect(await tenants.locator("option").filter({ hasText: KOSSI }).count()).toBe(0);
    await form.locator('select[name="media"]').selectOption("smf");
    await fill(form, { aPosition: A_POSITION, notes: "Liaison vers le point de présence de l'agence." });
    // The price the site lists today, frozen at the order.
    expect(plain(await form.locator("xpath=..").textContent())).toMatch(/\d[\d\s]* F CFA par mois \+ \d[\d\s]* F CFA de mise en service/);
    await screenshotFromTop(kossi, "xc-01-order-form");
    const status = await submit(kossi, form, form.getByRole("button", { name: fr["crossconnects.order.submit"], exact: true }));
    expect(status).toBeLessThan(400);
    await kossi.waitForURL(new RegExp(`/app/cross-connects/${UUID}$`));
    await hydrated(kossi);
    state.orderId = idFrom(kossi);
    state.ref = `XC-${state.orderId.slice(0, 8).toUpperCase()}`;
    await expect.poll(() => kossi.getByRole("heading", { level: 1 }).textContent()).toBe(fr["crossconnects.detail.title"].replace("{ref}", state.ref));
    expect(await badge(kossi)).toBe(fr["crossconnects.status.pending_acceptance"]);
    expect(plain(await kossi.getByRole("main").textContent())).toContain(plain(fr["crossconnects.side.toZ"].replace("{z}", ANSI)));
    const f = await facts(kossi);
    expect(f[fr["crossconnects.detail.aPosition"]]).toBe(plain(A_POSITION));
    expect(f[fr["crossconnects.detail.zPosition"]]).toBe(fr["crossconnects.detail.positionPending"]);
    expect(f[fr["crossconnects.detail.aPort"]]).toBe(fr["crossconnects.detail.portPending"]);
    await screenshotFromTop(kossi, "xc-02-ordered");
  });

  it("the agency finds it to accept, and accepts it with its Lomé contract and its position", async () => {
    await open(ansi, "/app/cross-connects");
    const incoming = ansi.locator("section.card", { has: ansi.getByRole("heading", { level: 2, name: /^À accepter ou décliner \(\d+\)$/ }) });
    const row = incoming.getByRole("row").filter({ hasText: state.ref });
    await expect.poll(() => row.count()).toBe(1);
    expect(plain(await row.textContent())).toContain(plain(fr["crossconnects.side.fromA"].replace("{a}", KOSSI)));
    await screenshotFromTop(ansi, "xc-03-incoming");
    await row.getByRole("link", { name: state.ref }).click();
    await ansi.waitForURL(new RegExp(`/app/cross-connects/${state.orderId}$`));
    await hydrated(ansi);
    await expect.poll(() => badge(ansi)).toBe(fr["crossconnects.status.pending_acceptance"]);

    const form = formWith(ansi, { name: "intent", value: "accept" });
    const contract = form.locator('select[name="zContractId"]');
    await contract.selectOption(await optionValue(contract, state.ansiContractId.slice(0, 8).toUpperCase()));
    await fill(form, { zPosition: Z_POSITION });
    const status = await submit(ansi, form, form.getByRole("button", { name: fr["crossconnects.accept.submit"], exact: true }));
    expect(status).toBeLessThan(400);
    await expect.poll(() => notices(ansi)).toContain(plain(fr["crossconnects.done.accept"]));
    await expect.poll(() => badge(ansi)).toBe(fr["crossconnects.status.ordered"]);
    const f = await facts(ansi);
    expect(f[fr["crossconnects.detail.zPosition"]]).toBe(plain(Z_POSITION));
    expect(f[fr["crossconnects.detail.zSide"]]).toContain(state.ansiContractId.slice(0, 8).toUpperCase());
    await screenshotFromTop(ansi, "xc-04-accepted");
  });

  it("the operator finds it in the queue, assigns two free single-mode ports", async () => {
    await open(operator, "/ops/requests");
    const queue = operator.locator("section.card", { has: operator.getByRole("heading", { level: 2, name: /^Interconnexions à traiter \(\d+\)$/ }) });
    const row = queue.getByRole("row").filter({ hasText: state.ref });
    await expect.poll(() => row.count()).toBe(1);
    expect(plain(await row.textContent())).toContain(`${KOSSI} → ${ANSI}`);
    expect(plain(await row.textContent())).toContain(fr["crossconnects.status.ordered"]);
    await row.getByRole("link", { name: state.ref }).click();
    await operator.waitForURL(new RegExp(`/ops/cross-connects/${state.orderId}$`));
    await hydrated(operator);
    await expect.poll(() => badge(operator)).toBe(fr["crossconnects.status.ordered"]);
    // Recording the installation before the ports are assigned is not offered.
    expect(plain(await operator.getByRole("main").textContent())).toContain(plain(fr["crossconnects.error.install_before_assignment"]));

    const form = formWith(operator, { name: "intent", value: "assign" });
    const aSelect = form.locator('select[name="aPortId"]');
    const choices = await aSelect.locator("option").evaluateAll((els) => els.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? "" })).filter((o) => o.value));
    expect(choices.length).toBeGreaterThanOrEqual(2);
    // Kossi Digital's seeded contract holds MMR-01: not offered.
    expect(choices.map((c) => c.label)).not.toContainEqual(expect.stringMatching(/^MMR-01 /));
    const [a, z] = choices;
    state.aPort = a.label.split(" · ")[0];
    state.zPort = z.label.split(" · ")[0];
    await aSelect.selectOption(a.value);
    await form.locator('select[name="zPortId"]').selectOption(z.value);
    await screenshotFromTop(operator, "xc-05-ops-assign");
    const status = await submit(operator, form, form.getByRole("button", { name: fr["crossconnects.assign.submit"], exact: true }));
    expect(status).toBeLessThan(400);
    await expect.poll(() => notices(operator)).toContain(plain(fr["crossconnects.done.assign"]));
    // The page's data follows the notice (revalidation): read the ports once they are there.
    await expect.poll(async () => (await facts(operator))[fr["crossconnects.detail.aPort"]] ?? "").toMatch(new RegExp(`^${state.aPort} · `));
    await expect.poll(async () => (await facts(operator))[fr["crossconnects.detail.zPort"]] ?? "").toMatch(new RegExp(`^${state.zPort} · `));
  });

  it("the operator records the installation today with its test result", async () => {
    const form = formWith(operator, { name: "intent", value: "install" });
    const installedOn = form.locator('input[name="installedOn"]');
    state.today = await installedOn.inputValue();
    expect(state.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Not before the ports were assigned, not in the future: today is the only choice here.
    expect(await installedOn.getAttribute("max")).toBe(state.today);
    expect(await installedOn.getAttribute("min")).toBe(state.today);
    await fill(form, { testResult: TEST_RESULT });
    const status = await submit(operator, form, form.getByRole("button", { name: fr["crossconnects.install.submit"], exact: true }));
    expect(status).toBeLessThan(400);
    await expect.poll(() => notices(operator)).toContain(plain(fr["crossconnects.done.install"]));
    await expect.poll(() => badge(operator)).toBe(fr["crossconnects.status.installed"]);
    expect((await facts(operator))[fr["crossconnects.detail.testResult"]]).toBe(plain(TEST_RESULT));
    // Done: neither the assignment nor the installation is offered any more.
    expect(await formWith(operator, { name: "intent", value: "install" }).count()).toBe(0);
    expect(await formWith(operator, { name: "intent", value: "assign" }).count()).toBe(0);
    await screenshotFromTop(operator, "xc-06-ops-installed");
  });

  it("both tenants see it installed, with its ports, positions and test result", async () => {
    const installedOn = plain(fr["crossconnects.installedOn"].replace("{date}", new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${state.today}T00:00:00Z`))));
    for (const [page, label, list] of [
      [kossi, "kossi", `/app/services/${state.kossiContractId}/cross-connects`],
      [ansi, "ansi", "/app/cross-connects"],
    ] as const) {
      await open(page, list);
      const row = page.getByRole("row").filter({ hasText: state.ref });
      await expect.poll(() => row.count(), { message: `${label}: its row in ${list}` }).toBe(1);
      expect(plain(await row.textContent())).toContain(fr["crossconnects.status.installed"]);
      expect(plain(await row.textContent())).toContain(installedOn);
      await screenshotFromTop(page, `xc-07-${label}-list`);

      // Its contract's page lists it too, with its state (Kossi Digital's as the A side, the agency's as the Z side).
      const contractId = label === "kossi" ? state.kossiContractId : state.ansiContractId;
      await open(page, `/app/services/${contractId}`);
      const item = page.getByRole("main").getByRole("listitem").filter({ has: page.locator(`a[href="/app/cross-connects/${state.orderId}"]`) });
      await expect.poll(() => item.count(), { message: `${label}: the contract page lists it` }).toBe(1);
      expect(plain(await item.textContent())).toContain(fr["crossconnects.status.installed"]);

      await open(page, `/app/cross-connects/${state.orderId}`);
      await expect.poll(() => badge(page)).toBe(fr["crossconnects.status.installed"]);
      const f = await facts(page);
      expect(f[fr["crossconnects.detail.aSide"]]).toContain(KOSSI);
      expect(f[fr["crossconnects.detail.zSide"]]).toContain(ANSI);
      expect(f[fr["crossconnects.detail.aPosition"]]).toBe(plain(A_POSITION));
      expect(f[fr["crossconnects.detail.zPosition"]]).toBe(plain(Z_POSITION));
      expect(f[fr["crossconnects.detail.aPort"]]).toMatch(new RegExp(`^${state.aPort} · `));
      expect(f[fr["crossconnects.detail.zPort"]]).toMatch(new RegExp(`^${state.zPort} · `));
      expect(f[fr["crossconnects.col.media"]]).toBe(fr["crossconnects.media.smf"]);
      expect(f[fr["crossconnects.detail.testResult"]]).toBe(plain(TEST_RESULT));
      const history = plain(await page.locator("section.card", { has: page.getByRole("heading", { level: 2, name: fr["crossconnects.history.title"] }) }).textContent());
      expect(history).toContain(plain(fr["crossconnects.history.accepted"].replace("{z}", ANSI)));
      expect(history).toContain(fr["crossconnects.history.portsAssigned"]);
      expect(history).toContain(fr["crossconnects.history.installed"]);
      // Once installed, either side may ask for its removal.
      expect(await page.getByRole("button", { name: fr["crossconnects.removal.submit"] }).count()).toBe(1);
      await screenshotFromTop(page, `xc-08-${label}-installed`);
    }
  });

  it("both tenants' LOA link answers a PDF naming the parties, positions and ports", async () => {
    for (const [page, label] of [
      [kossi, "kossi"],
      [ansi, "ansi"],
    ] as const) {
      const link = page.getByRole("link", { name: fr["crossconnects.loa.download"] });
      expect(await link.getAttribute("href")).toBe(`/app/cross-connects/${state.orderId}/loa.pdf`);
      const response = await page.request.get(`/app/cross-connects/${state.orderId}/loa.pdf`);
      expect(response.status(), `${label}: LOA`).toBe(200);
      expect(response.headers()["content-type"]).toBe("application/pdf");
      const bytes = await response.body();
      expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
      const { text } = await pdfText(bytes);
      for (const expected of [state.ref, KOSSI, "ANSI", A_POSITION, Z_POSITION, state.aPort, state.zPort]) {
        expect(plain(text), `${label}: the LOA names ${expected}`).toContain(plain(expected));
      }
    }
  });
});
