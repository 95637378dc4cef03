/**
 * A delivery, in Chromium, on the demo data (issue 13): Kossi Digital's owner announces a shipment to
 * Lomé for its rack A01; the NOC operator receives it (parcels counted, good condition) and leaves it
 * at the rack; the tenant then reads the whole timeline on the delivery's page. Screenshots of the
 * tenant's list, form and delivery page and of the operator's queue and delivery page are saved.
 *
 * Each step builds on the previous one (the suite bails at the first failure).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { deliveriesFr as fr } from "../../app/i18n/areas/deliveries";
import { fill, formWith, launchBrowser, newContext, open, problems, screenshotFromTop, signIn, submit } from "./support";

const KOSSI_OWNER = "owner@kossi.demo.test";
const NOC = "noc@ops.demo.test";
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const TRACKING = `JD0146${run}`.toUpperCase();
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

let browser: Browser;
let tenantContext: BrowserContext;
let operatorContext: BrowserContext;
let tenant: Page;
let operator: Page;
const state = { id: "" };

let failed = false;
beforeEach((context) => {
  if (failed) context.skip();
});
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || failed) return;
  failed = true;
  for (const [label, page] of Object.entries({ tenant, operator })) {
    if (page && !page.isClosed() && page.url() !== "about:blank") await screenshotFromTop(page, `failed-deliveries-${label}`).catch(() => undefined);
  }
});

/** The timeline's steps as the tenant reads them. */
const timeline = (page: Page) => page.getByTestId("delivery-timeline").locator("li > span:first-child").allTextContents().then((t) => t.map(plain));
const badge = (page: Page) => page.locator(".page-head .badge").first().textContent().then(plain);

describe("a delivery: announced by the tenant, received and left at the rack by the NOC", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    tenantContext = await newContext(browser, "tenant");
    operatorContext = await newContext(browser, "operator");
    tenant = await tenantContext.newPage();
    operator = await operatorContext.newPage();
  });

  afterAll(async () => {
    if (problems.errors.length) console.error(`Page problems seen:\n  ${problems.errors.join("\n  ")}`);
    await browser?.close();
    expect(problems.errors).toEqual([]);
  });

  it("the tenant's list shows the demo parcels kept too long, and the form refuses a parcel count of 0", async () => {
    await signIn(tenant, KOSSI_OWNER);
    await open(tenant, "/app/desk/deliveries");
    await expect.poll(() => tenant.getByRole("heading", { level: 1 }).textContent()).toBe(fr["deliveries.title"]);
    expect(plain(await tenant.getByRole("main").textContent())).toContain(fr["deliveries.flag.keptTooLong"]);
    await screenshotFromTop(tenant, "deliveries-tenant-list");
    await tenant.getByRole("link", { name: fr["deliveries.announceLink"] }).click();
    await tenant.waitForURL(/\/app\/desk\/deliveries\/new$/);
    await open(tenant, "/app/desk/deliveries/new");
    const form = formWith(tenant, { name: "trackingNumber" });
    const rack = await form.locator('select[name="rackId"] option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? "" })));
    const a01 = rack.find((o) => o.label.startsWith("A01"));
    expect(a01, rack.map((o) => o.label).join(" | ")).toBeDefined();
    await form.locator('select[name="siteId"]').selectOption({ label: (await form.locator('select[name="siteId"] option').allTextContents()).find((l) => l.startsWith("LDC"))! });
    await fill(form, { carrier: "DHL Express", trackingNumber: TRACKING, parcels: "0", purpose: `Deux serveurs 1U (${run})`, rackId: a01!.value });
    expect(await submit(tenant, form)).toBe(400);
    await expect.poll(() => tenant.locator("#f-parcels-error").textContent()).toBe(fr["deliveries.error.parcelsRange"]);
    await screenshotFromTop(tenant, "deliveries-tenant-new-refused");
  });

  it("announces 3 parcels for today at Lomé, rack A01", async () => {
    const form = formWith(tenant, { name: "trackingNumber" });
    await fill(form, { parcels: "3" });
    const navigated = tenant.waitForURL(new RegExp(`/app/desk/deliveries/${UUID}$`));
    await submit(tenant, form);
    await navigated;
    state.id = new URL(tenant.url()).pathname.split("/").pop()!;
    expect(await badge(tenant)).toBe(fr["deliveries.status.announced"]);
    expect(await timeline(tenant)).toEqual([expect.stringContaining(fr["deliveries.timeline.announced"])]);
  });

  it("the NOC finds it in Lomé's queue, receives 3 parcels in good condition and leaves them at the rack", async () => {
    await signIn(operator, NOC);
    await open(operator, "/ops/desk/LDC/deliveries");
    const row = operator.getByRole("row").filter({ hasText: TRACKING });
    await expect.poll(() => row.count()).toBe(1);
    await screenshotFromTop(operator, "deliveries-ops-queue");
    await row.getByRole("link").first().click();
    await operator.waitForURL(new RegExp(`/ops/desk/deliveries/${state.id}$`));
    await open(operator, `/ops/desk/deliveries/${state.id}`);
    const receive = formWith(operator, { name: "intent", value: "receive" });
    await fill(receive, { parcelsReceived: "3" });
    expect(await submit(operator, receive)).toBe(200);
    await expect.poll(() => badge(operator)).toBe(fr["deliveries.status.received"]);
    await screenshotFromTop(operator, "deliveries-ops-received");
    const deliver = formWith(operator, { name: "intent", value: "deliver" });
    expect(await submit(operator, deliver)).toBe(200);
    await expect.poll(() => badge(operator)).toBe(fr["deliveries.status.delivered"]);
  });

  it("the tenant sees the timeline: announced, received, left at the rack", async () => {
    await open(tenant, `/app/desk/deliveries/${state.id}`);
    expect(await badge(tenant)).toBe(fr["deliveries.status.delivered"]);
    const steps = await timeline(tenant);
    expect(steps.map((s) => s.split(" par ")[0])).toEqual([fr["deliveries.timeline.announced"], fr["deliveries.timeline.received"], fr["deliveries.timeline.delivered"]]);
    // The operator's name stays inside the data centre.
    expect(steps.slice(1).every((s) => !s.includes("Serge"))).toBe(true);
    expect(plain(await tenant.getByRole("main").textContent())).toContain("3 colis reçus sur 3 annoncés");
    await screenshotFromTop(tenant, "deliveries-tenant-timeline");
  });
});
