/**
 * Remote hands, in Chromium, on the demo data (issue 13): Kossi Digital's owner opens an URGENT ticket
 * with a photo on its Lomé contract; the NOC operator finds it at the top of the site's queue, takes
 * it, posts an update, logs 20 minutes and closes it; the tenant then sees 30 minutes billed at the
 * urgent rate (LDC's 52 500 XOF an hour: 26 250 XOF) on the ticket; finance runs the current month's
 * billing for LDC and the draft invoice of Kossi Digital carries the line naming the ticket.
 *
 * The invoice stays a draft (tenants see issued invoices only; issuing the current month would take
 * it from amendment.test.ts, which bills it too): the line is checked on the operators' invoice page.
 *
 * Each step builds on the previous one (the suite bails at the first failure).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { fill, formWith, hydrated, launchBrowser, newContext, open, problems, screenshot, screenshotFromTop, signIn, submit, billingJob } from "./support";

const KOSSI_OWNER = "owner@kossi.demo.test";
const NOC = "noc@ops.demo.test";
const FINANCE = "finance@ops.demo.test";

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const DESCRIPTION = `Serveur en U3 figé : appui long sur le bouton d'alimentation puis photo de la façade (${run})`;
const RESULT = `Serveur redémarré, de nouveau joignable, photo prise (${run})`;
/** A 1×1 PNG. */
const PHOTO = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** Text without the (narrow) no-break spaces Intl puts in numbers and units. */
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

let browser: Browser;
let tenantContext: BrowserContext;
let operatorContext: BrowserContext;
let financeContext: BrowserContext;
let tenant: Page;
let operator: Page;
let finance: Page;

const state = { ticketId: "", ref: "" };
let failed = false;

describe("remote hands: an urgent ticket with a photo, taken, timed, closed and billed", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    tenantContext = await newContext(browser, "tenant");
    operatorContext = await newContext(browser, "noc");
    financeContext = await newContext(browser, "finance");
    tenant = await tenantContext.newPage();
    operator = await operatorContext.newPage();
    finance = await financeContext.newPage();
  });
  beforeEach(({ skip }) => {
    if (failed) skip();
  });
  afterEach(({ task }) => {
    if (task.result?.state === "fail") failed = true;
  });
  afterAll(async () => {
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("the tenant opens an urgent ticket on its rack, with a photo", async () => {
    await signIn(tenant, KOSSI_OWNER);
    await open(tenant, "/app/desk/tickets/new");
    const form = formWith(tenant, { name: "description" });
    // A contract with space at Lomé, and its first rack.
    const boxes = form.locator('input[name="allocationIds"]');
    await expect.poll(() => boxes.count()).toBeGreaterThan(0);
    if (!(await boxes.first().isChecked())) await boxes.first().check();
    await form.locator('select[name="kind"]').selectOption("reboot");
    const urgent = form.locator('input[name="urgency"][value="urgent"]');
    expect(await urgent.isDisabled()).toBe(false);
    expect(plain(await form.innerText())).toContain("urgente — 52 500 F CFA / heure");
    await urgent.check();
    await fill(form, { description: DESCRIPTION });
    await form.locator('input[name="attachment"]').setInputFiles({ name: "facade.png", mimeType: "image/png", buffer: PHOTO });
    await screenshotFromTop(tenant, "remote-hands-01-new-ticket");
    const status = await submit(tenant, form);
    expect(status).toBeLessThan(400);
    await tenant.waitForURL(new RegExp(`/app/desk/tickets/${UUID}$`));
    await hydrated(tenant);
    state.ticketId = new URL(tenant.url()).pathname.split("/").pop()!;
    // The address changes as the navigation commits; the new page's heading may follow a moment later.
    const refIn = async () => /RH-LDC-\d{4}-\d{4}/.exec(plain(await tenant.locator("h1").innerText()))?.[0] ?? "";
    await expect.poll(refIn, { timeout: 10_000 }).not.toBe("");
    state.ref = await refIn();
    const main = plain(await tenant.locator("main").innerText());
    expect(main).toContain("Ouvert");
    expect(main).toContain("Urgent");
    expect(main).toContain("facade.png");
    // The photo is served back, as a download, with its sniffed type.
    const href = await tenant.getByRole("link", { name: /facade\.png/ }).getAttribute("href");
    const file = await tenantContext.request.get(href!);
    expect(file.status()).toBe(200);
    expect(file.headers()["content-type"]).toBe("image/png");
    // The server sends nosniff on every answer and the route once more: browsers read the first value.
    expect(file.headers()["x-content-type-options"]).toMatch(/^nosniff\b/);
    expect(file.headers()["content-disposition"]).toMatch(/^attachment; filename="facade.png"/);
    expect(Buffer.from(await file.body()).equals(PHOTO)).toBe(true);
  });

  it("the NOC finds it first in Lomé's queue (urgent first), takes it, posts an update, logs 20 minutes and closes it", async () => {
    await signIn(operator, NOC);
    await open(operator, "/ops/desk/LDC/tickets");
    const rows = operator.locator("table").first().locator("tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // Urgent tickets come first (a re-run may leave earlier ones open): ours is among them.
    const texts = (await rows.allInnerTexts()).map(plain);
    const urgentFlags = texts.map((t) => t.includes("Urgent"));
    expect(urgentFlags).toEqual([...urgentFlags].sort((a, b) => Number(b) - Number(a)));
    const ours = texts.findIndex((t) => t.includes(state.ref));
    expect(ours).toBeGreaterThanOrEqual(0);
    expect(urgentFlags[ours]).toBe(true);
    await screenshotFromTop(operator, "remote-hands-02-operator-queue");
    await rows.nth(ours).getByRole("link", { name: state.ref }).click();
    await operator.waitForURL(new RegExp(`/ops/desk/tickets/${state.ticketId}$`));
    await hydrated(operator);

    expect(await submit(operator, formWith(operator, { name: "intent", value: "take" }))).toBe(200);
    await expect.poll(async () => plain(await operator.locator("main").innerText())).toContain("Ticket pris en charge");
    const update = formWith(operator, { name: "intent", value: "update" });
    await fill(update, { body: "Serveur figé confirmé, redémarrage en cours." });
    expect(await submit(operator, update)).toBe(200);
    const time = formWith(operator, { name: "intent", value: "time" });
    await fill(time, { minutes: "20" });
    expect(await submit(operator, time)).toBe(200);
    await expect.poll(async () => plain(await operator.locator("main").innerText())).toContain("Le temps enregistré (20 minutes) sera facturé 30 minutes");
    await screenshotFromTop(operator, "remote-hands-03-operator-ticket");
    const close = formWith(operator, { name: "intent", value: "close" });
    await fill(close, { result: RESULT });
    expect(await submit(operator, close)).toBe(200);
    await expect.poll(async () => plain(await operator.locator("main").innerText())).toContain("Ticket clos");
    await screenshotFromTop(operator, "remote-hands-04-operator-closed");
  });

  it("the tenant sees 30 minutes billed at the urgent rate on the ticket, with the timeline", async () => {
    await open(tenant, `/app/desk/tickets/${state.ticketId}`);
    expect(plain(await tenant.getByTestId("rh-logged").innerText())).toBe("20 minutes");
    expect(plain(await tenant.getByTestId("rh-billed").innerText())).toBe("30 minutes");
    expect(plain(await tenant.getByTestId("rh-unit").innerText())).toBe("52 500 F CFA / heure");
    expect(plain(await tenant.getByTestId("rh-amount").innerText())).toBe("26 250 F CFA");
    const main = plain(await tenant.locator("main").innerText());
    expect(main).toContain("Clos");
    expect(main).toContain(RESULT);
    expect(main).toContain("Serveur figé confirmé, redémarrage en cours.");
    expect(main).toContain("Temps enregistré : 20 minutes");
    await screenshotFromTop(tenant, "remote-hands-05-tenant-ticket");
  });

  it("after the billing run, Kossi Digital's invoice of the month carries the ticket: 0,5 h × 52 500 = 26 250 XOF", async () => {
    const period = new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Lome", year: "numeric", month: "2-digit" }).format(new Date()).slice(0, 7);
    await signIn(finance, FINANCE);
    await open(finance, `/ops/billing?site=LDC&period=${period}`);
    await billingJob(finance, "run");
    // The month's draft (one per organisation and site-month; issued invoices of other months are not listed).
    await open(finance, `/ops/billing/invoices?site=LDC&period=${period}&status=draft`);
    const row = finance.getByRole("row").filter({ hasText: "Kossi Digital SARL" });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole("link").first().click();
    await finance.waitForURL(new RegExp(`/ops/billing/invoices/${UUID}$`));
    await hydrated(finance);
    const line = finance.getByRole("row").filter({ hasText: state.ref });
    // Once failed in CI (not reproduced): the page's text in the message says which draft it read.
    await expect
      .poll(async () => ((await line.count()) === 1 ? 1 : plain(await finance.locator("main").innerText())), { timeout: 10_000 })
      .toBe(1);
    const text = plain(await line.innerText());
    expect(text).toContain("urgente");
    expect(text).toMatch(/0,5\b/);
    expect(text).toContain("52 500");
    expect(text).toContain("26 250");
    await screenshotFromTop(finance, "remote-hands-06-invoice-line");
  });
});
