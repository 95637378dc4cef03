import { renderEmail, type EmailMessage } from "#emails/index";
import { SITE_ACCESS_TEMPLATES } from "#emails/site-access";
import type { Locale } from "~/i18n";

const url = "https://portail.example.org/app/desk/visits/4b1f";
const props = {
  visitRef: "VI-4B1F0A2C",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  personName: "Afi Mensah",
  company: "Kossi Digital SARL",
  idDocType: "national_id" as const,
  idNumberMasked: "•••••5678",
  date: "2026-03-15",
  windowStart: "09:00",
  windowEnd: "12:30",
  escortNeeded: true,
  daysBefore: 7,
  text: "Pièce expirée\n<script>alert(1)</script>",
  url,
};

describe.each(SITE_ACCESS_TEMPLATES)("%s", (template) => {
  it.each<Locale>(["fr", "en"])("renders in %s with the person, the site, the masked number and the link", async (locale) => {
    const mail = await renderEmail(locale, { template, props } as EmailMessage);
    expect(mail.subject).toContain("Afi Mensah");
    expect(mail.html).toContain(`lang="${locale}"`);
    expect(mail.text).toContain(url);
    expect(mail.text).toContain("Lomé Data Centre");
    if (template !== "site_access_refused") expect(mail.text).toContain("•••••5678");
    expect(mail.text).not.toContain("undefined");
    expect(mail.text).not.toMatch(/\{\w+\}/);
    expect(mail.html).not.toContain("<script>");
  });
});

it("differs between French and English; the window and the date read in the locale", async () => {
  const fr = await renderEmail("fr", { template: "site_access_approved", props });
  const en = await renderEmail("en", { template: "site_access_approved", props });
  expect(fr.subject).toBe("Visite validée – Afi Mensah – Lomé Data Centre le 15 mars 2026");
  expect(en.subject).toBe("Visit approved – Afi Mensah – Lomé Data Centre on Mar 15, 2026");
  expect(fr.text).toContain("09:00–12:30");
  expect(fr.text).toContain("accompagnement");
  const refused = await renderEmail("fr", { template: "site_access_refused", props });
  expect(refused.text).toContain("Pièce expirée");
  expect(refused.text).toContain("VI-4B1F0A2C");
});
