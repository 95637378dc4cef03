/**
 * Helpers for the end-to-end tests: a headless Debian Chromium driven by playwright-core,
 * full-page screenshots, and a record of every page error so a test can assert there was none.
 */
import { mkdirSync } from "node:fs";
import { expect } from "vitest";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));

/** The running portal, started by scripts/e2e.mjs. */
export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run the end-to-end tests with `npm run test:e2e`.");
  return url.replace(/\/+$/, "");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Form rejections the journey provokes on purpose (400 invalid, 401/403 refused, 409 conflict). */
const EXPECTED_REJECTION = /Failed to load resource: the server responded with a status of (400|401|403|409)\b/;

export interface ProblemLog {
  /** Uncaught exceptions, console errors (CSP violations included) and 5xx answers. */
  readonly errors: string[];
}

/** Everything that went wrong in any page of any context created through `newContext`. */
export const problems: ProblemLog = { errors: [] };

function watch(page: Page, label: string) {
  page.on("pageerror", (error) => problems.errors.push(`[${label}] page error on ${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (EXPECTED_REJECTION.test(text)) return;
    problems.errors.push(`[${label}] console error on ${page.url()}: ${text}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 500) problems.errors.push(`[${label}] HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  page.on("crash", () => problems.errors.push(`[${label}] page crashed on ${page.url()}`));
}

/** A separate browser session (its own cookies), whose pages are all watched for errors. */
export async function newContext(browser: Browser, label: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1280, height: 800 },
    locale: "fr-FR",
    timezoneId: "Africa/Lome",
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  context.on("page", (page) => watch(page, label));
  return context;
}

/** Save a full-page PNG as test/e2e/screenshots/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`;
  // Let fonts and layout settle so the picture matches what a person sees.
  await page.evaluate(() => document.fonts?.ready).catch(() => undefined);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/** The form that holds a field with this name (or a hidden intent with this value). */
export function formWith(page: Page, field: { name: string; value?: string }): Locator {
  const selector = field.value === undefined ? `[name="${field.name}"]` : `[name="${field.name}"][value="${field.value}"]`;
  return page.locator("form", { has: page.locator(selector) });
}

/** Fill named fields of a form, inputs and selects alike. */
export async function fill(form: Locator, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.locator(`[name="${name}"]`);
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    if (tag === "select") await field.selectOption(value);
    else await field.fill(value);
  }
}

/** React has hydrated the page: forms then submit through Remix, as users see them. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const body = document.body as (HTMLElement & Record<string, unknown>) | null;
    return Boolean(body && Object.keys(body).some((key) => key.startsWith("__reactFiber")));
  });
}

/** Go to a path of the portal and wait until the page is interactive. */
export async function open(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/**
 * Submit a form by its own submit button and return the POST answer's status
 * (the document, or Remix's data request when JavaScript handles the submission).
 */
export async function submit(page: Page, form: Locator, button?: Locator): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.request().frame() === page.mainFrame());
  await (button ?? form.locator("button").last()).click();
  const response = await answer;
  await settled(page);
  return response.status();
}

/**
 * On /ops/billing, start the run (or the issue) and wait for its end. The page already shows the
 * latest job of the site and month, which may be an earlier journey's, finished: only once this
 * POST and the page's revalidation are done is the job shown this one.
 */
export async function billingJob(page: Page, intent: "run" | "issue") {
  const status = await submit(page, formWith(page, { name: "intent", value: intent }), page.locator(`button[name="intent"][value="${intent}"]`));
  if (status >= 400) throw new Error(`the billing ${intent} was refused (${status})`);
  const done = page.locator(".billing-job[aria-live=polite]").filter({ hasText: intent === "run" ? "Facturation terminée" : "Émission terminée" });
  await expect.poll(() => done.count(), { timeout: 120_000, interval: 1_000 }).toBeGreaterThan(0);
}

/** Remix has finished the current submission, redirect and loader revalidation. */
export async function settled(page: Page) {
  await page.waitForFunction(() => {
    type RouterState = { navigation: { state: string }; revalidation: string };
    const router = (window as unknown as { __remixRouter?: { state: RouterState } }).__remixRouter;
    return !router || (router.state.navigation.state === "idle" && router.state.revalidation === "idle");
  });
}

/** The demo accounts' password (seeds/demo.ts). */
export const DEMO_PASSWORD = "Demo-Colo-2026!";

/** Sign in through the form as a user sees it, and wait until the next page is interactive. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await open(page, "/signin");
  const form = formWith(page, { name: "password" });
  await fill(form, { email, password });
  const status = await submit(page, form);
  if (status >= 400) throw new Error(`sign-in of ${email} answered ${status}`);
  await page.waitForURL((url) => url.pathname !== "/signin");
  await hydrated(page);
}

/** A full-page screenshot from the top of the page (a scrolled page would draw its sticky header mid-page). */
export async function screenshotFromTop(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

/** What has keyboard focus: enough to say where it is, and whether it shows (an outline or a box shadow). */
export interface Focused {
  tag: string;
  id: string;
  name: string;
  role: string;
  className: string;
  /** The visible text, spaces collapsed, at most 120 characters. */
  text: string;
  href: string;
  /** An outline (width > 0) or a box shadow is computed on the element. */
  ringed: boolean;
  /** Inside <main>. */
  inMain: boolean;
}

export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", id: "", name: "", role: "", className: "", text: "", href: "", ringed: false, inMain: false };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = Boolean(style.boxShadow) && style.boxShadow !== "none";
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute("name") ?? "",
      role: el.getAttribute("role") ?? "",
      className: typeof el.className === "string" ? el.className : "",
      text: (el.innerText ?? "").replace(/\s+/g, " ").trim().slice(0, 120),
      href: el.getAttribute("href") ?? "",
      ringed: outline || shadow,
      inMain: Boolean(el.closest("main")),
    };
  });
}

/**
 * Press Tab (Shift+Tab with `back`) until focus is on an element matching `selector` (and whose text
 * contains `text`, when given); at most `max` presses, then fail with where focus went. Returns the
 * number of presses: the tab stops a keyboard user goes through.
 */
export async function tabTo(page: Page, selector: string, options: { text?: string; back?: boolean; max?: number } = {}): Promise<number> {
  const { text, back = false, max = 120 } = options;
  const seen: string[] = [];
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const there = await page.evaluate(
      ({ selector, text }) => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return { hit: false, label: "body" };
        const own = (el.innerText ?? "").replace(/\s+/g, " ").trim();
        const hit = el.matches(selector) && (text === undefined || own.includes(text));
        return { hit, label: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""} "${own.slice(0, 40)}"` };
      },
      { selector, text },
    );
    if (there.hit) return presses;
    seen.push(there.label);
  }
  throw new Error(`no ${selector}${text ? ` with "${text}"` : ""} within ${max} ${back ? "Shift+Tab" : "Tab"} presses; focus went through: ${seen.join(" → ")}`);
}

/** Press a key that sends a form and return the POST answer's status once Remix has settled. */
export async function pressToSubmit(page: Page, key = "Enter"): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.request().frame() === page.mainFrame());
  await page.keyboard.press(key);
  const response = await answer;
  await settled(page);
  return response.status();
}
