/**
 * Invoicing in Chromium, through the real pages, on the demo data (two months of usage at LDC):
 * finance runs last month for LDC and watches the progress, reviews a draft and issues them all;
 * the SME opens its invoice, downloads the PDF, decodes its QR code and opens the verification
 * page it points to; finance issues a partial credit note and the SME sees the balance go down;
 * the agency exports its invoices as CSV.
 *
 * Each step builds on the previous one (the suite bails at the first failure).
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { billingOpsFr } from "../../app/i18n/areas/billing-ops";
import { invoicesFr } from "../../app/i18n/areas/invoices";
import { pdfPageToPng } from "../support/pdf";
import { pdfQrCodes } from "../support/pdf-qr";
import { SCREENSHOT_DIR, baseUrl, fill, formWith, launchBrowser, newContext, open, problems, screenshot, submit, billingJob } from "./support";

const DEMO_PASSWORD = "Demo-Colo-2026!";
const FINANCE = "finance@ops.demo.test";
const SME = "owner@kossi.demo.test";
const AGENCY = "owner@ansi.demo.test";

/** Last month in Lomé's calendar (UTC, no daylight saving): the month the seeds hold usage for. */
const lastMonth = (() => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
})();

let browser: Browser;
let financeContext: BrowserContext;
let smeContext: BrowserContext;
let finance: Page;
let sme: Page;
let smeInvoicePath = "";
let pdfBytes: Buffer;

async function signIn(page: Page, email: string) {
  await open(page, "/signin");
  const form = formWith(page, { name: "password" });
  await fill(form, { email, password: DEMO_PASSWORD });
  expect(await submit(page, form)).toBeLessThan(400);
}

/** The number shown as "Reste dû" (balance) on a tenant invoice page, in minor units (XOF: francs). */
async function balanceOn(page: Page): Promise<number> {
  const text = await page.locator("dt", { hasText: invoicesFr["invoices.page.balance"] }).first().locator("xpath=following-sibling::dd[1]").innerText();
  return Number(text.replace(/[^\d]/g, ""));
}

describe("invoicing, from the billing run to the tenant's verified PDF", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    financeContext = await newContext(browser, "finance");
    smeContext = await newContext(browser, "sme");
    finance = await financeContext.newPage();
    sme = await smeContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("finance runs last month's billing for LDC and watches it progress to a summary", async () => {
    await signIn(finance, FINANCE);
    await open(finance, `/ops/billing?site=LDC&period=${lastMonth}`);
    // The progress area is a polite live region; the run ends with its summary.
    await billingJob(finance, "run");
    await screenshot(finance, "invoicing-01-run-done");
  });

  it("finance reviews a draft with its lines, then issues every draft of the month", async () => {
    await open(finance, `/ops/billing/invoices?site=LDC&period=${lastMonth}&status=draft`);
    const row = finance.getByRole("row").filter({ hasText: "Kossi Digital" });
    await expect.poll(() => row.count()).toBe(1);
    await screenshot(finance, "invoicing-02-drafts");
    await row.getByRole("link").first().click();
    await finance.waitForURL(/\/ops\/billing\/invoices\/[0-9a-f-]{36}$/);
    await expect.poll(() => finance.getByRole("table").first().getByRole("row").count()).toBeGreaterThan(1);
    await screenshot(finance, "invoicing-03-draft");

    await open(finance, `/ops/billing?site=LDC&period=${lastMonth}`);
    await billingJob(finance, "issue");
    await expect.poll(async () => (await finance.locator("main").innerText()).match(/LDC-\d{4}-\d{6}/g)?.length ?? 0).toBeGreaterThan(0);
    await screenshot(finance, "invoicing-04-issued");
  });

  it("the SME sees its invoice, downloads the PDF and opens the verification page from the QR code", async () => {
    await signIn(sme, SME);
    await open(sme, "/app/invoices");
    const row = sme.getByRole("row").filter({ hasText: /LDC-\d{4}-\d{6}/ });
    await expect.poll(() => row.count()).toBeGreaterThan(0);
    await screenshot(sme, "invoicing-05-tenant-list");
    await row.first().getByRole("link").first().click();
    await sme.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
    smeInvoicePath = new URL(sme.url()).pathname;
    await screenshot(sme, "invoicing-06-tenant-invoice");

    const pdf = await sme.request.get(`${smeInvoicePath}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    pdfBytes = await pdf.body();
    expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");
    const sha256 = createHash("sha256").update(pdfBytes).digest("hex");
    // The page shows the hash of what was downloaded.
    expect(await sme.locator("main").innerText()).toContain(sha256);

    // Page 1 as a picture, to look at.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(`${SCREENSHOT_DIR}invoicing-invoice.pdf`, pdfBytes);
    const png = await pdfPageToPng(pdfBytes, 1);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    writeFileSync(`${SCREENSHOT_DIR}invoicing-07-invoice-page1.png`, png);

    // What a phone reads from the paper: the QR code, decoded from the PDF's own pixels.
    const [url] = await pdfQrCodes(pdfBytes);
    expect(url).toMatch(new RegExp(`^${baseUrl().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/verify/LDC-\\d{4}-\\d{6}\\?k=[0-9a-f]{32}$`));
    const anonymous = await newContext(browser, "anonymous");
    try {
      const visitor = await anonymous.newPage();
      const response = await visitor.goto(url);
      expect(response?.status()).toBe(200);
      const text = await visitor.locator("main").innerText();
      expect(text).toContain(sha256);
      expect(text).toContain("Lomé Data Centre SA");
      expect(text).toMatch(/Émise/);
      await screenshot(visitor, "invoicing-08-verify");
      // A wrong key: nothing about the invoice.
      const wrong = await visitor.goto(url.replace(/k=./, (k) => (k.endsWith("0") ? "k=1" : "k=0")));
      expect(wrong?.status()).toBe(404);
      expect(await visitor.locator("main").innerText()).not.toContain(sha256);
      // That 404 was provoked on purpose: not a problem of the page.
      const provoked = problems.errors.findIndex((e) => e.startsWith("[anonymous]") && e.includes("/verify/") && e.includes("status of 404"));
      expect(provoked).toBeGreaterThanOrEqual(0);
      problems.errors.splice(provoked, 1);
    } finally {
      await anonymous.close();
    }
  });

  it("finance issues a partial credit note; the SME's balance goes down by it", async () => {
    const before = await balanceOn(sme);
    expect(before).toBeGreaterThan(20_000);
    await open(finance, `/ops/billing/invoices${smeInvoicePath.replace("/app/invoices", "")}`);
    const form = formWith(finance, { name: "intent", value: "credit" });
    await form.locator('input[name="mode"][value="lines"]').check();
    await form.locator('input[name^="amount."]').first().fill("10000");
    await form.locator('textarea[name="reason"]').fill("Coupure électrique du 12, geste commercial");
    expect(await submit(finance, form, form.getByRole("button", { name: billingOpsFr["billingOps.credit.submit"] }))).toBeLessThan(400);
    await expect.poll(async () => (await finance.locator("main").innerText()).match(/LDC-AV-\d{4}-\d{6}/)?.[0]).toBeTruthy();
    await screenshot(finance, "invoicing-09-credit-note");

    await open(sme, smeInvoicePath);
    // 10 000 F CFA excluding VAT, + 18 % VAT = 11 800.
    expect(await balanceOn(sme)).toBe(before - 11_800);
    expect(await sme.locator("main").innerText()).toMatch(/LDC-AV-\d{4}-\d{6}/);
    await screenshot(sme, "invoicing-10-tenant-after-credit");
  });

  it("the agency exports its invoices as CSV, in billing.md's columns", async () => {
    const agencyContext = await newContext(browser, "agency");
    try {
      const agency = await agencyContext.newPage();
      await signIn(agency, AGENCY);
      const csv = await agency.request.get("/app/invoices/export.csv");
      expect(csv.status()).toBe(200);
      expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
      const lines = (await csv.text()).replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);
      expect(lines[0]).toBe("number,period,site,issued_on,due_on,currency,subtotal,vat,total,balance,status");
      const ours = lines.slice(1).filter((l) => l.includes(`,${lastMonth},LDC,`));
      expect(ours.length).toBe(1);
      // Exempt agency: VAT 0, total = subtotal, in whole francs.
      const [number, , , , , currency, subtotal, vat, total] = ours[0].split(",");
      expect(number).toMatch(/^LDC-\d{4}-\d{6}$/);
      expect({ currency, vat, total }).toEqual({ currency: "XOF", vat: "0", total: subtotal });
      await open(agency, "/app/invoices");
      await screenshot(agency, "invoicing-11-agency-list");
    } finally {
      await agencyContext.close();
    }
  });
});
