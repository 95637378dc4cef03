import { renderEmail, type EmailMessage } from "#emails/index";
import { CROSS_CONNECT_TEMPLATES } from "#emails/cross-connect";
import type { Locale } from "~/i18n";

const url = "https://portail.example.org/app/cross-connects/4b1f";
const props = {
  reference: "XC-4B1F0A2C",
  siteName: "Lomé Data Centre",
  aOrgName: "Kossi Digital",
  zName: "Togo Cloud SARL",
  media: "smf" as const,
  date: "2026-03-15",
  text: "perte 0,4 dB\n<script>alert(1)</script>",
  actorName: "Awa Mensah",
  url,
};

describe.each(CROSS_CONNECT_TEMPLATES)("%s", (template) => {
  it.each<Locale>(["fr", "en"])("renders in %s with the reference, both parties and the link", async (locale) => {
    const mail = await renderEmail(locale, { template, props } as EmailMessage);
    expect(mail.subject).toMatch(/XC-4B1F0A2C|Kossi Digital/);
    expect(mail.html).toContain(`lang="${locale}"`);
    expect(mail.text).toContain(url);
    expect(mail.text).toContain("Kossi Digital");
    expect(mail.text).toContain("Togo Cloud SARL");
    expect(mail.text).not.toMatch(/\{\w+\}/);
    expect(mail.text).not.toContain("undefined");
    expect(mail.html).not.toContain("<script>");
  });
});

it("differs between French and English, and dates read in the locale", async () => {
  const fr = await renderEmail("fr", { template: "cross_connect_installed", props });
  const en = await renderEmail("en", { template: "cross_connect_installed", props });
  expect(fr.subject).toBe("Interconnexion XC-4B1F0A2C installée le 15 mars 2026");
  expect(en.subject).toBe("Cross-connect XC-4B1F0A2C installed on Mar 15, 2026");
  expect(fr.text).toContain("perte 0,4 dB");
});

it("shows no empty quote when there is no text", async () => {
  const mail = await renderEmail("fr", { template: "cross_connect_declined", props: { ...props, text: null } });
  expect(mail.text).not.toContain("Motif");
});
