/**
 * Accessibility in Chromium (issue 12): axe-core audits every main page of both areas and the
 * public pages, in French and in English, and each main form after a failed submission; any
 * `serious` or `critical` violation fails the test, listed with its rule, help text and elements.
 *
 * The portal's CSP forbids injected scripts, and it stays as it is: the audit contexts bypass CSP
 * (a Playwright context option), which lets axe be added to the page as an inline script.
 *
 * Read-only: it only signs in, changes the language (and puts each user's language back) and
 * submits forms that the server refuses (400), so it does not disturb the other e2e files.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { fill, formWith, launchBrowser, newContext, open, problems, settled, submit } from "./support";

const DEMO_PASSWORD = "Demo-Colo-2026!";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.0/2.1 A and AA, plus axe's best practices (landmarks, skip link, empty headers). */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const FAILING_IMPACTS = new Set(["serious", "critical"]);

/**
 * Violations known and accepted for now, as narrowly as possible: one rule on one selector, with
 * the reason. Empty is the goal; every entry here is a debt to pay.
 */
const ACCEPTED: { rule: string; selector: string; reason: string }[] = [];

interface Finding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

let browser: Browser;
/** Page states audited, to show in the log that the audit really covered the portal. */
let audited = 0;

async function injectAxe(page: Page) {
  const present = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!present) await page.addScriptTag({ content: AXE_SOURCE });
}

/** Run axe on the page as it is now; return the serious and critical violations not accepted. */
async function audit(page: Page, label: string): Promise<Finding[]> {
  await injectAxe(page);
  audited += 1;
  const violations = await page.evaluate(async (tags) => {
    type AxeResult = { id: string; impact: string | null; help: string; helpUrl: string; nodes: { target: unknown[]; impact: string | null }[] };
    const axe = (window as unknown as { axe: { run: (ctx: unknown, options: unknown) => Promise<{ violations: AxeResult[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), impact: n.impact ?? v.impact ?? "" })),
    }));
  }, AXE_TAGS);
  const findings: Finding[] = [];
  for (const v of violations) {
    const targets = v.nodes
      .filter((n) => FAILING_IMPACTS.has(n.impact))
      .map((n) => n.target)
      .filter((target) => !ACCEPTED.some((a) => a.rule === v.id && target.includes(a.selector)));
    if (targets.length) findings.push({ page: label, rule: v.id, impact: v.impact, help: v.help, targets });
  }
  return findings;
}

function report(findings: Finding[]): string {
  return findings
    .map((f) => `${f.page}\n  [${f.impact}] ${f.rule}: ${f.help}\n${f.targets.map((t) => `    - ${t}`).join("\n")}`)
    .join("\n");
}

async function htmlLang(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

/** Click FR or EN in the page's language switch (remembered for a signed-in user). */
async function switchLanguage(page: Page, locale: "fr" | "en") {
  if ((await htmlLang(page)) === locale) return;
  await page.locator(`.lang-switch button[value="${locale}"]`).first().click();
  await expect.poll(() => htmlLang(page)).toBe(locale);
  await settled(page);
}

async function signIn(page: Page, email: string) {
  await open(page, "/signin");
  const form = formWith(page, { name: "password" });
  await fill(form, { email, password: DEMO_PASSWORD });
  expect(await submit(page, form)).toBeLessThan(400);
}

/** The first link on the page whose path matches, to audit one detail page of a list. */
async function firstLink(page: Page, pattern: RegExp): Promise<string | null> {
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.find((href) => pattern.test(href.split("?")[0])) ?? null;
}

/**
 * Keyboard: the first Tab stop is the skip link, and following it puts focus on the main content
 * (not ten stops of header and menu first).
 */
async function skipLinkFindings(page: Page, label: string): Promise<Finding[]> {
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ""} "${el.textContent?.trim() ?? ""}"` : "none";
  });
  if (!first.startsWith("a.skip-link")) {
    return [{ page: label, rule: "skip-link-first", impact: "serious", help: "The first Tab stop is a link to the main content", targets: [first] }];
  }
  await page.keyboard.press("Enter");
  const focused = await page.evaluate(() => document.activeElement?.id ?? "");
  if (focused !== "main") {
    return [{ page: label, rule: "skip-link-target", impact: "serious", help: "The skip link moves focus to <main>", targets: [`#${focused}`] }];
  }
  return [];
}

/**
 * Audit each path (and the first detail page a list links to), in the page's current language;
 * on the first, check the skip link by keyboard too.
 */
async function auditPages(page: Page, who: string, paths: (string | { list: string; detail: RegExp })[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const lang = await htmlLang(page);
  for (const [index, entry] of paths.entries()) {
    const path = typeof entry === "string" ? entry : entry.list;
    const response = await open(page, path);
    expect(response?.status(), `${path} answers`).toBeLessThan(400);
    if (index === 0) findings.push(...(await skipLinkFindings(page, `${who} ${lang} ${path} (keyboard)`)));
    findings.push(...(await audit(page, `${who} ${lang} ${path}`)));
    if (typeof entry !== "string") {
      const detail = await firstLink(page, entry.detail);
      if (!detail) continue;
      const answer = await open(page, detail);
      expect(answer?.status(), `${detail} answers`).toBeLessThan(400);
      findings.push(...(await audit(page, `${who} ${lang} ${detail}`)));
    }
  }
  return findings;
}

/**
 * Submit a form the server refuses, then audit the page with its errors. Focus must be where the
 * next action is: in the form while it is sent, then on the error summary or on the first invalid
 * field, never left on <body>.
 */
async function auditFailedSubmit(
  page: Page,
  who: string,
  path: string,
  field: { name: string; value?: string },
  values: Record<string, string> = {},
  prepare?: (page: Page) => Promise<void>,
): Promise<Finding[]> {
  await open(page, path);
  await prepare?.(page);
  const form = formWith(page, field);
  if (Object.keys(values).length) await fill(form, values);
  // The answer is held back a moment, to see where focus is while the form is sending: sampled once
  // the browser has sent the form (its POST is here, held) and the page has had time to show it is
  // busy — not at a fixed time after the click began, which a loaded machine may not have reached.
  let focusWhileSending: "body" | "kept" | undefined;
  const slow = async (route: Route) => {
    if (route.request().method() === "POST") {
      await new Promise((resolve) => setTimeout(resolve, 150));
      focusWhileSending ??= await page.evaluate(() => (document.activeElement === document.body ? "body" : "kept"));
      await new Promise((resolve) => setTimeout(resolve, 350));
    }
    await route.continue();
  };
  await page.route("**/*", slow);
  const sending = submit(page, form, form.locator('button[type="submit"], button:not([type])').last());
  const status = await sending;
  await page.unroute("**/*", slow);
  expect(status, `${path}: the form is refused`).toBeGreaterThanOrEqual(400);
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    return el.closest(".alert--error") || el.getAttribute("aria-invalid") === "true" ? "error" : `${el.tagName.toLowerCase()}.${el.className}`;
  });
  const label = `${who} ${await htmlLang(page)} ${path} (failed submit)`;
  const findings = await audit(page, label);
  if (focusWhileSending === "body") {
    findings.push({ page: label, rule: "focus-while-sending", impact: "serious", help: "Focus stays in the form while it is sent", targets: ["body"] });
  }
  if (focus !== "error") {
    findings.push({ page: label, rule: "focus-after-error", impact: "serious", help: "Focus moves to the error summary or the first invalid field", targets: [focus] });
  }
  return findings;
}

/** Sign in, audit in FR then in EN, put the user's own language back. */
async function auditUser(
  email: string,
  label: string,
  run: (page: Page) => Promise<Finding[]>,
): Promise<Finding[]> {
  const context: BrowserContext = await newContext(browser, label, { bypassCSP: true });
  const page = await context.newPage();
  const findings: Finding[] = [];
  let own: "fr" | "en" | null = null;
  try {
    await signIn(page, email);
    await settled(page);
    own = (await htmlLang(page)) as "fr" | "en";
    for (const locale of ["fr", "en"] as const) {
      await switchLanguage(page, locale);
      findings.push(...(await run(page)));
    }
  } finally {
    // The language is remembered per user: give it back even when a step failed, for the other files.
    if (own) await open(page, "/signin").then(() => switchLanguage(page, own!)).catch(() => undefined);
    await context.close();
  }
  return findings;
}

// Each test audits dozens of page states in two languages (more with the service desk): minutes, not the default two.
describe("accessibility: axe finds no serious or critical violation", { timeout: 480_000 }, () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    console.log(`[axe] ${audited} page states audited (rules tagged ${AXE_TAGS.join(", ")})`);
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("public pages, and their forms after a failed submission", async () => {
    const context = await newContext(browser, "visitor", { bypassCSP: true });
    const page = await context.newPage();
    const findings: Finding[] = [];
    try {
      await open(page, "/signin");
      for (const locale of ["fr", "en"] as const) {
        await switchLanguage(page, locale);
        findings.push(...(await auditPages(page, "visitor", ["/signin", "/signup", "/forgot-password"])));
        findings.push(...(await auditFailedSubmit(page, "visitor", "/signin", { name: "password" })));
        findings.push(...(await auditFailedSubmit(page, "visitor", "/signup", { name: "orgName" })));
        findings.push(...(await auditFailedSubmit(page, "visitor", "/forgot-password", { name: "email" }, { email: "not-an-address" })));
      }
    } finally {
      await context.close();
    }
    expect(report(findings)).toBe("");
  });

  it("tenant pages of an SME owner and an agency owner, and the tenant forms after a failed submission", async () => {
    const tenantPages = [
      "/app",
      { list: "/app/requests", detail: /^\/app\/requests\/(?!new$)[^/]+$/ },
      "/app/requests/new",
      { list: "/app/services", detail: /^\/app\/services\/[^/]+$/ },
      "/app/cross-connects",
      "/app/desk",
      { list: "/app/desk/deliveries", detail: /^\/app\/desk\/deliveries\/(?!new$)[^/]+$/ },
      "/app/desk/deliveries/new",
      { list: "/app/desk/visits", detail: /^\/app\/desk\/visits\/(?!new$)[^/]+$/ },
      "/app/desk/visits/new",
      "/app/desk/badges",
      { list: "/app/desk/tickets?show=all", detail: /^\/app\/desk\/tickets\/(?!new$)[^/]+$/ },
      "/app/desk/tickets/new",
      { list: "/app/usage", detail: /^\/app\/usage\/[^/]+$/ },
      { list: "/app/invoices", detail: /^\/app\/invoices\/(?!export)[^/.]+$/ },
      "/app/statement",
      "/app/members",
      "/app/account",
    ];
    const findings: Finding[] = [];
    findings.push(
      ...(await auditUser("owner@kossi.demo.test", "sme", async (page) => [
        ...(await auditPages(page, "sme", tenantPages)),
        ...(await auditFailedSubmit(page, "sme", "/app/members", { name: "intent", value: "invite" }, { email: "not-an-address" })),
        // Empty fields: refused before any password is checked (no sign-in attempt is counted).
        ...(await auditFailedSubmit(page, "sme", "/app/account", { name: "intent", value: "password" })),
        ...(await auditFailedSubmit(page, "sme", "/app/desk/visits/new", { name: "visitorName" })),
        ...(await auditFailedSubmit(page, "sme", "/app/desk/deliveries/new", { name: "trackingNumber" })),
        ...(await auditFailedSubmit(page, "sme", "/app/desk/tickets/new", { name: "description" })),
      ])),
    );
    findings.push(...(await auditUser("owner@ansi.demo.test", "agency", (page) => auditPages(page, "agency", tenantPages))));
    expect(report(findings)).toBe("");
  });

  it("operator pages of the NOC: queue, inventory, contracts, metering, and the token form after a failed submission", async () => {
    const findings = await auditUser("noc@ops.demo.test", "noc", async (page) => [
      ...(await auditPages(page, "noc", [
        { list: "/ops/requests", detail: /^\/ops\/requests\/[^/]+$/ },
        "/ops/cross-connects",
        "/ops/desk",
        "/ops/desk/LDC",
        { list: "/ops/desk/LDC/deliveries", detail: /^\/ops\/desk\/deliveries\/[^/]+$/ },
        { list: "/ops/desk/LDC/visits?status=all", detail: /^\/ops\/desk\/visits\/[^/]+$/ },
        "/ops/desk/LDC/security-list",
        "/ops/desk/LDC/badges",
        { list: "/ops/desk/LDC/tickets", detail: /^\/ops\/desk\/tickets\/[^/]+$/ },
        "/ops/sites",
        { list: "/ops/sites/LDC", detail: /^\/ops\/sites\/LDC\/racks\/[^/]+$/ },
        "/ops/sites/LDC/inventory",
        "/ops/sites/LDC/carriers",
        { list: "/ops/contracts", detail: /^\/ops\/contracts\/(?!renewals$)[^/]+$/ },
        "/ops/contracts/renewals",
        "/ops/metering",
        "/ops/metering/usage",
        "/ops/metering/tokens",
        "/ops/metering/import",
        "/ops/account",
      ])),
      ...(await auditFailedSubmit(page, "noc", "/ops/metering/tokens", { name: "intent", value: "create" })),
    ]);
    expect(report(findings)).toBe("");
  });

  it("operator pages of finance: billing, receivables, payments, and the payment form after a failed submission", async () => {
    const findings = await auditUser("finance@ops.demo.test", "finance", async (page) => [
      ...(await auditPages(page, "finance", [
        "/ops/billing",
        { list: "/ops/billing/invoices", detail: /^\/ops\/billing\/invoices\/[^/.]+$/ },
        "/ops/billing/credit-notes",
        "/ops/billing/late-usage",
        "/ops/billing/rates",
        "/ops/billing/reminders",
        "/ops/billing/issuers",
        "/ops/receivables",
        "/ops/payments",
        "/ops/payments/inbox",
        "/ops/payments/new",
        "/ops/payments/sources",
      ])),
      // Step 1 (a GET form) picks the payer; step 2's form is then refused without an amount.
      ...(await auditFailedSubmit(page, "finance", "/ops/payments/new", { name: "amount" }, {}, async (p) => {
        const org = p.locator('select[name="org"]');
        await org.selectOption({ index: 1 });
        await Promise.all([p.waitForURL(/[?&]org=/), formWith(p, { name: "org" }).locator('button[type="submit"]').click()]);
        await settled(p);
      })),
    ]);
    expect(report(findings)).toBe("");
  });

  it("operator pages of the administrator: organisations, audit log, outbox", async () => {
    const findings = await auditUser("admin@ops.demo.test", "admin", (page) =>
      auditPages(page, "admin", [
        { list: "/ops/organisations", detail: /^\/ops\/organisations\/[^/]+$/ },
        { list: "/ops/receivables", detail: /^\/ops\/organisations\/[^/]+\/statement$/ },
        "/ops/audit",
        { list: "/ops/outbox", detail: /^\/ops\/outbox\/[^/]+$/ },
        "/ops/sites/KIN",
        "/ops/sites/KIN/prices",
      ]),
    );
    expect(report(findings)).toBe("");
  });
});
