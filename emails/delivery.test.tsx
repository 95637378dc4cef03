import { renderEmail, type EmailMessage } from "#emails/index";
import { DELIVERY_TEMPLATES } from "#emails/delivery";
import type { Locale } from "~/i18n";

const url = "https://portail.example.org/app/desk/deliveries/4b1f";
const props = {
  ref: "DL-4B1F0A2C",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  carrier: "DHL Express",
  trackingNumber: "JD014600006281230",
  parcels: 3,
  rackName: "A03",
  date: "2026-03-24",
  text: "Carton enfoncé\n<script>alert(1)</script>",
  url,
};

describe.each(DELIVERY_TEMPLATES)("%s", (template) => {
  it.each<Locale>(["fr", "en"])("renders in %s with the reference, the shipment and the link", async (locale) => {
    const mail = await renderEmail(locale, { template, props } as EmailMessage);
    expect(mail.subject).toContain("DL-4B1F0A2C");
    expect(mail.html).toContain(`lang="${locale}"`);
    expect(mail.text).toContain(url);
    expect(mail.text).toContain("JD014600006281230");
    expect(mail.text).not.toMatch(/\{\w+\}/);
    expect(mail.html).not.toContain("<script>");
  });
});

it("reads the keeping day in the reader's language and quotes the damage note", async () => {
  const fr = await renderEmail("fr", { template: "delivery_received_damaged", props });
  const en = await renderEmail("en", { template: "delivery_received_damaged", props });
  expect(fr.subject).toBe("Livraison reçue endommagée – DL-4B1F0A2C – Lomé Data Centre");
  expect(en.subject).toBe("Delivery received damaged – DL-4B1F0A2C – Lomé Data Centre");
  expect(fr.text).toContain("jusqu’au 24 mars 2026 inclus");
  expect(en.text).toContain("until Mar 24, 2026 inclusive");
  expect(fr.text).toContain("Carton enfoncé");
});
