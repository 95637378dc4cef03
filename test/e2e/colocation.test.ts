/**
 * The colocation journeys, end to end, through the real pages in Chromium, on the demo data:
 *
 * 1. Request → approval → contract: the SME owner asks for 10 U + 2 kW + 50 Mbit/s at Lomé with the
 *    live quote and availability; the NOC operator approves it on a free rack (A02, U1–U10); a second,
 *    overlapping request approved from a page loaded before that approval loses the race (409); the
 *    owner sees the contract with its units highlighted in the rack elevation. Also the operator's
 *    capacity pages, and the new-request page once in English.
 * 2. Metering: the operator creates a collector token and two meters attached to one of the owner's
 *    contracts; samples are pushed to the collectors' API from Node; the owner's usage page shows
 *    them (energy so far, burst budget, charts) and the month's CSV contains them.
 *
 * Each step builds on the previous one of its journey; after a failure the remaining steps of that
 * journey are skipped.
 */
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { baseUrl, fill, formWith, hydrated, launchBrowser, newContext, open, problems, screenshot, SCREENSHOT_DIR, submit, signIn, screenshotFromTop } from "./support";

const OWNER = "owner@kossi.demo.test";
const NOC = "noc@ops.demo.test";
const KOSSI = "Kossi Digital SARL";

const REQUEST_JOURNEY = "request → approval → contract";
const METERING_JOURNEY = "metering → usage";
const LAYOUT_JOURNEY = "phones and the audit log";

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

let browser: Browser;
let ownerContext: BrowserContext;
let operatorContext: BrowserContext;
let owner: Page;
let operator: Page;
/** A second operator tab: the page loaded before the first approval, which loses the race. */
let operatorLate: Page | undefined;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const path = (page: Page) => new URL(page.url()).pathname;
const idFrom = (page: Page) => path(page).split("/").pop() ?? "";
/** Text without the (narrow) no-break spaces Intl puts in numbers and units. */
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();
/** "1 234,5 kWh" (French) → 1234.5 */
const frenchNumber = (text: string | null) => {
  const match = /-?\d[\d\s\u00a0\u202f]*(?:,\d+)?/.exec(text ?? "");
  return match ? Number(match[0].replace(/[\s\u00a0\u202f]/g, "").replace(",", ".")) : Number.NaN;
};

/** Sign in through the form and wait until the portal has left the sign-in page. */


/** The blocks drawn in a rack elevation (SVG): their tooltip, and whether they are highlighted. */
async function elevationBlocks(svg: Locator) {
  return svg.locator("g.rack-block").evaluateAll((groups) =>
    groups.map((g) => {
      const rect = g.querySelector("rect");
      return {
        title: g.querySelector("title")?.textContent ?? "",
        // The elevation marks a highlighted block with a thick amber outline, and dims the others.
        highlighted: rect?.getAttribute("stroke") === "#f5b700" && !g.classList.contains("rack-block--dim"),
      };
    }),
  );
}

/** The value of the option of a select whose label contains `text`. */
async function optionValue(select: Locator, text: string) {
  const options = await select.locator("option").evaluateAll((els) => els.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? "" })));
  const option = options.find((o) => o.label.includes(text));
  expect(option, `an option containing "${text}" among ${options.map((o) => o.label).join(" | ")}`).toBeDefined();
  return option!.value;
}

const failedJourneys = new Set<string>();
beforeEach((context) => {
  const suite = context.task.suite?.name ?? "";
  if (failedJourneys.has(suite)) context.skip();
});
afterEach(async (context) => {
  const suite = context.task.suite?.name ?? "";
  if (context.task.result?.state !== "fail" || failedJourneys.has(suite) || suite === "page health") return;
  failedJourneys.add(suite);
  // What each browser showed when the step failed, to diagnose it.
  const tag = suite === REQUEST_JOURNEY ? "colo" : suite === METERING_JOURNEY ? "metering" : "layout";
  const pages = { owner, operator, "operator-late": operatorLate };
  for (const [label, page] of Object.entries(pages)) {
    if (page && !page.isClosed() && page.url() !== "about:blank") await screenshot(page, `failed-${tag}-${label}`).catch(() => undefined);
  }
});

beforeAll(async () => {
  browser = await launchBrowser();
  ownerContext = await newContext(browser, "owner");
  operatorContext = await newContext(browser, "operator");
  owner = await ownerContext.newPage();
  operator = await operatorContext.newPage();
  await signIn(owner, OWNER);
  await signIn(operator, NOC);
});

afterAll(async () => {
  if (problems.errors.length) console.error(`Page problems seen:\n  ${problems.errors.join("\n  ")}`);
  await browser?.close();
});

describe(REQUEST_JOURNEY, () => {
  const first = { id: "", total: "" };
  const second = { id: "" };
  let contractId = "";

  /** On the new-request page: pick LDC, type 10 U, 2 kW, 50 Mbit/s, and wait for the availability answer. */
  async function askForTenUnits(page: Page, notes?: string) {
    const site = page.getByLabel("Site", { exact: true });
    await site.selectOption(await optionValue(site, "LDC — Lomé Data Centre"));
    const availability = page.waitForResponse((r) => new URL(r.url()).pathname === "/app/requests/availability" && r.url().includes("qty_bandwidth_commit_mbps=50"));
    await page.locator('[name="qty_rack_unit"]').fill("10");
    await page.locator('[name="qty_power_commit_kw"]').fill("2");
    await page.locator('[name="qty_bandwidth_commit_mbps"]').fill("50");
    if (notes) await page.locator('[name="notes"]').fill(notes);
    expect((await availability).status()).toBe(200);
  }

  const quoteCard = (page: Page, title: string) => page.locator("section.card", { has: page.getByRole("heading", { name: title, exact: true }) });

  it("shows the owner a live quote in F CFA and the availability at LDC, then takes the request", async () => {
    await open(owner, "/app/requests/new");
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Nouvelle demande");
    const quote = quoteCard(owner, "Devis estimatif");
    expect(await quote.textContent()).toContain("Indiquez au moins une quantité pour obtenir un devis.");

    await askForTenUnits(owner, `Serveurs de la plateforme e2e ${run}`);
    const total = quote.locator('dt:text-is("Total du premier mois (TTC)") + dd');
    await expect.poll(() => total.textContent()).toMatch(/^[1-9]\d{0,2}(?:[\s\u202f\u00a0]\d{3})*[\s\u202f\u00a0]F[\s\u202f\u00a0]CFA$/);
    first.total = plain(await total.textContent());
    for (const label of ["Récurrent mensuel (HT)", "Mise en service, une fois (HT)", "TVA 18 %", "Ensuite, chaque mois (TTC)"]) {
      expect(plain(await quote.textContent())).toContain(plain(label));
    }
    const availability = quoteCard(owner, "Disponibilité");
    await expect.poll(() => availability.textContent()).toContain("Espace et puissance disponibles à LDC ✓");
    expect(await availability.textContent()).toMatch(/Bande passante encore disponible à ce site : [\d\s\u202f\u00a0]+ Mbit\/s/);
    await screenshotFromTop(owner, "colo-01-request-quote");

    const submitButton = owner.getByRole("button", { name: "Soumettre la demande" });
    const status = await submit(owner, formWith(owner, { name: "qty_rack_unit" }), submitButton);
    expect(status).toBeLessThan(400);
    await owner.waitForURL(new RegExp(`/app/requests/${UUID}\\?sent=1$`));
    await hydrated(owner);
    first.id = idFrom(owner);
    await expect.poll(() => owner.getByRole("status").first().textContent()).toContain("Demande envoyée.");
    const main = owner.getByRole("main");
    expect(await main.getByText("En attente", { exact: true }).count()).toBeGreaterThan(0);
    expect(plain(await main.textContent())).toContain(plain(`Total du premier mois (TTC)${first.total}`));
    for (const item of ["Unités de baie (U) × 10", "Puissance souscrite (kW) × 2", "Bande passante garantie (Mbit/s) × 50"]) {
      expect(plain(await main.textContent())).toContain(item);
    }
    await screenshotFromTop(owner, "colo-02-request-pending");
  });

  it("takes a second, identical request from the owner (it will lose the race for the same units)", async () => {
    await open(owner, "/app/requests/new");
    await askForTenUnits(owner, `Seconde demande e2e ${run}`);
    await expect.poll(() => quoteCard(owner, "Disponibilité").textContent()).toContain("Espace et puissance disponibles à LDC ✓");
    await submit(owner, formWith(owner, { name: "qty_rack_unit" }), owner.getByRole("button", { name: "Soumettre la demande" }));
    await owner.waitForURL(new RegExp(`/app/requests/${UUID}\\?sent=1$`));
    second.id = idFrom(owner);
    expect(second.id).not.toBe(first.id);

    // Both are in the owner's list, pending.
    await open(owner, "/app/requests");
    for (const id of [first.id, second.id]) {
      const row = owner.getByRole("row").filter({ has: owner.locator(`a[href="/app/requests/${id}"]`) });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain("En attente");
    }
  });

  it("lists both requests in the operator's queue next to the seeded one", async () => {
    await open(operator, "/ops/requests");
    await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toBe("File des demandes");
    const queue = operator.locator("ul.approval-queue > li");
    const ours = operator.getByRole("link").filter({ hasText: KOSSI }).filter({ hasText: "10 U · 2 kW · 50 Mbit/s" });
    await expect.poll(() => ours.count()).toBe(2);
    // The seeded request (6 U) is there too, and is not one of ours.
    const seeded = operator.getByRole("link").filter({ hasText: KOSSI }).filter({ hasText: "6 U · 1 kW · 20 Mbit/s" });
    expect(await seeded.count()).toBe(1);
    expect(await queue.count()).toBeGreaterThanOrEqual(3);
    // Oldest first: the newest of Kossi's is the last of ours.
    const hrefs = await ours.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(hrefs).toEqual([`/ops/requests/${first.id}`, `/ops/requests/${second.id}`]);
    await screenshotFromTop(operator, "colo-03-ops-queue");
  });

  it("lets a second operator tab prepare the overlapping approval before the first one is decided", async () => {
    operatorLate = await operatorContext.newPage();
    await open(operatorLate, `/ops/requests/${second.id}`);
    const form = formWith(operatorLate, { name: "intent", value: "approve" });
    const rack = form.locator('[name="placements.0.rackId"]');
    await rack.selectOption(await optionValue(rack, "· A02 —"));
    await fill(form, { "placements.0.firstU": "1", "placements.0.lastU": "10", "placements.0.powerW": "2000" });
    // Loaded before the first approval: A02 still looks free here.
    const preview = operatorLate.getByRole("complementary", { name: "Aperçu des baies choisies" });
    await expect.poll(() => preview.textContent()).toContain("U1–U10");
    expect(await preview.textContent()).not.toContain("déjà occupé");
  });

  it("lets the operator approve the first request on A02, units 1–10, and shows the contract", async () => {
    await operator.locator(`a[href="/ops/requests/${first.id}"]`).click();
    await operator.waitForURL(new RegExp(`/ops/requests/${first.id}$`));
    await hydrated(operator);
    const main = operator.getByRole("main");
    // Client-side navigation: the URL changes a moment before the new page is drawn.
    await expect.poll(() => main.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Demande [0-9A-F]{8}$/);
    expect(plain(await main.textContent())).toContain(`Serveurs de la plateforme e2e ${run}`);
    expect(plain(await main.textContent())).toContain("Tout tient à LDC sur la période étudiée");
    expect(plain(await main.textContent())).toContain("À attribuer : 10 U · 2 kW · 50 Mbit/s.");

    const form = formWith(operator, { name: "intent", value: "approve" });
    const rack = form.locator('[name="placements.0.rackId"]');
    const a02 = await optionValue(rack, "· A02 —");
    expect(await rack.locator(`option[value="${a02}"]`).textContent()).toMatch(/Salle A · A02 — 42 U libres .* 4[\s\u202f\u00a0]?000 W disponibles/);
    await rack.selectOption(a02);
    await fill(form, { "placements.0.firstU": "1", "placements.0.lastU": "10" });
    // The form prefills the committed power (2 kW); set it explicitly all the same.
    const power = form.locator('[name="placements.0.powerW"]');
    if ((await power.inputValue()) !== "2000") await power.fill("2000");
    expect(await form.locator('[name="placements.0.powerW"]').inputValue()).toBe("2000");
    const preview = operator.getByRole("complementary", { name: "Aperçu des baies choisies" });
    await expect.poll(() => preview.textContent()).toContain("A02");
    expect(await preview.textContent()).toContain("U1–U10");
    const proposed = await elevationBlocks(preview.getByRole("img", { name: "Baie A02, 42 U" }));
    expect(proposed).toContainEqual({ title: expect.stringMatching(/^Proposé : Kossi Digital SARL · U1–U10 · /), highlighted: true });
    await screenshotFromTop(operator, "colo-04-ops-approval");

    const status = await submit(operator, form, form.getByRole("button", { name: "Approuver et créer le contrat" }));
    expect(status).toBeLessThan(400);
    await operator.waitForURL(new RegExp(`/ops/contracts/${UUID}\\?approved=1$`));
    await hydrated(operator);
    contractId = idFrom(operator);
    await expect.poll(() => operator.getByRole("status").first().textContent()).toContain("Demande approuvée : le contrat est créé et le client prévenu par e-mail.");
    const page = operator.getByRole("main");
    expect(await page.getByRole("row").filter({ hasText: "Salle A · baie A02" }).filter({ hasText: "U1–U10" }).count()).toBe(1);
    const blocks = await elevationBlocks(page.getByRole("img", { name: "Baie A02, 42 U" }));
    expect(blocks).toEqual([{ title: expect.stringMatching(/^Kossi Digital SARL · U1–U10 · unités · 2000 W$/), highlighted: true }]);
    await screenshotFromTop(operator, "colo-05-ops-contract");
  });

  it("refuses the overlapping approval prepared earlier: the units were just allocated (409)", async () => {
    const page = operatorLate!;
    const form = formWith(page, { name: "intent", value: "approve" });
    const status = await submit(page, form, form.getByRole("button", { name: "Approuver et créer le contrat" }));
    expect(status).toBe(409);
    expect(path(page)).toBe(`/ops/requests/${second.id}`);
    // The refusal names the contract now holding the units (this organisation's own, approved a moment ago).
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toMatch(/^U1–U10 de la baie A02 sont tenues par le contrat [0-9A-F]{8} de cette organisation à partir du .+ : choisissez d'autres unités/);
    // The chosen values are kept, and nothing was written: the request is still pending.
    expect(await form.locator('[name="placements.0.firstU"]').inputValue()).toBe("1");
    expect(await form.locator('[name="placements.0.lastU"]').inputValue()).toBe("10");
    expect(await page.getByRole("main").getByText("En attente", { exact: true }).count()).toBeGreaterThan(0);
    await screenshotFromTop(page, "colo-06-ops-race-lost");

    // Reloaded, the page now shows A02 U1–U10 as taken when picked again.
    await page.getByRole("link", { name: "Revenir au placement proposé" }).click();
    await hydrated(page);
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);
    const rack = formWith(page, { name: "intent", value: "approve" }).locator('[name="placements.0.rackId"]');
    expect(await rack.locator("option").filter({ hasText: "· A02 —" }).textContent()).toMatch(/A02 — 32 U libres/);

    // Tidy up: the duplicate is rejected with a reason the tenant reads.
    const reject = formWith(page, { name: "intent", value: "reject" });
    await fill(reject, { reason: "Doublon : la demande précédente a été approuvée sur la baie A02." });
    await submit(page, reject, reject.getByRole("button", { name: "Refuser la demande" }));
    await page.waitForURL(new RegExp(`/ops/requests/${second.id}\\?decided=rejected$`));
    await hydrated(page);
    await expect.poll(() => page.getByRole("main").getByText("Refusée", { exact: true }).count()).toBeGreaterThan(0);
    await page.close();
    operatorLate = undefined;
  });

  it("shows the owner the approved request, the new contract in the services and its units highlighted", async () => {
    await open(owner, `/app/requests/${first.id}`);
    expect(await owner.getByRole("main").getByText("Approuvée", { exact: true }).count()).toBeGreaterThan(0);
    await owner.getByRole("link", { name: /^Voir le contrat/ }).click();
    await owner.waitForURL(new RegExp(`/app/services/${contractId}$`));

    await open(owner, "/app/services");
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Mes services");
    const row = owner.getByRole("row").filter({ has: owner.locator(`a[href="/app/services/${contractId}"]`) });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("LDC");
    // It starts on the requested day, two weeks ahead: upcoming, not yet active.
    expect(await row.textContent()).toContain("À venir");
    // Three contracts at LDC now: the two seeded ones and this one.
    expect(await owner.getByRole("row").filter({ hasText: "LDC" }).count()).toBe(3);
    await screenshotFromTop(owner, "colo-07-services");

    await row.getByRole("link").first().click();
    await owner.waitForURL(new RegExp(`/app/services/${contractId}$`));
    await hydrated(owner);
    const main = owner.getByRole("main");
    await expect.poll(() => main.getByRole("heading", { level: 3 }).filter({ hasText: "Salle A · baie A02" }).count()).toBe(1);
    expect(plain(await main.locator("ul.rack-mine").textContent())).toMatch(/^U1–U10 · Unités · 2 kW/);
    const elevation = main.getByRole("img", { name: "Baie A02, 42 U" });
    expect(await elevation.count()).toBe(1);
    const blocks = await elevationBlocks(elevation);
    expect(blocks).toEqual([{ title: "Vos équipements · U1–U10 · unités · 2 kW", highlighted: true }]);
    expect(plain(await elevation.locator("desc").textContent())).toContain("10 U alloués, 32 U libres sur 42. Vos équipements: U1–U10 (unités, 2 kW).");
    expect(plain(await main.textContent())).toContain("Bande passante garantie50 Mbit/s");
    await screenshotFromTop(owner, "colo-08-contract-elevation");
  });

  it("shows the operator the capacity of the sites, of LDC and a rack's elevation", async () => {
    await open(operator, "/ops/sites");
    await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toBe("Sites");
    expect(await operator.getByRole("heading", { level: 2, name: "Lomé Data Centre" }).count()).toBe(1);
    expect(await operator.locator("section.site-card").count()).toBe(3);
    await screenshotFromTop(operator, "colo-09-ops-sites");

    await operator.getByRole("heading", { level: 2, name: "Lomé Data Centre" }).getByRole("link").click();
    await operator.waitForURL(/\/ops\/sites\/LDC$/);
    await hydrated(operator);
    const main = operator.getByRole("main");
    await expect.poll(() => main.getByRole("heading", { level: 1 }).textContent()).toContain("Lomé Data Centre");
    for (const heading of ["Espace", "Puissance", "Bande passante", "Salle A", "Salle B"]) {
      await expect.poll(() => main.getByRole("heading", { level: 2, name: heading, exact: true }).count(), { message: heading }).toBe(1);
    }
    // One tile per rack of room A (named by its visible text: the rack, then space and power).
    expect(await main.getByRole("link", { name: /^A0\d .*espace : .* puissance : / }).count()).toBe(8);
    await screenshotFromTop(operator, "colo-10-ops-site-LDC");

    // Today, A01 holds Kossi's seeded units 1–10.
    await main.getByRole("link", { name: "A01", exact: true }).click();
    await operator.waitForURL(new RegExp(`/ops/sites/LDC/racks/${UUID}$`));
    await hydrated(operator);
    await expect.poll(() => operator.getByRole("heading", { level: 2, name: /^Baie A01/ }).count()).toBe(1);
    const drawing = operator.getByRole("region", { name: "Élévation de la baie" });
    const blocks = await elevationBlocks(drawing.getByRole("img", { name: "Baie A01, 42 U" }));
    expect(blocks.map((b) => b.title)).toContainEqual(expect.stringMatching(/^Kossi Digital SARL · U1–U10 · unités · /));
    await screenshotFromTop(operator, "colo-11-ops-rack-A01");

    // A02's new allocation starts with the contract, and is listed as upcoming.
    await open(operator, "/ops/sites/LDC");
    await operator.getByRole("main").getByRole("link", { name: "A02", exact: true }).click();
    await operator.waitForURL(new RegExp(`/ops/sites/LDC/racks/${UUID}$`));
    await hydrated(operator);
    const upcoming = operator.getByRole("row").filter({ hasText: KOSSI }).filter({ hasText: "U1–U10" });
    await expect.poll(() => upcoming.count()).toBe(1);
    expect(await upcoming.textContent()).toContain("sans date de fin");
  });

  it("shows the new-request page, its quote and availability in English once", async () => {
    await open(owner, "/app/requests/new");
    await owner.locator("form.lang-switch button[value=en]").first().click();
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("New request");
    expect(await owner.locator("html").getAttribute("lang")).toBe("en");
    await hydrated(owner);
    await askForTenUnits(owner);
    const quote = quoteCard(owner, "Estimated quote");
    const total = quote.locator('dt:text-is("First month total (incl. VAT)") + dd');
    await expect.poll(() => total.textContent()).toContain("CFA");
    // The same amount as in French, written the English way.
    const digits = (text: string | null) => (text ?? "").replace(/\D/g, "");
    expect(digits(await total.textContent())).toBe(digits(first.total));
    expect(plain(await total.textContent())).toMatch(/^[^\d]*\d{1,3}(?:,\d{3})+/);
    for (const label of ["Monthly recurring (excl. VAT)", "One-time setup (excl. VAT)", "VAT 18%", "Then each month (incl. VAT)"]) {
      expect(plain(await quote.textContent())).toContain(label);
    }
    await expect.poll(() => quoteCard(owner, "Availability").textContent()).toContain("Space and power available at LDC ✓");
    expect(await owner.getByLabel("Rack units (U)").count()).toBe(1);
    expect(await owner.getByRole("button", { name: "Submit the request" }).count()).toBe(1);
    await screenshotFromTop(owner, "colo-12-request-quote-english");

    // Back to French, without submitting anything.
    await owner.locator("form.lang-switch button[value=fr]").first().click();
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Nouvelle demande");
    expect(await owner.locator("html").getAttribute("lang")).toBe("fr");
  });
});

describe(METERING_JOURNEY, () => {
  const FIVE_MINUTES = 300_000;
  const tokenName = `Collecteur e2e ${run}`;
  let token = "";
  let contractId = "";
  let before = { kwh: Number.NaN, burstUsed: Number.NaN };
  /** Today's 5-minute instants of the last three hours (Lomé is on UTC all year), oldest first. */
  const instants: string[] = [];
  const samples: { meter: string; metric: string; at: string; value: number }[] = [];
  const ENERGY_STEP_KWH = 0.05; // 600 W for 5 minutes

  /** The owner's usage figures for the contract: energy so far and burst samples used. */
  async function usageFigures(page: Page) {
    const energy = page.locator(".tile").filter({ hasText: "Énergie à ce jour" }).locator("strong");
    const used = page.getByText(/^Utilisées\s*:/);
    return { kwh: frenchNumber(await energy.textContent()), burstUsed: frenchNumber(await used.textContent()) };
  }

  it("shows the owner's usage of the Lomé contract before the new meters", async () => {
    await open(owner, "/app/usage");
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Consommation");
    // The seeded contract with a 50 Mbit/s commit and its demo meters (the one approved above has none yet).
    const card = owner.locator("section.usage-card").filter({ hasText: "LDC" }).filter({ hasText: /Engagement\s*:\s*50\s*Mbit\/s/ });
    await expect.poll(() => card.count()).toBe(1);
    const href = await card.getByRole("link", { name: /^Voir la consommation/ }).getAttribute("href");
    expect(href).toMatch(new RegExp(`^/app/usage/${UUID}$`));
    contractId = href!.split("/").pop()!;

    await open(owner, `/app/usage/${contractId}`);
    await expect.poll(() => owner.getByRole("heading", { level: 2, name: /^Mois en cours/ }).count()).toBe(1);
    before = await usageFigures(owner);
    expect(before.kwh).toBeGreaterThan(0);
    expect(before.burstUsed).toBeGreaterThanOrEqual(0);
  });

  it("lets the operator create a collector token for LDC, shown once", async () => {
    await open(operator, "/ops/metering/tokens?site=LDC");
    await expect.poll(() => operator.getByRole("heading", { level: 2, name: "Jetons d'API" }).count()).toBe(1);
    const form = formWith(operator, { name: "intent", value: "create" });
    await fill(form, { site: "LDC", name: tokenName });
    expect(await form.locator('input[name="scopes"][value="usage:write"]').isChecked()).toBe(true);
    const status = await submit(operator, form, form.getByRole("button", { name: "Créer le jeton" }));
    expect(status).toBe(200);
    const secret = operator.getByRole("region", { name: new RegExp(`^Jeton\\W+${tokenName}\\W+créé$`) });
    await expect.poll(() => secret.count()).toBe(1);
    token = await secret.getByLabel("Jeton", { exact: true }).inputValue();
    expect(token).toMatch(/^colo_[A-Za-z0-9_-]{20,}$/);
    expect(await secret.textContent()).toContain("il ne pourra plus jamais être affiché");
    const row = operator.getByRole("row").filter({ hasText: tokenName });
    expect(await row.textContent()).toContain("LDC");
    expect(await row.textContent()).toContain("Actif");
    expect(await row.textContent()).toContain(`${token.slice(0, 11)}…`);
    await screenshotFromTop(operator, "metering-01-tokens");

    // Once: after "done", the page no longer shows it.
    await secret.getByRole("link", { name: "C'est enregistré, masquer le jeton" }).click();
    await expect.poll(() => operator.getByRole("region", { name: new RegExp(`^Jeton\\W+${tokenName}\\W+créé$`) }).count()).toBe(0);
    expect(await operator.content()).not.toContain(token);
  });

  it("lets the operator create a power and a bandwidth meter at LDC and attach both to the contract", async () => {
    await open(operator, "/ops/metering?site=LDC");
    await expect.poll(() => operator.getByRole("heading", { level: 2, name: "Compteurs — Lomé Data Centre" }).count()).toBe(1);
    for (const [externalId, kind] of [
      ["E2E-PDU-1", "power"],
      ["E2E-SW-1", "bandwidth"],
    ] as const) {
      const form = formWith(operator, { name: "intent", value: "create" });
      await fill(form, { externalId, kind, description: `Compteur e2e ${run}` });
      const status = await submit(operator, form, form.getByRole("button", { name: "Créer le compteur" }));
      expect(status).toBe(200);
      await expect.poll(() => operator.getByRole("status").first().textContent()).toBe(`Compteur ${externalId} créé.`);
    }

    for (const externalId of ["E2E-PDU-1", "E2E-SW-1"]) {
      const form = formWith(operator, { name: "intent", value: "attach" });
      const meter = form.locator('[name="meterId"]');
      await meter.selectOption(await optionValue(meter, `${externalId} — `));
      await form.locator('[name="contractId"]').selectOption(contractId);
      // From today (the form's default, in the site's time zone).
      expect(await form.locator('[name="fromOn"]').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const status = await submit(operator, form, form.getByRole("button", { name: "Rattacher", exact: true }));
      expect(status).toBe(200);
      await expect.poll(() => operator.getByRole("status").first().textContent()).toMatch(new RegExp(`^Compteur ${externalId} rattaché au contrat \\S+ \\(${KOSSI}\\) à partir du `));
    }
    for (const externalId of ["E2E-PDU-1", "E2E-SW-1"]) {
      const row = operator.getByRole("row").filter({ hasText: externalId });
      expect(await row.textContent()).toContain(KOSSI);
      expect(await row.locator(`a[href="/ops/contracts/${contractId}"]`).count()).toBe(1);
      expect(await row.textContent()).toContain("aucun");
    }
  });

  it("accepts a batch of samples from a collector, idempotently, and refuses a bad one with its path", async () => {
    const endpoint = `${baseUrl()}/api/v1/usage`;
    const last = Math.floor(Date.now() / FIVE_MINUTES) * FIVE_MINUTES;
    const midnight = new Date(last);
    midnight.setUTCHours(0, 0, 0, 0);
    for (let t = Math.max(last - 35 * FIVE_MINUTES, midnight.getTime()); t <= last; t += FIVE_MINUTES) instants.push(new Date(t).toISOString());
    instants.forEach((at, i) => {
      samples.push({ meter: "E2E-PDU-1", metric: "energy_kwh", at, value: Math.round((812.5 + i * ENERGY_STEP_KWH) * 1000) / 1000 });
      samples.push({ meter: "E2E-PDU-1", metric: "power_w", at, value: 590 + (i % 3) * 10 });
      samples.push({ meter: "E2E-SW-1", metric: "bw_in_mbps", at, value: 18.5 + (i % 4) });
      // Above the 50 Mbit/s commit on its own: every one of these instants uses the burst budget.
      samples.push({ meter: "E2E-SW-1", metric: "bw_out_mbps", at, value: 61.25 + (i % 3) });
    });
    const post = (body: unknown, authorization = `Bearer ${token}`) =>
      fetch(endpoint, { method: "POST", headers: { Authorization: authorization, "Content-Type": "application/json" }, body: JSON.stringify(body) });

    const anonymous = await post({ samples }, "");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "unauthorized" });

    const first = await post({ samples });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: samples.length, duplicates: 0 });

    const again = await post({ samples });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: samples.length });

    // A new, valid sample and a negative one: refused as a whole, the issue named by its path.
    const between = new Date(new Date(instants[0]).getTime() + 150_000).toISOString();
    const bad = await post({
      samples: [
        { meter: "E2E-PDU-1", metric: "power_w", at: between, value: 605 },
        { meter: "E2E-PDU-1", metric: "power_w", at: between, value: -5 },
      ],
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe("invalid_request");
    expect(body.issues).toEqual([{ path: "samples.1.value", message: expect.any(String) }]);

    // The operator sees when each meter last reported.
    await open(operator, "/ops/metering?site=LDC");
    for (const externalId of ["E2E-PDU-1", "E2E-SW-1"]) {
      const row = operator.getByRole("row").filter({ hasText: externalId });
      await expect.poll(() => row.textContent()).not.toContain("aucun");
    }
    await screenshotFromTop(operator, "metering-02-meters");
  });

  it("shows the owner the new samples in the usage of the month: energy, burst budget, charts", async () => {
    await open(owner, "/app/usage");
    const card = owner.locator("section.usage-card").filter({ has: owner.locator(`a[href="/app/usage/${contractId}"]`) });
    expect(plain(await card.textContent())).toMatch(/Énergie à ce jour/);
    await card.getByRole("link", { name: /^Voir la consommation/ }).click();
    await owner.waitForURL(new RegExp(`/app/usage/${contractId}$`));
    await hydrated(owner);
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Consommation — contrat /);

    const month = await owner.getByLabel("Mois", { exact: true }).inputValue();
    expect(month).toBe(instants[instants.length - 1].slice(0, 7));
    const after = await usageFigures(owner);
    // The new counter adds (n − 1) steps; the page shows one decimal.
    expect(Math.abs(after.kwh - before.kwh - (instants.length - 1) * ENERGY_STEP_KWH)).toBeLessThanOrEqual(0.11);
    expect(after.burstUsed - before.burstUsed).toBe(instants.length);

    const main = owner.getByRole("main");
    expect(await main.getByRole("heading", { level: 3, name: "Marge de dépassement" }).count()).toBe(1);
    expect(plain(await main.textContent())).toMatch(/Ce mois-ci, [\d ]+ mesures de 5 minutes peuvent dépasser votre engagement/);
    expect(plain(await main.textContent())).toMatch(/Restantes : \d+/);
    for (const chart of [/^Bande passante — /, /^Puissance — /, /^Énergie par jour — /]) {
      const img = main.getByRole("img", { name: chart });
      expect(await img.count(), String(chart)).toBe(1);
      // The chart's image arrived and was drawn, at the size of its box.
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), { message: String(chart) }).toBe(true);
      const box = await img.boundingBox();
      expect(box!.height, String(chart)).toBe(220);
    }
    expect(await main.getByRole("heading", { level: 2, name: /^Mois en cours/ }).count()).toBe(1);
    // The figures per day, shown when asked for (a route of its own): one row per day, a column per figure.
    const show = main.getByRole("link", { name: /^Afficher le tableau \(/ });
    const shown = plain(await show.textContent());
    await show.click();
    await owner.waitForURL(new RegExp(`/app/usage/${contractId}/days$`));
    const days = main.locator(".usage-days");
    await expect.poll(() => days.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await days.getByRole("columnheader").allTextContents()).toEqual(["Jour", "Entrant max. (Mbit/s)", "Sortant max. (Mbit/s)", "Pointe de puissance (kW)", "Énergie (kWh)"]);
    const dayRows = await days.locator("tbody tr").count();
    expect(shown).toBe(`Afficher le tableau (${dayRows} jour${dayRows > 1 ? "s" : ""})`);
    // The page around it stays (its charts are not fetched again: same drawing, kept by the browser).
    expect(await main.getByRole("img", { name: /^Bande passante — / }).count()).toBe(1);
    await screenshotFromTop(owner, "metering-03-usage");
    await main.getByRole("link", { name: "Masquer le tableau" }).click();
    await owner.waitForURL(new RegExp(`/app/usage/${contractId}$`));
    await expect.poll(() => main.locator(".usage-days").count()).toBe(0);

    // The month's raw samples, as CSV.
    const download = owner.waitForEvent("download");
    await main.getByRole("link", { name: "Télécharger les mesures (CSV)" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`usage-LDC-${month}.csv`);
    const csv = await readFile((await file.path())!, "utf8");
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("meter,metric,at,value");
    const pdu = lines.filter((l) => l.startsWith("E2E-PDU-1,"));
    const sw = lines.filter((l) => l.startsWith("E2E-SW-1,"));
    // Both metrics at each instant, nothing of the refused batch.
    expect(pdu.length).toBe(2 * instants.length);
    expect(sw.length).toBe(2 * instants.length);
    const valueAt = (rows: string[], prefix: string) => Number(rows.find((l) => l.startsWith(prefix))?.split(",")[3]);
    expect(valueAt(pdu, `E2E-PDU-1,energy_kwh,${instants[0]},`), pdu.slice(0, 2).join(" | ")).toBe(812.5);
    expect(valueAt(sw, `E2E-SW-1,bw_out_mbps,${instants[0]},`), sw.slice(0, 2).join(" | ")).toBe(61.25);
    expect(lines.some((l) => l.startsWith("LDC-DEMO-PDU-"))).toBe(true);
  });

  it("fits the usage page on a 375-px-wide phone", async () => {
    const phone = await ownerContext.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    await open(phone, `/app/usage/${contractId}/days`);
    await expect.poll(() => phone.getByRole("heading", { level: 3, name: "Marge de dépassement" }).count()).toBe(1);
    expect(await phone.locator(".usage-days tbody tr").count()).toBeGreaterThan(0);
    await screenshotFromTop(phone, "metering-04-usage-phone");
    // Whatever sticks out on the right, and whether it is meant to be seen.
    const outside = await phone.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => ({
          element: `${el.tagName.toLowerCase()}${el.getAttribute("class") ? `.${el.getAttribute("class")!.trim().replace(/\s+/g, ".")}` : ""}`,
          right: Math.round(el.getBoundingClientRect().right),
          // Clipped for screen readers only, or in a box that scrolls sideways on a phone (the header's
          // links, the figures per day).
          hidden: Boolean(el.closest(".visually-hidden, .mainnav, .table-scroll")),
        })),
    );
    const visible = outside.filter((o) => !o.hidden);
    expect(visible, "visible content sticks out of a 375-px-wide screen").toEqual([]);
    // The page itself does not scroll sideways (the table of figures per day scrolls inside its box).
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
    await phone.close();
  });
});

/**
 * 3. Phones and the audit log: the header stays under a quarter of a phone's screen (tenant and
 *    operator), the request form keeps its total in view while typing (a bar at the bottom of a phone,
 *    the quote beside the fields on a desktop), and an administrator filters the audit log and
 *    downloads the filtered entries as CSV.
 */
describe(LAYOUT_JOURNEY, () => {
  const PHONE = { width: 390, height: 844 };
  let admin: Page | undefined;

  /** A viewport-sized screenshot (a full-page one would not show what sticks to the screen). */
  async function viewportShot(page: Page, name: string) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, animations: "disabled" });
  }

  it("keeps the header under a quarter of a phone's screen, for a tenant and an operator, every link within reach", async () => {
    for (const [label, context, home, account] of [
      ["tenant", ownerContext, "/app", "/app/account"],
      ["operator", operatorContext, "/ops/organisations", "/ops/account"],
    ] as const) {
      const phone = await context.newPage();
      await phone.setViewportSize(PHONE);
      await open(phone, home);
      const banner = phone.getByRole("banner");
      const header = await banner.boundingBox();
      expect(header!.height, `${label}: header height on a 390×844 phone`).toBeLessThan(PHONE.height * 0.25);
      expect(header!.height, `${label}: header height`).toBeLessThan(120);
      await viewportShot(phone, `layout-01-header-phone-${label}`);
      // The links sit on one line that scrolls sideways: the last one can be brought into view and followed.
      const links = banner.getByRole("navigation").getByRole("link");
      expect(await links.count()).toBeGreaterThan(3);
      const last = links.last();
      await last.scrollIntoViewIfNeeded();
      const box = await last.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width + 0.5);
      await last.click();
      await phone.waitForURL((url) => url.pathname === account);
      // The page itself does not scroll sideways.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await phone.close();
    }
    // On a desktop the header keeps its links and the user's name in view, on two lines at most.
    await open(owner, "/app");
    const desktop = await owner.getByRole("banner").boundingBox();
    expect(desktop!.height).toBeLessThan(110);
    expect(await owner.getByRole("banner").getByRole("link", { name: "Mes services" }).isVisible()).toBe(true);
    expect(await owner.getByRole("banner").getByRole("button", { name: "Se déconnecter" }).isVisible()).toBe(true);
  });

  it("keeps the quote's total in view while the request form is typed in: a bar on a phone, beside the fields on a desktop", async () => {
    const phone = await ownerContext.newPage();
    await phone.setViewportSize(PHONE);
    await open(phone, "/app/requests/new");
    const site = phone.getByLabel("Site", { exact: true });
    await site.selectOption(await optionValue(site, "LDC — Lomé Data Centre"));
    const bar = phone.getByTestId("quote-bar");
    expect(await bar.count(), "no bar before any quantity").toBe(0);
    await phone.locator('[name="qty_rack_unit"]').fill("4");
    const fullTotal = phone.locator('#quote dt:text-is("Total du premier mois (TTC)") + dd');
    // Down the form, at the last quantity: the bar is stuck to the bottom of the screen and follows the typing.
    const lastField = phone.locator('[name="qty_cross_connect"]');
    await lastField.evaluate((el) => el.scrollIntoView({ block: "center" }));
    await lastField.fill("1");
    await expect.poll(async () => plain(await bar.locator(".quote-bar-total").textContent())).toBe(plain(await fullTotal.textContent()));
    expect(plain(await bar.textContent())).toContain("Total du premier mois (TTC)");
    const barBox = await bar.boundingBox();
    expect(Math.abs(barBox!.y + barBox!.height - PHONE.height), "the bar sits on the bottom edge of the screen").toBeLessThan(2);
    expect(barBox!.height).toBeLessThan(PHONE.height * 0.15);
    const fieldBox = await lastField.boundingBox();
    expect(fieldBox!.y + fieldBox!.height, "the field typed in is not under the bar").toBeLessThanOrEqual(barBox!.y);
    expect(await fullTotal.isVisible()).toBe(true);
    expect((await fullTotal.boundingBox())!.y, "the full quote is further down").toBeGreaterThan(PHONE.height);
    await viewportShot(phone, "layout-02-quote-bar-phone");
    await phone.close();

    await open(owner, "/app/requests/new");
    const desktopSite = owner.getByLabel("Site", { exact: true });
    await desktopSite.selectOption(await optionValue(desktopSite, "LDC — Lomé Data Centre"));
    await owner.locator('[name="qty_rack_unit"]').fill("4");
    await owner.locator('[name="qty_cross_connect"]').fill("1");
    const notes = owner.locator('[name="notes"]');
    await notes.evaluate((el) => el.scrollIntoView({ block: "center" }));
    await notes.fill("Quelques mots, le total reste en vue");
    const total = owner.locator('#quote dt:text-is("Total du premier mois (TTC)") + dd');
    await expect.poll(() => total.textContent()).toMatch(/\d/);
    const header = await owner.getByRole("banner").boundingBox();
    const totalBox = await total.boundingBox();
    expect(await owner.evaluate(() => window.scrollY), "the page was scrolled").toBeGreaterThan(200);
    expect(totalBox!.y, "the total is below the top bar").toBeGreaterThanOrEqual(header!.y + header!.height);
    expect(totalBox!.y + totalBox!.height, "the total is on screen").toBeLessThanOrEqual(800);
    expect(await owner.getByTestId("quote-bar").isVisible(), "no bottom bar on a desktop").toBe(false);
    await viewportShot(owner, "layout-03-quote-beside-desktop");
  });

  it("lets an administrator filter the audit log, and download the filtered entries as CSV", async () => {
    const adminContext = await newContext(browser, "admin");
    admin = await adminContext.newPage();
    await signIn(admin, "admin@ops.demo.test");
    // An entry of our own: the administrator verifies the pending Brazzaville organisation.
    await open(admin, "/ops/organisations");
    await admin.getByRole("row").filter({ hasText: "Mboka Cloud SARL" }).getByRole("link", { name: "Mboka Cloud SARL" }).click();
    await admin.waitForURL(new RegExp(`/ops/organisations/${UUID}$`));
    await hydrated(admin);
    const verify = admin.locator('button[name="transition"][value="verify"]');
    expect(await submit(admin, admin.locator("form", { has: verify }), verify)).toBe(200);

    await open(admin, "/ops/audit");
    const filters = admin.locator("form.audit-filter-form");
    await filters.getByLabel("Auteur (e-mail)", { exact: true }).fill("admin@ops");
    await filters.getByLabel("Action", { exact: true }).selectOption({ label: "Organisation vérifiée" });
    await filters.getByLabel("Organisation", { exact: true }).selectOption({ label: "Mboka Cloud SARL" });
    await filters.getByLabel("Du", { exact: true }).fill("2020-01-01");
    await filters.getByLabel("Au (inclus)", { exact: true }).fill("2100-12-31");
    await filters.getByRole("button", { name: "Filtrer" }).click();
    await admin.waitForURL((url) => url.pathname === "/ops/audit" && url.searchParams.get("action") === "org.verify");
    await hydrated(admin);
    const rows = admin.locator("table.audit-table tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    const row = plain(await rows.first().textContent());
    for (const text of ["admin@ops.demo.test", "Organisation vérifiée", "Mboka Cloud SARL", "pending", "verified"]) expect(row).toContain(text);
    expect(await rows.first().getByRole("link", { name: "Mboka Cloud SARL" }).getAttribute("href")).toMatch(new RegExp(`^/ops/organisations/${UUID}$`));
    expect(plain(await admin.locator(".audit-count").textContent())).toBe("1 entrée");
    await screenshotFromTop(admin, "layout-04-audit-filtered");

    const download = admin.waitForEvent("download");
    await admin.getByRole("link", { name: "Exporter en CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await readFile((await file.path())!, "utf8")).replace(/^\ufeff/, "").trim().split("\n");
    expect(csv).toHaveLength(2);
    expect(csv[0]).toBe("date (UTC),auteur,action,libellé,type d'objet,identifiant de l'objet,organisation,identifiant de l'organisation,adresse IP,avant,après");
    expect(csv[1]).toContain(",admin@ops.demo.test,org.verify,Organisation vérifiée,organisation,");
    expect(csv[1]).toContain("Mboka Cloud SARL");

    // A malformed date is named beside its field (a 400), the page stays usable.
    const response = await admin.goto("/ops/audit?from=2026-02-30&action=org.verify");
    expect(response!.status()).toBe(400);
    await hydrated(admin);
    expect(await admin.getByText("Date invalide : utilisez le format AAAA-MM-JJ.").count()).toBe(1);
    expect(await admin.locator("table.audit-table tbody tr").count()).toBeGreaterThan(0);

    // On a phone the entries stack, nothing cut off on the right.
    await admin.setViewportSize(PHONE);
    await open(admin, "/ops/audit?action=org.verify");
    expect(await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const cut = await admin.locator("table.audit-table td").evaluateAll((cells) => cells.filter((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5).length);
    expect(cut).toBe(0);
    await viewportShot(admin, "layout-05-audit-phone");
    await adminContext.close();
    admin = undefined;
  });
});

describe("page health", () => {
  it("saw no page errors, console errors or server errors", () => {
    expect(problems.errors).toEqual([]);
  });
});
