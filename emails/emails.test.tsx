import { renderEmail, type EmailMessage } from "#emails/index";
import { t, type Locale } from "~/i18n";

const url = "https://portail.example.org/auth/link?token=Zx9_abc-123&next=%2Fapp";

const samples: EmailMessage[] = [
  { template: "verify_email", props: { name: "Awa Mensah", url } },
  { template: "invitation", props: { orgName: "Togo Cloud SARL", inviterName: "Kossi Agbeko", role: "billing", url } },
  { template: "password_reset", props: { name: "Awa Mensah", url } },
];

const htmlUrl = url.replace(/&/g, "&amp;");

describe.each(samples)("$template", (message) => {
  it.each<Locale>(["fr", "en"])("renders in %s with the link in the HTML and the text", async (locale) => {
    const mail = await renderEmail(locale, message);
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.html).toContain(`lang="${locale}"`);
    expect(mail.html).toContain(`href="${htmlUrl}"`);
    expect(mail.html).toContain(t(locale, "app.name"));
    expect(mail.text).toContain(url);
    expect(mail.text).not.toMatch(/<[a-z]/i);
    // React 18 can leak NUL bytes into streamed HTML; Gmail truncates at one, PostgreSQL rejects it.
    expect(mail.html).not.toContain("\u0000");
    expect(mail.text).toContain(t(locale, "app.name"));
  });

  it("has a different subject and body in French and English", async () => {
    const fr = await renderEmail("fr", message);
    const en = await renderEmail("en", message);
    expect(fr.subject).not.toBe(en.subject);
    expect(fr.text).not.toBe(en.text);
  });
});

describe("copy", () => {
  it("greets the user by name and states how long the link lasts", async () => {
    const fr = await renderEmail("fr", samples[0]);
    expect(fr.subject).toBe("Confirmez votre adresse e-mail");
    expect(fr.text).toContain("Bonjour Awa Mensah,");
    expect(fr.text).toContain("24 heures");
    const en = await renderEmail("en", samples[0]);
    expect(en.text).toContain("Hello Awa Mensah,");
    expect(en.text).toContain("24 hours");
  });

  it("shows the invitation's organisation, inviter and localized role", async () => {
    const fr = await renderEmail("fr", samples[1]);
    expect(fr.subject).toBe("Kossi Agbeko vous invite à rejoindre Togo Cloud SARL");
    expect(fr.text).toContain(`«\u00a0${t("fr", "role.billing")}\u00a0»`);
    expect(fr.html).toContain("Facturation");
    expect(fr.text).toContain("7 jours");
    const en = await renderEmail("en", { ...samples[1], props: { ...samples[1].props, role: "viewer" } } as EmailMessage);
    expect(en.text).toContain("“Viewer”");
    expect(en.text).not.toContain("viewer”");
    expect(en.text).toContain("7 days");
  });

  it("tells the user to ignore an unrequested password reset", async () => {
    const fr = await renderEmail("fr", samples[2]);
    expect(fr.text).toContain("1 heure");
    expect(fr.text).toMatch(/Si vous n’avez pas demandé .* ignorez cet e-mail/);
    const en = await renderEmail("en", samples[2]);
    expect(en.text).toContain("1 hour");
    expect(en.text).toMatch(/If you did not ask .* ignore this email/);
  });

  it("says why the recipient gets the message", async () => {
    for (const message of samples) {
      expect((await renderEmail("fr", message)).text).toContain("Vous recevez cet e-mail parce qu");
      expect((await renderEmail("en", message)).text).toContain("You are receiving this email because");
    }
  });

  it("escapes user-supplied names and keeps the subject on one line", async () => {
    const mail = await renderEmail("en", {
      template: "invitation",
      props: { orgName: "<b>Evil</b>\r\nBcc: x@example.org", inviterName: "Mallory", role: "owner", url },
    });
    expect(mail.html).not.toContain("<b>Evil</b>");
    expect(mail.html).toContain("&lt;b&gt;Evil&lt;/b&gt;");
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});
