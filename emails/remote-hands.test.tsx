import { renderEmail, type EmailMessage } from "#emails/index";
import { REMOTE_HANDS_TEMPLATES } from "#emails/remote-hands";
import type { Locale } from "~/i18n";

const url = "https://portail.example.org/app/desk/tickets/4b1f";
const props = {
  ticketRef: "RH-LDC-2026-0042",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  kind: "reboot" as const,
  urgency: "urgent" as const,
  actorName: "Serge Nkounkou",
  text: "Serveur redémarré\n<script>alert(1)</script>",
  billedMinutes: 30,
  amountMinor: 26_250,
  currency: "XOF",
  url,
};

describe.each(REMOTE_HANDS_TEMPLATES)("%s", (template) => {
  it.each<Locale>(["fr", "en"])("renders in %s with the reference in the subject and the body, the link, the text escaped", async (locale) => {
    const mail = await renderEmail(locale, { template, props } as EmailMessage);
    expect(mail.subject).toContain("RH-LDC-2026-0042");
    expect(mail.text).toContain("RH-LDC-2026-0042");
    expect(mail.html).toContain(`lang="${locale}"`);
    expect(mail.text).toContain(url);
    expect(mail.text).not.toMatch(/\{\w+\}|undefined/);
    expect(mail.html).not.toContain("<script>");
  });
});

it("the close tells the time billed and the amount in the reader's language", async () => {
  const fr = await renderEmail("fr", { template: "remote_hands_closed", props });
  const en = await renderEmail("en", { template: "remote_hands_closed", props });
  expect(fr.subject).toBe("Intervention RH-LDC-2026-0042 terminée – Lomé Data Centre");
  expect(en.subject).toBe("Remote hands RH-LDC-2026-0042 done – Lomé Data Centre");
  expect(fr.text.replace(/[\u00a0\u202f]/g, " ")).toContain("Temps facturé : 30 minutes, soit 26 250 F CFA");
  expect(en.text.replace(/[\u00a0\u202f]/g, " ")).toContain("Time billed: 30 minutes, that is F CFA 26,250");
  expect(fr.text).toContain("Serveur redémarré");
});
