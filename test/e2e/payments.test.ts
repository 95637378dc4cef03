/**
 * Getting paid, in Chromium, on the demo data: finance bills and issues the month before last at
 * LDC; the agency (ANSI) reads its invoice's payment reference; finance imports a bank statement
 * whose line carries that reference typed the way a bank clerk would (lower case, a space for the
 * dash); the line is matched automatically, the invoice becomes paid, "payment received" is in the
 * outbox, and the agency downloads its statement of account as a PDF (page 1 rendered to look at).
 * The month before last keeps this file independent of invoicing.test.ts (last month).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { pdfPageToPng, pdfText } from "../support/pdf";
import { SCREENSHOT_DIR, fill, formWith, launchBrowser, newContext, open, problems, screenshot, settled, submit, billingJob } from "./support";

const DEMO_PASSWORD = "Demo-Colo-2026!";
const FINANCE = "finance@ops.demo.test";
const AGENCY = "owner@ansi.demo.test";

const monthBefore = (() => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)).toISOString().slice(0, 7);
})();

let browser: Browser;
let financeContext: BrowserContext;
let agencyContext: BrowserContext;
let finance: Page;
let agency: Page;
let invoice = { number: "", reference: "", balance: "", path: "" };

async function signIn(page: Page, email: string) {
  await open(page, "/signin");
  const form = formWith(page, { name: "password" });
  await fill(form, { email, password: DEMO_PASSWORD });
  expect(await submit(page, form)).toBeLessThan(400);
}

describe("getting paid: a bank statement settles the agency's invoice", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    financeContext = await newContext(browser, "finance");
    agencyContext = await newContext(browser, "agency");
    finance = await financeContext.newPage();
    agency = await agencyContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("finance bills and issues the month before last at LDC", async () => {
    await signIn(finance, FINANCE);
    await open(finance, `/ops/billing?site=LDC&period=${monthBefore}`);
    await billingJob(finance, "run");
    await billingJob(finance, "issue");
  });

  it("the agency finds its invoice, its balance and its payment reference", async () => {
    await signIn(agency, AGENCY);
    const csv = await agency.request.get("/app/invoices/export.csv");
    const row = (await csv.text()).split(/\r?\n/).find((l) => l.includes(`,${monthBefore},LDC,`));
    expect(row).toBeTruthy();
    const cells = row!.split(",");
    invoice.number = cells[0];
    invoice.balance = cells[9];
    expect(Number(invoice.balance)).toBeGreaterThan(0);
    await open(agency, "/app/invoices");
    await agency.getByRole("link", { name: invoice.number }).first().click();
    await agency.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
    invoice.path = new URL(agency.url()).pathname;
    invoice.reference = (await agency.locator("main code").first().innerText()).trim();
    expect(invoice.reference).toMatch(/^LDC-[0-9A-Z]{6}$/);
  });

  it("finance imports a bank statement: the line with the reference is matched automatically", async () => {
    await open(finance, "/ops/payments/inbox?site=LDC");
    const today = new Date().toISOString().slice(0, 10);
    // How a bank clerk types it: lower case, a space instead of the dash; plus a line that is not ours.
    const clerk = invoice.reference.toLowerCase().replace("-", " ");
    const statement = [
      "date,amount,currency,label,transaction_id",
      `${today},${invoice.balance},XOF,VIR TRESOR PUBLIC ANSI ${clerk},E2E-BANK-0001`,
      `${today},12345,XOF,VIR DIVERS SANS REFERENCE,E2E-BANK-0002`,
    ].join("\n");
    const form = formWith(finance, { name: "intent", value: "import" });
    await form.locator('select[name="source"]').selectOption("plain");
    await form.locator('input[name="file"]').setInputFiles({ name: "releve-ecobank.csv", mimeType: "text/csv", buffer: Buffer.from(statement) });
    expect(await submit(finance, form)).toBeLessThan(400);
    const last = finance.getByTestId("last-import");
    await expect.poll(() => last.innerText()).toMatch(/1 rapproché automatiquement/);
    await screenshot(finance, "payments-01-inbox-after-import");
  });

  it("the invoice is paid, and 'payment received' is in the outbox", async () => {
    await open(agency, invoice.path);
    const main = await agency.locator("main").innerText();
    expect(main).toContain("Payé");
    expect(main).toContain("Virement bancaire");
    await screenshot(agency, "payments-02-agency-invoice-paid");

    await open(finance, "/ops/outbox");
    await expect.poll(async () => (await finance.locator("main").innerText()).includes("Paiement reçu")).toBe(true);
    await screenshot(finance, "payments-03-outbox");

    await open(finance, "/ops/payments");
    await screenshot(finance, "payments-04-payments-list");
    // The statement line's transaction id is the payment's reference.
    await finance.getByRole("link", { name: "E2E-BANK-0001" }).first().click();
    await finance.waitForURL(/\/ops\/payments\/[0-9a-f-]{36}/);
    await settled(finance);
    await expect.poll(async () => (await finance.locator("main").innerText()).includes(invoice.number)).toBe(true);
    await screenshot(finance, "payments-05-payment-page");
  });

  it("the agency downloads its statement of account as a PDF", async () => {
    await open(agency, "/app/statement");
    await screenshot(agency, "payments-06-statement-page");
    const href = await agency.getByRole("link", { name: "Télécharger le PDF" }).first().getAttribute("href");
    expect(href).toBeTruthy();
    const pdf = await agency.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const bytes = await pdf.body();
    const { text } = await pdfText(bytes);
    expect(text).toContain(invoice.number);
    expect(text).toContain("E2E-BANK-0001");
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(`${SCREENSHOT_DIR}payments-07-statement-page1.png`, await pdfPageToPng(bytes, 1));
  });
});
