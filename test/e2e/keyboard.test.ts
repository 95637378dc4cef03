/**
 * The whole journey by keyboard only (issue 12), in Chromium: Tab, Shift+Tab, Enter, Space, arrows
 * and typing through `page.keyboard`, never a click or a fill. Kossi Digital's owner signs in
 * (a wrong password first), requests rack space (a refused empty request first), the NOC signs in
 * and approves that request, finance bills and issues three months ago at LDC, and the owner pays
 * the month's invoice by card on the (fake) Stripe page. At each step the test asserts where focus
 * is — the heading or the success message of the page just reached, the error summary after a
 * refused form — and that it shows (an outline or a box shadow is computed on the focused element).
 *
 * Card payment needs the portal started with STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and
 * STRIPE_API_URL pointing at a free local port (the run passes its environment to the portal and to
 * the tests): the test then serves Stripe there — test/support/fake-stripe.ts behind a small hosted
 * invoice page that pays and delivers the signed `invoice.paid` webhook, as Stripe does. Without
 * them the payment step is skipped (and says so).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { requestsFr } from "../../app/i18n/areas/requests";
import { approvalsFr } from "../../app/i18n/areas/approvals";
import { stripeFr } from "../../app/i18n/areas/stripe";
import { invoicesFr } from "../../app/i18n/areas/invoices";
import { fr } from "../../app/i18n/fr";
import { signedEvent, startFakeStripe, type FakeStripe } from "../support/fake-stripe";
import { pdfAccessibility } from "../support/pdf-accessibility";
import { DEMO_PASSWORD, baseUrl, focused, hydrated, launchBrowser, newContext, pressToSubmit, problems, screenshotFromTop, settled, tabTo, type Focused } from "./support";

const OWNER = "owner@kossi.demo.test";
const NOC = "noc@ops.demo.test";
const FINANCE = "finance@ops.demo.test";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Three months ago: invoicing.test.ts bills last month and payments.test.ts the month before at LDC. */
const period = (() => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1)).toISOString().slice(0, 7);
})();

const stripeEnv = {
  apiUrl: process.env.STRIPE_API_URL,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
  key: process.env.STRIPE_SECRET_KEY,
};
const cardPayment = Boolean(stripeEnv.apiUrl && stripeEnv.webhookSecret && stripeEnv.key);

let browser: Browser;
let ownerContext: BrowserContext;
let nocContext: BrowserContext;
let financeContext: BrowserContext;
let owner: Page;
let noc: Page;
let finance: Page;
let stripe: { fake: FakeStripe; server: Server } | undefined;
const state: { requestRef?: string; requestPath?: string; invoiceNumber?: string; invoicePath?: string } = {};

/**
 * Focus comes to rest on this kind of element (polled: React renders the new page and moves focus
 * just after the URL changes), and shows it. Returns what is focused.
 */
async function expectFocus(page: Page, where: Partial<Pick<Focused, "tag" | "role" | "name" | "id">> & { text?: string | RegExp; className?: string }) {
  const { text, className, ...exact } = where;
  const matches = (f: Focused) =>
    Object.entries(exact).every(([k, v]) => f[k as keyof Focused] === v) &&
    (text === undefined || (typeof text === "string" ? f.text.includes(text) : text.test(f.text))) &&
    (className === undefined || f.className.split(/\s+/).includes(className));
  let last = await focused(page);
  for (let i = 0; i < 50 && !matches(last); i++) {
    await page.waitForTimeout(100);
    last = await focused(page);
  }
  expect(matches(last), `focus expected on ${JSON.stringify(where)}, found on ${JSON.stringify(last)}`).toBe(true);
  expect(last.ringed, `no visible focus on ${JSON.stringify(last)}`).toBe(true);
  return last;
}

/** Follow the focused link with Enter and wait for the next page to be ready. */
async function follow(page: Page, path: RegExp) {
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => path.test(url.pathname));
  await settled(page);
}

/** Type into the focused field over what it holds. */
async function retype(page: Page, text: string) {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

/** The sign-in page by keyboard: the first Tab reaches the skip link, then the e-mail and password fields. */
async function signInByKeyboard(page: Page, email: string, { wrongFirst = false } = {}) {
  await page.goto("/signin");
  await hydrated(page);
  expect(await tabTo(page, "a.skip-link", { max: 1 })).toBe(1);
  await expectFocus(page, { tag: "a", text: fr["nav.skipToContent"] });
  await tabTo(page, 'input[name="email"]');
  await expectFocus(page, { tag: "input", name: "email" });
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await expectFocus(page, { tag: "input", name: "password" });
  if (wrongFirst) {
    await page.keyboard.type("not-the-password");
    expect(await pressToSubmit(page)).toBe(401);
    // Refused: focus on the error summary, which says why.
    await expectFocus(page, { tag: "div", role: "alert", text: fr["error.badCredentials"] });
    await tabTo(page, 'input[name="password"]');
    await retype(page, DEMO_PASSWORD);
  } else {
    await page.keyboard.type(DEMO_PASSWORD);
  }
  expect(await pressToSubmit(page)).toBeLessThan(400);
  await page.waitForURL((url) => url.pathname !== "/signin");
  await hydrated(page);
  await settled(page);
}

/** Stripe on STRIPE_API_URL: the fake API, and the hosted invoice page a payer sees (pay → webhook → back). */
async function startStripe(): Promise<{ fake: FakeStripe; server: Server }> {
  const fake = await startFakeStripe();
  const own = new URL(stripeEnv.apiUrl!);
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? "/", own).pathname;
    let m: RegExpExecArray | null;
    if (path === "/favicon.ico") return void res.writeHead(204).end();
    if (req.method === "GET" && (m = /^\/i\/([A-Za-z0-9_]+)$/.exec(path))) {
      const inv = fake.invoices.get(m[1]);
      if (!inv) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return void res.end(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Facture ${inv.number}</title></head>` +
          `<body><main><h1>Facture ${inv.number}</h1><p>${inv.amount_due} ${inv.currency.toUpperCase()}</p>` +
          `<form method="post" action="/i/${inv.id}/pay"><button>Payer</button></form></main></body></html>`,
      );
    }
    if (req.method === "POST" && (m = /^\/i\/([A-Za-z0-9_]+)\/pay$/.exec(path))) {
      if (!fake.invoices.has(m[1])) return void res.writeHead(404).end();
      const paid = fake.pay(m[1]);
      const event = signedEvent("invoice.paid", paid, { secret: stripeEnv.webhookSecret });
      const delivered = await fetch(`${baseUrl()}/webhooks/stripe`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Stripe-Signature": event.signature },
        body: event.payload,
      });
      if (delivered.status !== 200) return void res.writeHead(502).end(`webhook answered ${delivered.status}`);
      res.writeHead(303, { Location: `${baseUrl()}/app/invoices/${paid.metadata.invoice_id}` });
      return void res.end();
    }
    // The API: forwarded to the fake, its own address in answers replaced by this one.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
    const answer = await fetch(`${fake.url}${req.url}`, { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
    const text = (await answer.text()).replaceAll(fake.url, own.origin);
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(own.port), own.hostname, resolve);
  });
  return { fake, server };
}

describe("keyboard only: sign in, request space, approve it, pay an invoice", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    ownerContext = await newContext(browser, "owner");
    nocContext = await newContext(browser, "noc");
    financeContext = await newContext(browser, "finance");
    owner = await ownerContext.newPage();
    noc = await nocContext.newPage();
    finance = await financeContext.newPage();
    if (cardPayment) stripe = await startStripe();
    // `npm run test:e2e` sets them; in CI a journey without its payment is not the journey.
    else if (process.env.CI) throw new Error("[keyboard] STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_URL must be set in CI (npm run test:e2e sets them).");
    else console.warn("[keyboard] STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_URL are not set: the card payment step is skipped.");
  });

  afterAll(async () => {
    await browser?.close();
    if (stripe) {
      stripe.server.closeAllConnections();
      await new Promise((resolve) => stripe!.server.close(resolve));
      await stripe.fake.close();
    }
    expect(problems.errors).toEqual([]);
  });

  it("the owner signs in (a wrong password first): focus lands on the dashboard's heading", async () => {
    await signInByKeyboard(owner, OWNER, { wrongFirst: true });
    expect(new URL(owner.url()).pathname).toBe("/app");
    await expectFocus(owner, { tag: "h1" });
    await screenshotFromTop(owner, "keyboard-01-dashboard");
  });

  it("requests rack space: the empty request is refused with focus on the summary, the second is sent", async () => {
    // Back from the heading to the main menu, then the new request link on the requests page.
    await tabTo(owner, 'a[href="/app/requests"]', { back: true });
    await expectFocus(owner, { tag: "a", text: fr["nav.requests"] });
    await follow(owner, /^\/app\/requests$/);
    await expectFocus(owner, { tag: "h1" });
    await tabTo(owner, 'a[href="/app/requests/new"]');
    await follow(owner, /^\/app\/requests\/new$/);
    await expectFocus(owner, { tag: "h1", text: requestsFr["requests.new"] });

    // Nothing asked for: refused, focus on the summary, the items say why.
    await tabTo(owner, 'button[value="submit"]');
    await expectFocus(owner, { tag: "button", text: requestsFr["requests.submit"] });
    expect(await pressToSubmit(owner)).toBe(400);
    const summary = await expectFocus(owner, { tag: "div", role: "alert" });
    expect(summary.text).toMatch(new RegExp(`${fr["form.fixErrors"]}|${requestsFr["requests.error.no_lines"]}`));
    expect(await owner.locator("main").innerText()).toContain(requestsFr["requests.error.no_lines"]);
    await screenshotFromTop(owner, "keyboard-02-request-refused");

    // From the summary, Tab goes on into the form: the site first (arrows would change it), then the items.
    await owner.keyboard.press("Tab");
    await expectFocus(owner, { tag: "select", name: "siteId" });
    await tabTo(owner, 'input[name="qty_rack_unit"]');
    await expectFocus(owner, { tag: "input", name: "qty_rack_unit" });
    await owner.keyboard.type("2");
    await tabTo(owner, 'textarea[name="notes"]');
    await owner.keyboard.type("Demande faite au clavier.");
    await tabTo(owner, 'button[value="submit"]');
    expect(await pressToSubmit(owner)).toBeLessThan(400);
    await owner.waitForURL(new RegExp(`/app/requests/${UUID}`));
    await settled(owner);
    state.requestPath = new URL(owner.url()).pathname;
    // Sent: focus on the confirmation.
    await expectFocus(owner, { className: "alert--success", text: requestsFr["requests.sent"].slice(0, 20) });
    state.requestRef = /\b[0-9A-F]{8}\b/.exec(await owner.locator("main h1").innerText())?.[0];
    expect(state.requestRef).toBeTruthy();
    await screenshotFromTop(owner, "keyboard-03-request-sent");
  });

  it("the NOC signs in and approves the request: focus on the contract's confirmation", async () => {
    await signInByKeyboard(noc, NOC);
    expect(new URL(noc.url()).pathname).toMatch(/^\/ops/);
    await expectFocus(noc, { tag: "h1" });
    await tabTo(noc, 'a[href="/ops/requests"]', { back: true });
    await follow(noc, /^\/ops\/requests$/);
    await expectFocus(noc, { tag: "h1" });
    await tabTo(noc, "main a", { text: state.requestRef });
    await follow(noc, new RegExp(`^/ops/requests/${UUID}$`));
    await expectFocus(noc, { tag: "h1" });
    // The proposed placement is filled in; the NOC keeps it and approves.
    await tabTo(noc, "form.approval-form button", { text: approvalsFr["approvals.form.submit"] });
    await expectFocus(noc, { tag: "button" });
    await screenshotFromTop(noc, "keyboard-04-approval-form");
    expect(await pressToSubmit(noc)).toBeLessThan(400);
    await noc.waitForURL(new RegExp(`/ops/contracts/${UUID}`));
    await settled(noc);
    await expectFocus(noc, { className: "alert--success", text: approvalsFr["approvals.contract.approved"].slice(0, 20) });
    await screenshotFromTop(noc, "keyboard-05-contract-approved");
  });

  it("finance bills and issues three months ago at LDC, by keyboard", async () => {
    await signInByKeyboard(finance, FINANCE);
    await finance.goto(`/ops/billing?site=LDC&period=${period}`);
    await hydrated(finance);
    await tabTo(finance, 'button[name="intent"][value="run"]');
    await expectFocus(finance, { tag: "button" });
    await finance.keyboard.press("Enter");
    const done = finance.locator(".billing-job[aria-live=polite]").filter({ hasText: "Facturation terminée" });
    await expect.poll(() => done.count(), { timeout: 90_000, interval: 1_000 }).toBeGreaterThan(0);
    await settled(finance);
    // Focus stayed in the page while the run went on (not dropped to <body>).
    expect((await focused(finance)).tag).not.toBe("body");
    // The run's button is disabled while the job runs: focus is held on its form, and Tab goes on from there.
    await tabTo(finance, 'button[name="intent"][value="issue"]');
    await expectFocus(finance, { tag: "button" });
    await finance.keyboard.press("Enter");
    const issued = finance.locator(".billing-job[aria-live=polite]").filter({ hasText: "Émission terminée" });
    await expect.poll(() => issued.count(), { timeout: 120_000, interval: 1_000 }).toBeGreaterThan(0);
  });

  it("the owner opens the month's invoice from the list", async () => {
    const csv = await owner.request.get("/app/invoices/export.csv");
    const row = (await csv.text()).split(/\r?\n/).find((l) => l.includes(`,${period},LDC,`));
    expect(row, `an invoice for ${period} at LDC`).toBeTruthy();
    state.invoiceNumber = row!.split(",")[0];
    await owner.goto("/app");
    await hydrated(owner);
    await tabTo(owner, 'a[href="/app/invoices"]');
    await follow(owner, /^\/app\/invoices$/);
    await expectFocus(owner, { tag: "h1" });
    await tabTo(owner, "main a", { text: state.invoiceNumber });
    await follow(owner, new RegExp(`^/app/invoices/${UUID}$`));
    state.invoicePath = new URL(owner.url()).pathname;
    await expectFocus(owner, { tag: "h1", text: state.invoiceNumber });
    // Its PDF, as stored at issue, says its language and title to a screen reader (ADR 024).
    const pdf = await owner.request.get(`${state.invoicePath}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(await pdfAccessibility(await pdf.body())).toMatchObject({ language: "fr-FR", title: `Facture ${state.invoiceNumber}`, displayDocTitle: true });
  });

  it.skipIf(!cardPayment)("pays it by card on Stripe's page and comes back to a paid invoice", async () => {
    await tabTo(owner, "main button", { text: stripeFr["stripe.pay"] });
    await expectFocus(owner, { tag: "button", text: stripeFr["stripe.pay"] });
    await screenshotFromTop(owner, "keyboard-06-invoice");
    await owner.keyboard.press("Enter");
    await owner.waitForURL((url) => url.origin === new URL(stripeEnv.apiUrl!).origin);
    expect(await tabTo(owner, "button", { text: "Payer", max: 3 })).toBeGreaterThan(0);
    await owner.keyboard.press("Enter");
    await owner.waitForURL((url) => url.pathname === state.invoicePath);
    await hydrated(owner);
    expect(await owner.locator("main").innerText()).toContain(invoicesFr["invoices.page.paid"]);
    // A new document: the first Tab is the skip link, which takes focus to the content.
    expect(await tabTo(owner, "a.skip-link", { max: 1 })).toBe(1);
    await owner.keyboard.press("Enter");
    expect((await focused(owner)).tag).toBe("main");
    await screenshotFromTop(owner, "keyboard-07-invoice-paid");
  });
});
