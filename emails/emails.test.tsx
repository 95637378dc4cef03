import { renderEmail, type EmailMessage } from "#emails/index";
import { formatDate, formatMoney, formatNumber, t, type Locale } from "~/i18n";

const url = "https://portail.example.org/auth/link?token=Zx9_abc-123&next=%2Fapp";

const samples: EmailMessage[] = [
  { template: "verify_email", props: { name: "Awa Mensah", url } },
  { template: "invitation", props: { orgName: "Togo Cloud SARL", inviterName: "Kossi Agbeko", role: "billing", url } },
  { template: "password_reset", props: { name: "Awa Mensah", url } },
  {
    template: "request_received",
    props: {
      orgName: "Togo Cloud SARL",
      siteName: "Lomé 1",
      requestRef: "REQ-2026-0042",
      lines: [
        { label: "Baie complète 42U", quantity: 2 },
        { label: "Engagement électrique (kW)", quantity: 1500 },
      ],
      desiredStartOn: "2026-12-01",
      url,
    },
  },
  {
    template: "request_approved",
    props: {
      orgName: "Togo Cloud SARL",
      siteName: "Lomé 1",
      requestRef: "REQ-2026-0042",
      startOn: "2026-12-01",
      allocations: ["Baie A03 (Salle 1) — U1 à U10", "Port 12 du commutateur SW-LFW-01"],
      monthlyMinor: 1_250_000,
      currency: "XOF",
      url,
    },
  },
  {
    template: "request_rejected",
    props: {
      orgName: "Togo Cloud SARL",
      siteName: "Lomé 1",
      requestRef: "REQ-2026-0042",
      reason: "La salle 1 n’a plus de baie complète disponible avant mars 2027.\nNous pouvons proposer deux demi-baies en salle 2.",
      url,
    },
  },
  {
    template: "request_cancelled",
    props: { orgName: "Togo Cloud SARL", siteName: "Lomé 1", requestRef: "REQ-2026-0042", cancelledBy: "Awa Mensah", url },
  },
  { template: "org_verified", props: { orgName: "Togo Cloud SARL", url } },
  { template: "org_suspended", props: { orgName: "Togo Cloud SARL", reason: "RCCM expiré.\nMerci de nous transmettre le nouveau.", url } },
  {
    template: "termination_requested",
    props: {
      orgName: "Togo Cloud SARL",
      siteName: "Lomé 1",
      contractRef: "3F2A9C1D",
      endOn: "2027-06-30",
      requesterName: "Awa Mensah",
      details: "Nous regroupons nos serveurs à Kinshasa.",
      url,
    },
  },
  {
    template: "termination_applied",
    props: { orgName: "Togo Cloud SARL", siteName: "Lomé 1", contractRef: "3F2A9C1D", endOn: "2027-06-30", note: null, url },
  },
];

const sample = <T extends EmailMessage["template"]>(template: T) =>
  samples.find((m) => m.template === template) as Extract<EmailMessage, { template: T }>;

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

  it("acknowledges a request with its lines, the desired start date and the 2-working-day answer", async () => {
    const message = sample("request_received");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Demande REQ-2026-0042 bien reçue – Lomé 1");
    expect(fr.text).toContain("REQ-2026-0042");
    expect(fr.html).toContain("Baie complète 42U");
    expect(fr.text).toMatch(/Baie complète 42U +2\n/);
    expect(fr.text).toContain(`Engagement électrique (kW)`);
    expect(fr.text).toContain(formatNumber(1500, "fr")); // 1 500 with a narrow no-break space
    expect(fr.text).toContain(formatDate("2026-12-01", "fr"));
    expect(fr.text).toContain("2 jours ouvrés");
    expect(fr.text).toContain("Voir ma demande");
    const en = await renderEmail("en", message);
    expect(en.text).toMatch(/Item +Quantity\n/);
    expect(en.text).toContain("1,500");
    expect(en.text).toContain("Dec 1, 2026");
    expect(en.text).toContain("2 working days");
    expect(en.text).toContain("View my request");
  });

  it("announces an approval with the start date, the resources and the monthly amount in the locale's format", async () => {
    const message = sample("request_approved");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Demande REQ-2026-0042 approuvée – Lomé 1");
    expect(fr.text).toContain(formatDate("2026-12-01", "fr"));
    expect(fr.html).toContain("<li");
    expect(fr.text).toContain("Baie A03 (Salle 1) — U1 à U10");
    expect(fr.text).toContain("Port 12 du commutateur SW-LFW-01");
    // Intl writes French thousands with U+202F (narrow no-break space), and U+00A0 before the symbol.
    const amount = formatMoney(1_250_000, "XOF", "fr");
    expect(amount.replace(/[\u202f\u00a0]/g, " ")).toBe("1 250 000 F CFA");
    expect(fr.text).toContain(`${amount} HT`);
    expect(fr.html).toContain(amount);
    expect(fr.text).toContain("Voir mes services");
    const en = await renderEmail("en", { ...message, props: { ...message.props, monthlyMinor: 123_456, currency: "USD" } });
    expect(en.text).toContain("$1,234.56 excl. VAT");
    expect(en.html).toContain("$1,234.56");
    expect(en.text).toContain("Dec 1, 2026");
    expect(en.text).toContain("View my services");
    expect(en.text).toContain("“My services”");
  });

  it("shows the operator's reason for a rejection and invites a new request", async () => {
    const message = sample("request_rejected");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Votre demande REQ-2026-0042 n’a pas pu être acceptée");
    expect(fr.html).toContain("La salle 1 n’a plus de baie complète disponible avant mars 2027.");
    // Line breaks of the reason are kept.
    expect(fr.html).toMatch(/mars 2027\.<br\/?>Nous pouvons/);
    expect(fr.text).toContain("avant mars 2027.\nNous pouvons proposer deux demi-baies en salle 2.");
    expect(fr.text).toContain("soumettre une nouvelle demande");
    const en = await renderEmail("en", message);
    expect(en.text).toContain("Reason given by the data centre:");
    expect(en.text).toContain("Nous pouvons proposer deux demi-baies en salle 2.");
    expect(en.text).toContain("submit a new request");
  });

  it("escapes the rejection reason", async () => {
    const message = sample("request_rejected");
    const mail = await renderEmail("en", {
      ...message,
      props: { ...message.props, reason: `<script>alert("x")</script> & <b>no</b>` },
    });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain("<b>no</b>");
    expect(mail.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;no&lt;/b&gt;");
    // The text version shows the reason as typed (it is plain text, nothing is interpreted).
    expect(mail.text).toContain(`<script>alert("x")</script> & <b>no</b>`);
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

describe("organisation, termination and cancellation notices", () => {
  it("tells owners their organisation is verified and invites a first request", async () => {
    const fr = await renderEmail("fr", sample("org_verified"));
    expect(fr.subject).toBe("Votre organisation Togo Cloud SARL est vérifiée");
    expect(fr.text).toContain("Faire une demande");
    expect(fr.text).toContain("propriétaire ou administrateur");
    const en = await renderEmail("en", sample("org_verified"));
    expect(en.subject).toBe("Your organisation Togo Cloud SARL is verified");
    expect(en.text).toContain("Make a request");
  });

  it("gives the suspension's reason when there is one, and no empty quote otherwise", async () => {
    const message = sample("org_suspended");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Votre organisation Togo Cloud SARL est suspendue");
    expect(fr.text).toContain(`Motif indiqué par le centre de données\u00a0:`);
    expect(fr.text).toContain("RCCM expiré.\nMerci de nous transmettre le nouveau.");
    expect(fr.html).toMatch(/RCCM expiré\.<br\/?>Merci/);
    const none = await renderEmail("en", { ...message, props: { ...message.props, reason: null } });
    expect(none.subject).toBe("Your organisation Togo Cloud SARL is suspended");
    expect(none.text).not.toContain("Reason given");
    expect(none.text).toContain("no new request can be submitted");
  });

  it("asks the operators to handle a termination, with the last day in the locale's format and the tenant's words escaped", async () => {
    const message = sample("termination_requested");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Demande de résiliation – contrat 3F2A9C1D de Togo Cloud SARL");
    expect(fr.text).toContain(`Awa Mensah demande, au nom de Togo Cloud SARL, la résiliation du contrat 3F2A9C1D au site Lomé 1`);
    expect(fr.text).toContain(formatDate("2027-06-30", "fr"));
    expect(fr.text).toContain("Nous regroupons nos serveurs à Kinshasa.");
    expect(fr.text).toContain("Traiter la demande");
    const en = await renderEmail("en", { ...message, props: { ...message.props, details: "<b>now</b>" } });
    expect(en.text).toContain("Jun 30, 2027");
    expect(en.html).not.toContain("<b>now</b>");
    expect(en.html).toContain("&lt;b&gt;now&lt;/b&gt;");
  });

  it("confirms an applied termination to the tenant with its last day of service", async () => {
    const message = sample("termination_applied");
    const fr = await renderEmail("fr", message);
    expect(fr.subject).toBe("Résiliation du contrat 3F2A9C1D confirmée – Lomé 1");
    expect(fr.text).toContain(`Le dernier jour de service est le ${formatDate("2027-06-30", "fr")}`);
    expect(fr.text).not.toContain("Note du centre de données");
    const en = await renderEmail("en", { ...message, props: { ...message.props, note: "Cables removed on July 1." } });
    expect(en.text).toContain("The last day of service is Jun 30, 2027");
    expect(en.text).toContain("Note from the data centre:");
    expect(en.text).toContain("Cables removed on July 1.");
  });

  it("says who cancelled a request", async () => {
    const fr = await renderEmail("fr", sample("request_cancelled"));
    expect(fr.subject).toBe("Demande REQ-2026-0042 annulée – Lomé 1");
    expect(fr.text).toContain("Awa Mensah a annulé la demande REQ-2026-0042 de Togo Cloud SARL pour le site Lomé 1.");
    const en = await renderEmail("en", sample("request_cancelled"));
    expect(en.text).toContain("Awa Mensah cancelled request REQ-2026-0042 of Togo Cloud SARL for the Lomé 1 site.");
  });
});
