/**
 * Site access in Chromium: a tenant registers a visitor for today → an operator approves the visit
 * → the visitor is on the security desk list of the site and day and is checked in there → the
 * printable list (PDF) names the visitor, and is rendered to PNG for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { pdfText } from "../support/pdf";
import { formWith, hydrated, launchBrowser, newContext, open, problems, screenshotFromTop, SCREENSHOT_DIR, settled, signIn, submit } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Today at Lomé (UTC+0, no daylight saving) and a window from this hour to four hours later (ending 23:59 at the latest). */
function todayWindow() {
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  const hour = now.getUTCHours();
  const end = Math.min(23 * 60 + 59, (hour + 4) * 60);
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { day, start: hm(hour * 60), end: hm(end) };
}

const visitor = `Afi Mensah ${Date.now().toString(36).toUpperCase()}`;
let visitPath = "";

describe("site access", () => {
  test("a tenant registers a visitor for today", async () => {
    const context = await newContext(browser, "tenant");
    const page = await context.newPage();
    await signIn(page, "owner@kossi.demo.test");
    await open(page, "/app/desk/visits/new");
    await screenshotFromTop(page, "site-access-new");
    const form = formWith(page, { name: "visitorName" });
    await form.locator('[name="siteId"]').selectOption({ label: "LDC · Lomé Data Centre" });
    const w = todayWindow();
    await form.locator('[name="visitOn"]').fill(w.day);
    await form.locator('[name="windowStart"]').fill(w.start);
    await form.locator('[name="windowEnd"]').fill(w.end);
    await form.locator('[name="visitorName"]').fill(visitor);
    await form.locator('[name="company"]').fill("Kossi Digital");
    await form.locator('[name="idDocType"]').selectOption("national_id");
    await form.locator('[name="idDocNumber"]').fill("TG-0045128833");
    const racks = form.locator('input[name="rackIds"]');
    if (!(await racks.first().isChecked())) await racks.first().check();
    await form.locator('[name="escortNeeded"]').check();
    const status = await submit(page, form, form.getByRole("button", { name: "Enregistrer la visite" }));
    expect(status).toBeLessThan(400);
    await page.waitForURL(/\/app\/desk\/visits\/[0-9a-f-]{36}$/);
    await hydrated(page);
    visitPath = new URL(page.url()).pathname;
    expect(await page.locator("main").textContent()).toContain(visitor);
    expect(await page.locator("main").textContent()).toContain("À valider");
    expect(await page.locator("main").textContent()).toContain("TG-0045128833");
    await screenshotFromTop(page, "site-access-visit-tenant");
    await open(page, "/app/desk/visits");
    expect(await page.locator("main").textContent()).toContain(visitor);
    await screenshotFromTop(page, "site-access-visits");
    await open(page, "/app/desk/badges");
    await screenshotFromTop(page, "site-access-badges");
    await context.close();
  });

  test("an operator approves it; it is on the desk list, checked in; the PDF names the visitor", async () => {
    const context = await newContext(browser, "noc");
    const page: Page = await context.newPage();
    await signIn(page, "noc@ops.demo.test");
    await open(page, "/ops/desk/LDC/visits");
    const row = page.locator("tr", { hasText: visitor });
    await row.locator("a").first().click();
    await page.waitForURL(/\/ops\/desk\/visits\/[0-9a-f-]{36}$/);
    await hydrated(page);
    expect(new URL(page.url()).pathname.split("/").pop()).toBe(visitPath.split("/").pop());
    await screenshotFromTop(page, "site-access-visit-ops");
    const approve = formWith(page, { name: "intent", value: "approve" });
    expect(await submit(page, approve)).toBe(200);
    expect(await page.locator("main").textContent()).toContain("Visite validée");

    const day = todayWindow().day;
    await open(page, `/ops/desk/LDC/security-list?day=${day}`);
    const listed = page.locator("tbody tr", { hasText: visitor });
    expect(await listed.count()).toBe(1);
    expect(await listed.textContent()).toContain("TG-0045128833");
    const checkIn = listed.locator("form", { has: page.locator('[name="intent"][value="checkIn"]') });
    expect(await submit(page, checkIn)).toBe(200);
    await settled(page);
    expect(await page.locator(".alert--success").textContent()).toContain("Entrée enregistrée");
    expect(await page.locator("tbody tr", { hasText: visitor }).textContent()).toMatch(/Entrée \d\d:\d\d/);
    await screenshotFromTop(page, "site-access-security-list");

    const pdf = await page.request.get(`/ops/desk/LDC/security-list.pdf?day=${day}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const bytes = await pdf.body();
    const file = `${SCREENSHOT_DIR}site-access-security-list.pdf`;
    writeFileSync(file, bytes);
    execFileSync("pdftoppm", ["-png", "-r", "80", "-singlefile", file, `${SCREENSHOT_DIR}site-access-security-list-pdf`]);
    const { text, numPages } = await pdfText(new Uint8Array(bytes));
    expect(numPages).toBe(1);
    expect(text).toContain(visitor);
    expect(text).toContain("LISTE DU POSTE DE SÉCURITÉ");
    expect(text).toContain("TG-0045128833");

    await open(page, "/ops/desk/LDC/badges");
    await screenshotFromTop(page, "site-access-badges-ops");
    await context.close();
  });

  test("no page error, no 5xx", () => {
    expect(problems.errors).toEqual([]);
  });
});
