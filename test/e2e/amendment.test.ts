/**
 * An upgrade billed to the day, in Chromium, on the demo data (issue 10): the Kossi Digital owner
 * raises the power of its active Lomé contract from 2 to 4 kW from the 15th, with the live quote and
 * availability; the NOC operator finds it in the queue and approves it with the prefilled resources
 * (the power grown on the rows the contract already holds); finance runs the billing of that month
 * at LDC and the draft invoice of Kossi Digital shows both periods of the power line, each amount the
 * frozen monthly price × quantity × days / days in the month, rounded half-up.
 *
 * Which month: the billing page refuses a month that has not started at the site (by design: "Ce
 * mois n'a pas commencé sur le site"), and the tenant's change page refuses a date that is not after
 * the site's today. So the change takes effect in the CURRENT month: on the 15th when today is before
 * it, else the day after today (the two periods are then split on that day). On the last day of a
 * month no day of it is left, and these steps are skipped (with a message). The current month is
 * billed by no other end-to-end file (invoicing.test.ts bills last month, payments.test.ts the month
 * before), and nothing here issues anything, so the others' invoices and balances are untouched.
 *
 * Rack: the seeded 2 kW contract holds U1–U10 of A01 at Lomé, a rack of 4 kW with nothing else in
 * it: +2 kW fits exactly on the same row (asserted through the availability shown to the tenant and
 * the operator's prefilled row).
 *
 * Each step builds on the previous one (the suite bails at the first failure).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { amendmentsFr } from "../../app/i18n/areas/amendments";
import { billingOpsFr } from "../../app/i18n/areas/billing-ops";
import { fill, formWith, hydrated, launchBrowser, newContext, open, problems, screenshot, submit, signIn, screenshotFromTop, billingJob } from "./support";

const OWNER = "owner@kossi.demo.test";
const NOC = "noc@ops.demo.test";
const FINANCE = "finance@ops.demo.test";
const KOSSI = "Kossi Digital SARL";
const POWER_NAME = "Puissance souscrite (par kW et par mois)";
const FROM_KW = 2;
const TO_KW = 4;
/** seeds/reference.ts: rack A01 at Lomé carries 4 kW (the seeded contract is alone in it). */
const RACK_A01_KW = 4;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/** Text without the (narrow) no-break spaces Intl puts in numbers and units. */
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();
/** "1 170 000 F CFA" → 1170000 (XOF has no minor unit: francs). */
const francs = (text: string | null) => Number((text ?? "").replace(/[^\d]/g, ""));
/** A date as the pages write it (dateStyle "medium", French): "15 déc. 2026". */
const shortDate = (iso: string) => new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
/** A date as invoice lines write it: "1er décembre 2026", "14 décembre 2026". */
const lineDate = (iso: string) => {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d === 1 ? "1er" : d} ${MONTHS_FR[m - 1]} ${y}`;
};
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysInMonth = (period: string) => new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();
/** round_half_up(unit × quantity × days / daysInMonth), in integers (billing.md's proration rule). */
const prorated = (unit: number, quantity: number, days: number, dim: number) => {
  const numerator = BigInt(unit) * BigInt(quantity) * BigInt(days);
  return Number((2n * numerator + BigInt(dim)) / (2n * BigInt(dim)));
};

let browser: Browser;
let ownerContext: BrowserContext;
let operatorContext: BrowserContext;
let financeContext: BrowserContext;
let owner: Page;
let operator: Page;
let finance: Page;

/** What the steps find and pass on. */
const state = {
  contractId: "",
  contractRef: "",
  unitPrice: 0,
  monthlyBefore: 0,
  /** The site's tomorrow, from the change page (its date field's minimum). */
  earliestOn: "",
  /** First day of the 4 kW; null when no day of the current month is left. */
  effectiveOn: null as string | null,
  changeId: "",
};

let skipRest = false;
let failed = false;
beforeEach((context) => {
  if (skipRest || failed) context.skip();
});
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || failed) return;
  failed = true;
  for (const [label, page] of Object.entries({ owner, operator, finance })) {
    if (page && !page.isClosed() && page.url() !== "about:blank") await screenshot(page, `failed-amendment-${label}`).catch(() => undefined);
  }
});



/** The <dd> that follows a <dt> with exactly this text, inside `scope`. */
const factOf = (scope: Locator, term: string) => scope.locator(`dt:text-is("${term}") + dd`);

describe("amendment: 2 → 4 kW from the 15th, approved, billed to the day", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    ownerContext = await newContext(browser, "owner");
    operatorContext = await newContext(browser, "operator");
    financeContext = await newContext(browser, "finance");
    owner = await ownerContext.newPage();
    operator = await operatorContext.newPage();
    finance = await financeContext.newPage();
  });

  afterAll(async () => {
    if (problems.errors.length) console.error(`Page problems seen:\n  ${problems.errors.join("\n  ")}`);
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("the owner picks its active Lomé contract with 2 kW and reads its frozen power price", async () => {
    await signIn(owner, OWNER);
    await open(owner, "/app/services");
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Mes services");
    const rows = owner.getByRole("row").filter({ hasText: "LDC" }).filter({ hasText: "Actif" });
    const hrefs = [...new Set(await rows.locator(`a[href^="/app/services/"]`).evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "")))];
    expect(hrefs.length).toBeGreaterThan(0);
    // The seeded contract with 2 kW (the other active one has a full rack with 4 kW).
    for (const href of hrefs) {
      await open(owner, href);
      const power = owner.getByRole("main").getByRole("row").filter({ hasText: POWER_NAME });
      if ((await power.count()) !== 1) continue;
      const cells = await power.getByRole("cell").allTextContents();
      if (Number(plain(cells[1])) !== FROM_KW) continue;
      state.contractId = href.split("/").pop()!;
      state.unitPrice = francs(cells[2]);
      expect(francs(cells[3])).toBe(state.unitPrice * FROM_KW);
      break;
    }
    expect(state.contractId, `an active LDC contract of ${KOSSI} with ${FROM_KW} kW`).toMatch(new RegExp(`^${UUID}$`));
    expect(state.unitPrice).toBeGreaterThan(0);
    const main = owner.getByRole("main");
    state.contractRef = state.contractId.slice(0, 8).toUpperCase();
    await expect.poll(() => main.getByRole("heading", { level: 1 }).textContent()).toBe(`Contrat ${state.contractRef}`);
    state.monthlyBefore = francs(await factOf(main, "Récurrent mensuel (HT)").textContent());
    expect(state.monthlyBefore).toBeGreaterThan(state.unitPrice * FROM_KW);
    // Its rack: A01, units 1–10, the 2 kW.
    expect(plain(await main.textContent())).toContain("Salle A · baie A01");
    expect(plain(await main.textContent())).toContain(`U1–U10 · Unités · ${FROM_KW} kW`);
    await screenshotFromTop(owner, "amendment-01-contract");
  });

  it("the owner opens 'Modifier le contrat' and gets a live quote and availability for 4 kW from the 15th", async (context) => {
    await owner.getByRole("link", { name: amendmentsFr["amendments.change"], exact: true }).click();
    await owner.waitForURL(new RegExp(`/app/services/${state.contractId}/change$`));
    await hydrated(owner);
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe(`Modifier le contrat ${state.contractRef}`);

    // The earliest date the page allows is the site's tomorrow.
    const date = owner.locator('input[name="effectiveOn"]');
    state.earliestOn = (await date.getAttribute("min")) ?? "";
    expect(state.earliestOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(plain(await owner.getByRole("main").textContent())).toContain(plain(`au plus tôt le ${shortDate(state.earliestOn)}`));
    const today = addDays(state.earliestOn, -1);
    const period = today.slice(0, 7);
    const fifteenth = `${period}-15`;
    state.effectiveOn = fifteenth >= state.earliestOn ? fifteenth : state.earliestOn.slice(0, 7) === period ? state.earliestOn : null;
    if (!state.effectiveOn) {
      console.warn(`[amendment] ${today} is the last day of its month: no day of the month is left for a change the billing page can bill now; skipping.`);
      skipRest = true;
      context.skip();
    }

    // The current quantity and the frozen price, as the contract page showed them.
    const powerRow = owner.getByRole("row").filter({ has: owner.locator('[name="q_power_commit_kw"]') });
    const cells = await powerRow.getByRole("cell").allTextContents();
    expect(Number(plain(cells[1]))).toBe(FROM_KW);
    expect(francs(cells[3])).toBe(state.unitPrice);

    const quote = owner.locator("section.card[aria-live=polite]");
    expect(plain(await quote.textContent())).toContain(amendmentsFr["amendments.quote.noChange"]);
    const submitButton = owner.getByRole("button", { name: amendmentsFr["amendments.submit"] });
    expect(await submitButton.isDisabled()).toBe(true);

    await date.fill(state.effectiveOn!);
    await owner.locator('[name="q_power_commit_kw"]').fill(String(TO_KW));
    // The quote is computed in the browser from the page's prices; the availability comes from the loader.
    const difference = state.unitPrice * (TO_KW - FROM_KW);
    await expect.poll(() => factOf(quote, amendmentsFr["amendments.quote.difference"]).textContent().then(francs)).toBe(difference);
    expect(plain(await factOf(quote, amendmentsFr["amendments.quote.difference"]).textContent())).toMatch(/^\+/);
    expect(francs(await factOf(quote, amendmentsFr["amendments.quote.before"]).textContent())).toBe(state.monthlyBefore);
    expect(francs(await factOf(quote, amendmentsFr["amendments.quote.after"]).textContent())).toBe(state.monthlyBefore + difference);
    const available = amendmentsFr["amendments.available"].replace("{date}", shortDate(state.effectiveOn!));
    await expect.poll(() => quote.getByRole("status").allTextContents().then((t) => t.map(plain)), { timeout: 15_000 }).toContain(plain(available));
    expect(new URL(owner.url()).searchParams.get("effectiveOn")).toBe(state.effectiveOn);
    expect(await submitButton.isDisabled()).toBe(false);
    await owner.locator('[name="details"]').fill("Nouveaux serveurs de paiement mobile (test de bout en bout).");
    await screenshotFromTop(owner, "amendment-02-change-quote");
  });

  it("'Demander la modification' sends it and comes back to the contract with a success alert", async () => {
    const form = formWith(owner, { name: "q_power_commit_kw" });
    const status = await submit(owner, form, owner.getByRole("button", { name: amendmentsFr["amendments.submit"] }));
    expect(status).toBeLessThan(400);
    await owner.waitForURL(new RegExp(`/app/services/${state.contractId}\\?amendment=requested$`));
    await hydrated(owner);
    await expect.poll(() => owner.getByRole("status").allTextContents().then((t) => t.map(plain))).toContain(plain(amendmentsFr["amendments.requested"]));
    const main = plain(await owner.getByRole("main").textContent());
    expect(main).toContain(plain(amendmentsFr["amendments.pending"].replace("{date}", shortDate(state.effectiveOn!))));
    expect(main).toContain(`Puissance souscrite (par kW et par mois) : ${FROM_KW} → ${TO_KW} à partir du ${plain(shortDate(state.effectiveOn!))}`);
    // One change at a time: the button gives way to "withdraw".
    expect(await owner.getByRole("link", { name: amendmentsFr["amendments.change"], exact: true }).count()).toBe(0);
    expect(await owner.getByRole("button", { name: amendmentsFr["amendments.withdraw"] }).count()).toBe(1);
    await screenshotFromTop(owner, "amendment-03-requested");
  });

  it("the NOC operator finds it in the queue under contract changes, with a link to its page", async () => {
    await signIn(operator, NOC);
    await open(operator, "/ops/requests");
    await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toBe("File des demandes");
    const section = operator.locator("section", { has: operator.getByRole("heading", { level: 2, name: /^Demandes de modification de contrat \(\d+\)$/ }) });
    const row = section.getByRole("row").filter({ hasText: KOSSI }).filter({ hasText: state.contractRef });
    await expect.poll(() => row.count()).toBe(1);
    expect(plain(await row.textContent())).toContain("Avenant");
    expect(plain(await row.textContent())).toContain(plain(`à partir du ${shortDate(state.effectiveOn!)}`));
    const href = await row.getByRole("link", { name: KOSSI }).getAttribute("href");
    expect(href).toMatch(new RegExp(`^/ops/amendments/${UUID}$`));
    state.changeId = href!.split("/").pop()!;
    await screenshotFromTop(operator, "amendment-04-queue");
    await row.getByRole("link", { name: KOSSI }).click();
    await operator.waitForURL(new RegExp(`/ops/amendments/${state.changeId}$`));
    await hydrated(operator);
  });

  it("the amendment page shows the change and prefills the power grown on the contract's own row of A01", async () => {
    const main = operator.getByRole("main");
    await expect.poll(() => main.getByRole("heading", { level: 1 }).textContent()).toBe(`Modification du contrat ${state.contractRef}`);
    const text = plain(await main.textContent());
    expect(text).toContain(plain(`${KOSSI} · LDC · Lomé Data Centre · à partir du ${shortDate(state.effectiveOn!)}`));
    expect(text).toContain(plain(`Puissance souscrite (kW) : ${FROM_KW} → ${TO_KW} à partir du ${shortDate(state.effectiveOn!)}`));
    // Held on that date: A01, U1–U10, 2 000 W.
    const held = main.locator("section.card", { has: operator.getByRole("heading", { name: amendmentsFr["amendments.ops.held"] }) });
    expect(plain(await held.textContent())).toContain(plain(`Salle A · A01 · U1–U10 · ${(FROM_KW * 1000).toLocaleString("fr-FR")} W`));

    const form = formWith(operator, { name: "placements.0.rackId" });
    const rack = form.locator('[name="placements.0.rackId"]');
    // The rack's free power as this change sees it: its 4 kW, the contract's own 2 kW counting as its
    // own (replaced, not added) — enough for the 4 kW asked.
    const headroom = RACK_A01_KW * 1000;
    expect(headroom).toBeGreaterThanOrEqual(TO_KW * 1000);
    expect(plain(await rack.locator("option:checked").textContent())).toBe(
      plain(amendmentsFr["amendments.ops.rackOption"].replace("{rack}", "Salle A · A01").replace("{free}", headroom.toLocaleString("fr-FR"))),
    );
    expect(await form.locator('[name="placements.0.kind"]').inputValue()).toBe("units");
    expect(await form.locator('[name="placements.0.firstU"]').inputValue()).toBe("1");
    expect(await form.locator('[name="placements.0.lastU"]').inputValue()).toBe("10");
    expect(await form.locator('[name="placements.0.powerW"]').inputValue()).toBe(String(TO_KW * 1000));
    // Nothing else proposed: the spare rows are empty, the contract's port is kept.
    expect(await form.locator('[name="placements.1.rackId"]').inputValue()).toBe("");
    expect(await form.locator('input[name="portIds"]:checked').count()).toBe(1);
    await screenshotFromTop(operator, "amendment-05-ops-amendment");
  });

  it("'Approuver la modification' applies it from the effective date", async () => {
    const form = formWith(operator, { name: "placements.0.rackId" });
    await form.locator('[name="note"]').fill("Ajout de 2 kW sur la même rangée d'unités.");
    const status = await submit(operator, form, form.getByRole("button", { name: amendmentsFr["amendments.ops.approve"] }));
    expect(status).toBeLessThan(400);
    await operator.waitForURL(new RegExp(`/ops/amendments/${state.changeId}\\?done=approved$`));
    await hydrated(operator);
    const approved = amendmentsFr["amendments.ops.approved"].replace("{date}", shortDate(state.effectiveOn!));
    await expect.poll(() => operator.getByRole("status").allTextContents().then((t) => t.map(plain))).toContain(plain(approved));
    // Decided: no form any more.
    expect(await operator.getByRole("button", { name: amendmentsFr["amendments.ops.approve"] }).count()).toBe(0);
    await screenshotFromTop(operator, "amendment-06-approved");

    // The tenant's contract now tells the history of its power.
    await open(owner, `/app/services/${state.contractId}`);
    const history = owner.locator("section.card", { has: owner.getByRole("heading", { level: 2, name: amendmentsFr["amendments.versions.title"] }) });
    await expect.poll(async () => plain(await history.textContent())).toContain(plain(`${POWER_NAME} : ${FROM_KW} → ${TO_KW} à partir du ${shortDate(state.effectiveOn!)}`));
    expect(await owner.getByRole("link", { name: amendmentsFr["amendments.change"], exact: true }).count()).toBe(1);
    await screenshotFromTop(owner, "amendment-07-contract-history");
  });

  it("finance runs that month's billing at LDC; Kossi Digital's draft bills 2 kW then 4 kW, each to the day", async () => {
    const period = state.effectiveOn!.slice(0, 7);
    await signIn(finance, FINANCE);
    await open(finance, `/ops/billing?site=LDC&period=${period}`);
    await billingJob(finance, "run");
    await screenshotFromTop(finance, "amendment-08-run-done");

    await open(finance, `/ops/billing/invoices?site=LDC&period=${period}&status=draft`);
    const row = finance.getByRole("row").filter({ hasText: "Kossi Digital" });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole("link").first().click();
    await finance.waitForURL(new RegExp(`/ops/billing/invoices/${UUID}$`));
    await hydrated(finance);
    const lines = finance.locator("section.card", { has: finance.getByRole("heading", { name: billingOpsFr["billingOps.lines.title"] }) }).locator("tbody tr");
    await expect.poll(() => lines.count()).toBeGreaterThan(1);

    const dim = daysInMonth(period);
    const first = `${period}-01`;
    const last = `${period}-${String(dim).padStart(2, "0")}`;
    const dayBefore = addDays(state.effectiveOn!, -1);
    const oldDays = Number(dayBefore.slice(8));
    const newDays = dim - oldDays;
    const expected = [
      { span: `du ${lineDate(first)} au ${lineDate(dayBefore)} (${oldDays}/${dim} jours)`, quantity: FROM_KW, days: oldDays },
      { span: `du ${lineDate(state.effectiveOn!)} au ${lineDate(last)} (${newDays}/${dim} jours)`, quantity: TO_KW, days: newDays },
    ];
    const rows = await lines.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.querySelector("span")?.textContent ?? td.textContent ?? "")));
    for (const e of expected) {
      const description = plain(`${POWER_NAME} — ${e.span}`);
      // This contract's line of the period: its description and quantity (another contract of
      // Kossi's at LDC, the full rack, bills its 4 kW for the whole month).
      const found = rows.filter((cells) => plain(cells[0]) === description && plain(cells[1]) === String(e.quantity));
      expect(found, `a line "${description}" × ${e.quantity} among:\n${rows.map((r) => r.map(plain).join(" | ")).join("\n")}`).toHaveLength(1);
      const [, , unit, amount] = found[0];
      expect(francs(unit)).toBe(state.unitPrice);
      expect(francs(amount)).toBe(prorated(state.unitPrice, e.quantity, e.days, dim));
    }
    // The two periods cover the month exactly once.
    expect(expected[0].days + expected[1].days).toBe(dim);
    await screenshotFromTop(finance, "amendment-09-draft-invoice");
  });
});
