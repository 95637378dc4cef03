/**
 * The tenant journey, end to end, through the real pages in Chromium:
 * sign-up → e-mail confirmation (read from the operator's outbox) → pending dashboard →
 * operator verification and audit → invitation of a technical member → language switch.
 *
 * Each step builds on the previous one; after a failure the remaining steps are skipped.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { fill, formWith, hydrated, launchBrowser, newContext, open, problems, screenshot, submit } from "./support";

const DEMO_PASSWORD = "Demo-Colo-2026!";
const OPERATOR = "admin@ops.demo.test";

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const owner = {
  name: "Afi Mensah",
  firstName: "Afi",
  email: `owner+${run}@example.test`,
  password: "Journey-Pass-2026!",
};
const org = {
  orgName: `Réseau Lagune ${run} SARL`,
  orgKind: "sme",
  taxId: `NIF-${run}`.toUpperCase(),
  rccm: `TG-LFW-2026-B-${run}`.toUpperCase(),
  billingEmail: `factures+${run}@example.test`,
  address: "12 boulevard du 13 Janvier, Lomé",
  country: "TG",
};
const invitee = { name: "Kodjo Amegah", firstName: "Kodjo", email: `tech+${run}@example.test`, password: "Rack-Tech-2026!" };

let browser: Browser;
let visitorContext: BrowserContext;
let operatorContext: BrowserContext;
let inviteeContext: BrowserContext;
let visitor: Page;
let operator: Page;
let invitePage: Page;
let orgPath = "";

const path = (page: Page) => new URL(page.url()).pathname;
const header = (page: Page) => page.getByRole("banner");

/** Sign in through the form; returns the POST answer's status. */
async function signIn(page: Page, email: string, password: string) {
  await open(page, "/signin");
  const form = formWith(page, { name: "password" });
  await fill(form, { email, password });
  return submit(page, form);
}

/** In the operator's outbox, open the newest message to `to` whose subject matches, and return its links. */
async function readNewestMail(to: string, subject: RegExp, screenshotName?: string) {
  await open(operator, "/ops/outbox");
  const rows = operator.getByRole("row").filter({ hasText: to }).filter({ hasText: subject });
  await expect.poll(() => rows.count()).toBeGreaterThan(0);
  await rows.first().getByRole("link").click();
  await operator.waitForURL(/\/ops\/outbox\/[0-9a-f-]{36}$/);
  await hydrated(operator);
  await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toMatch(subject);
  if (screenshotName) await screenshot(operator, screenshotName);
  return operator.getByTestId("outbox-link").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
}

let failed = false;
beforeEach((context) => {
  if (failed && context.task.suite?.name === "tenant journey") context.skip();
});
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || failed) return;
  failed = true;
  // What each browser showed when the step failed, to diagnose it.
  const pages = { visitor, operator, invitee: invitePage };
  for (const [label, page] of Object.entries(pages)) {
    if (page && !page.isClosed() && page.url() !== "about:blank") await screenshot(page, `failed-${label}`).catch(() => undefined);
  }
});

beforeAll(async () => {
  browser = await launchBrowser();
  visitorContext = await newContext(browser, "visitor");
  operatorContext = await newContext(browser, "operator");
  inviteeContext = await newContext(browser, "invitee");
  visitor = await visitorContext.newPage();
  operator = await operatorContext.newPage();
  invitePage = await inviteeContext.newPage();
});

afterAll(async () => {
  if (problems.errors.length) console.error(`Page problems seen:\n  ${problems.errors.join("\n  ")}`);
  await browser?.close();
});

describe("tenant journey", () => {
  it("shows the home page in French with sign-in and sign-up", async () => {
    const response = await open(visitor, "/");
    expect(response?.status()).toBe(200);
    expect(await visitor.locator("html").getAttribute("lang")).toBe("fr");
    await expect.poll(() => visitor.getByRole("link", { name: "Créer un compte" }).count()).toBe(1);
    await expect.poll(() => visitor.getByRole("link", { name: "Se connecter" }).count()).toBe(1);
    expect(await visitor.locator("form.lang-switch button[value=en]").count()).toBe(1);
    await screenshot(visitor, "01-home");
  });

  it("rejects an empty sign-up with French messages next to the fields", async () => {
    await visitor.getByRole("link", { name: "Créer un compte" }).click();
    await visitor.waitForURL(/\/signup$/);
    await hydrated(visitor);
    const form = formWith(visitor, { name: "orgName" });
    const status = await submit(visitor, form);
    expect(status).toBe(400);
    await expect.poll(() => visitor.getByText("Corrigez les champs signalés ci-dessous.").count()).toBe(1);
    for (const name of ["orgName", "taxId", "billingEmail", "address", "name", "email", "password"]) {
      expect(await form.locator(`[name="${name}"]`).getAttribute("aria-invalid"), name).toBe("true");
    }
    const fieldErrors = await form.getByRole("alert").allTextContents();
    expect(fieldErrors.length).toBeGreaterThanOrEqual(7);
    expect(fieldErrors).toContain("Ce champ est obligatoire.");
    // Every message is French copy, never a raw message key.
    for (const message of fieldErrors) expect(message).not.toMatch(/^error\./);
    expect(path(visitor)).toBe("/signup");
    await screenshot(visitor, "02-signup-errors");
  });

  it("signs up a new SME and shows the confirmation notice", async () => {
    const form = formWith(visitor, { name: "orgName" });
    await fill(form, { ...org, name: owner.name, email: owner.email, password: owner.password, passwordConfirm: owner.password });
    const status = await submit(visitor, form);
    expect(status).toBe(200);
    const notice = visitor.getByRole("status").filter({ hasText: owner.email });
    await expect.poll(() => notice.textContent()).toContain("Nous avons envoyé un lien de confirmation");
    await screenshot(visitor, "03-signup-done");
  });

  it("refuses to sign in before the e-mail is confirmed", async () => {
    const status = await signIn(visitor, owner.email, owner.password);
    expect(status).toBe(403);
    await expect.poll(() => visitor.getByRole("alert").first().textContent()).toContain("Confirmez d'abord votre adresse e-mail");
    expect(path(visitor)).toBe("/signin");
    expect(await visitorContext.cookies()).not.toContainEqual(expect.objectContaining({ name: "colo_session" }));
  });

  let verifyLink = "";
  it("lets the operator read the newest verification e-mail in the outbox", async () => {
    await signIn(operator, OPERATOR, DEMO_PASSWORD);
    await operator.waitForURL(/\/ops\/desk$/); // operators land on the service desk
    await open(operator, "/ops/outbox");
    // One message from the sign-up, a fresh one from the refused sign-in.
    const rows = operator.getByRole("row").filter({ hasText: owner.email }).filter({ hasText: "Confirmez votre adresse e-mail" });
    expect(await rows.count()).toBe(2);
    await screenshot(operator, "08-ops-outbox");
    const links = await readNewestMail(owner.email, /Confirmez votre adresse e-mail/, "09-ops-outbox-message");
    verifyLink = links.find((href) => new URL(href).pathname === "/verify-email") ?? "";
    expect(verifyLink, `links: ${links.join(", ")}`).toMatch(/\/verify-email\?token=[^&\s]+/);
  });

  it("confirms the e-mail through the link, signs in and sees the organisation pending", async () => {
    await visitor.goto(verifyLink);
    await visitor.waitForURL(/\/signin\?notice=verified$/);
    await hydrated(visitor);
    await expect.poll(() => visitor.getByRole("status").first().textContent()).toContain("Votre adresse e-mail est confirmée");
    const form = formWith(visitor, { name: "password" });
    await fill(form, { email: owner.email, password: owner.password });
    await submit(visitor, form);
    await visitor.waitForURL(/\/app$/);
    await hydrated(visitor);
    await expect.poll(() => visitor.getByRole("heading", { level: 1 }).textContent()).toBe(`Bonjour ${owner.firstName}`);
    const main = visitor.getByRole("main");
    expect(await main.getByText(org.orgName).count()).toBeGreaterThan(0);
    expect(await main.getByText("En attente de vérification", { exact: true }).count()).toBe(1);
    expect(await main.getByText("Votre organisation est en attente de vérification").count()).toBe(1);
    expect(await main.getByText("Propriétaire", { exact: true }).count()).toBe(1);
    await screenshot(visitor, "04-dashboard-pending");
  });

  it("the used verification link no longer works", async () => {
    const page = await visitorContext.newPage();
    const response = await page.goto(verifyLink);
    expect(response?.status()).toBe(400);
    await hydrated(page);
    expect(await page.getByText("Ce lien n'est plus valide").count()).toBe(1);
    await page.close();
  });

  it("lets the operator verify the organisation, recorded in the audit log", async () => {
    await open(operator, "/ops/organisations");
    await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toBe("Organisations clientes");
    const row = operator.getByRole("row").filter({ hasText: org.orgName });
    expect(await row.getByText("En attente de vérification").count()).toBe(1);
    await screenshot(operator, "10-ops-organisations");
    await row.getByRole("link", { name: org.orgName }).click();
    await operator.waitForURL(/\/ops\/organisations\/[0-9a-f-]{36}$/);
    await hydrated(operator);
    orgPath = path(operator);
    await expect.poll(() => operator.getByRole("heading", { level: 1 }).textContent()).toBe(org.orgName);
    // In the organisation's facts (the history below shows it again, field by field, in the sign-up entry).
    expect(await operator.locator("dl.facts").getByText(org.taxId, { exact: true }).count()).toBe(1);
    expect(await operator.getByRole("main").getByText(owner.email, { exact: true }).count()).toBeGreaterThan(0);

    const verify = operator.locator('button[name="transition"][value="verify"]');
    const status = await submit(operator, operator.locator("form", { has: verify }), verify);
    expect(status).toBe(200);
    await expect.poll(() => operator.getByRole("status").first().textContent()).toContain("Organisation vérifiée.");
    // The page's data follows the action's answer (revalidation): on a loaded machine a moment later.
    await expect.poll(() => operator.locator('button[name="transition"][value="verify"]').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => operator.getByRole("main").getByText("Vérifiée", { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(operator, "11-ops-organisation");

    await operator.getByRole("banner").getByRole("link", { name: "Journal d'audit" }).click();
    await operator.waitForURL(/\/ops\/audit$/);
    await hydrated(operator);
    const orgId = orgPath.split("/").pop() ?? "";
    const entry = operator.getByRole("row").filter({ hasText: "org.verify" }).filter({ hasText: orgId.slice(0, 8) });
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.textContent()).toContain(OPERATOR);
    expect(await entry.textContent()).toMatch(/pending.*verified/);
    await screenshot(operator, "12-ops-audit");
  });

  it("shows the owner the organisation as verified", async () => {
    await visitor.reload();
    await hydrated(visitor);
    const main = visitor.getByRole("main");
    await expect.poll(() => main.getByText("Vérifiée", { exact: true }).count()).toBe(1);
    expect(await main.getByText("Votre organisation est en attente de vérification").count()).toBe(0);
    await screenshot(visitor, "05-dashboard-verified");
  });

  let inviteLink = "";
  it("lets the owner invite a technical member, who joins through the e-mailed link", async () => {
    await header(visitor).getByRole("link", { name: "Membres", exact: true }).click();
    await visitor.waitForURL(/\/app\/members$/);
    await hydrated(visitor);
    const form = formWith(visitor, { name: "intent", value: "invite" });
    await fill(form, { email: invitee.email, role: "technical" });
    const status = await submit(visitor, form);
    expect(status).toBe(200);
    await expect.poll(() => visitor.getByRole("status").first().textContent()).toBe(`Invitation envoyée à ${invitee.email}.`);
    const pending = visitor.getByRole("listitem").filter({ hasText: invitee.email });
    await expect.poll(() => pending.count()).toBe(1);
    expect(await pending.textContent()).toContain("Technique");
    await screenshot(visitor, "06-members-invited");

    const links = await readNewestMail(invitee.email, /vous invite à rejoindre/);
    inviteLink = links.find((href) => new URL(href).pathname.startsWith("/invite/")) ?? "";
    expect(inviteLink, `links: ${links.join(", ")}`).toMatch(/\/invite\/[^/\s]+$/);

    await invitePage.goto(inviteLink);
    await hydrated(invitePage);
    await expect.poll(() => invitePage.getByRole("heading", { level: 1 }).textContent()).toBe(`Rejoindre ${org.orgName}`);
    expect(await invitePage.locator('[name="email"]').inputValue()).toBe(invitee.email);
    const join = formWith(invitePage, { name: "passwordConfirm" });
    await fill(join, { name: invitee.name, password: invitee.password, passwordConfirm: invitee.password });
    await submit(invitePage, join);
    await invitePage.waitForURL(/\/app$/);
    await hydrated(invitePage);
    await expect.poll(() => invitePage.getByRole("heading", { level: 1 }).textContent()).toBe(`Bonjour ${invitee.firstName}`);
    expect(await invitePage.getByRole("main").getByText("Technique", { exact: true }).count()).toBe(1);
    expect(await header(invitePage).getByText(`${org.orgName} · Technique`).count()).toBe(1);
    await screenshot(invitePage, "07-invitee-dashboard");

    // The owner now sees the new member, and no pending invitation any more.
    await visitor.reload();
    await hydrated(visitor);
    expect(await visitor.getByRole("row").filter({ hasText: invitee.email }).filter({ hasText: invitee.name }).count()).toBe(1);
    expect(await visitor.getByRole("listitem").filter({ hasText: invitee.email }).count()).toBe(0);
    await screenshot(visitor, "06-members");
  });

  it("shows the account page", async () => {
    // The signed-in user's name in the top bar leads to the account page.
    await header(visitor).getByRole("link", { name: /^Mon compte/ }).click();
    await visitor.waitForURL(/\/app\/account$/);
    await hydrated(visitor);
    await expect.poll(() => visitor.getByRole("heading", { level: 1 }).textContent()).toBe("Mon compte");
    expect(await visitor.locator('[name="name"]').inputValue()).toBe(owner.name);
    expect(await visitor.locator('select[name="locale"]').inputValue()).toBe("fr");
    await screenshot(visitor, "13-account");
  });

  it("switches the owner to English, remembers it, and back to French", async () => {
    await open(visitor, "/app/members");
    await visitor.locator("form.lang-switch button[value=en]").first().click();
    const nav = header(visitor);
    await expect.poll(() => nav.getByRole("link", { name: "Members", exact: true }).count()).toBe(1);
    expect(await visitor.locator("html").getAttribute("lang")).toBe("en");
    expect(path(visitor)).toBe("/app/members");
    await expect.poll(() => visitor.getByRole("heading", { level: 1 }).textContent()).toBe("Organisation members");

    // Remembered across navigation and a full reload.
    await nav.getByRole("link", { name: "Dashboard", exact: true }).click();
    await visitor.waitForURL(/\/app$/);
    await expect.poll(() => visitor.getByRole("heading", { level: 1 }).textContent()).toBe(`Hello ${owner.firstName}`);
    await visitor.reload();
    await hydrated(visitor);
    expect(await visitor.locator("html").getAttribute("lang")).toBe("en");
    expect(await header(visitor).getByRole("link", { name: "Members", exact: true }).count()).toBe(1);
    expect(await visitor.getByRole("main").getByText("Verified", { exact: true }).count()).toBe(1);
    await screenshot(visitor, "14-dashboard-english");

    // Stored on the account too: the profile form shows English.
    await open(visitor, "/app/account");
    expect(await visitor.locator('select[name="locale"]').inputValue()).toBe("en");

    await visitor.locator("form.lang-switch button[value=fr]").first().click();
    await expect.poll(() => header(visitor).getByRole("link", { name: "Membres", exact: true }).count()).toBe(1);
    expect(await visitor.locator("html").getAttribute("lang")).toBe("fr");
    await visitor.reload();
    await hydrated(visitor);
    expect(await visitor.getByRole("heading", { level: 1 }).textContent()).toBe("Mon compte");
  });

  it("fits the dashboard on a 375-px-wide phone", async () => {
    const phone = await visitorContext.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    await open(phone, "/app");
    await expect.poll(() => phone.getByRole("heading", { level: 1 }).textContent()).toBe(`Bonjour ${owner.firstName}`);
    await screenshot(phone, "15-dashboard-phone");
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
    await phone.close();
  });
});

describe("page health", () => {
  it("saw no page errors, console errors or server errors", () => {
    expect(problems.errors).toEqual([]);
  });
});
