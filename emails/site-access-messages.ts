import type { Locale } from "~/i18n";
import type { EmailCopy } from "./messages";

/**
 * The words of the site-access e-mails (emails/site-access.tsx), French and English, spread into
 * `messages` (messages.ts). Placeholders: {ref} (VI-…), {siteName}, {orgName}, {personName} (the
 * visitor or the badge holder), {company}, {idDoc} (document type and MASKED number), {date},
 * {window} (09:00–17:00, site time), {escort}, {daysBefore}.
 */

export const SITE_ACCESS_TEMPLATES = ["site_access_requested", "site_access_approved", "site_access_refused", "site_access_badge_expiring"] as const;
export type SiteAccessTemplate = (typeof SITE_ACCESS_TEMPLATES)[number];

const tenantFooterFr = "Vous recevez cet e-mail parce que vous êtes propriétaire, administrateur ou membre technique de {orgName} sur le {appName}.";
const tenantFooterEn = "You are receiving this email because you are an owner, an admin or a technical member of {orgName} on the {appName}.";
const opsFooterFr = "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet de traiter les visites sur le {appName}.";
const opsFooterEn = "You are receiving this email because your operator role lets you handle visits on the {appName}.";

export const siteAccessMessages = {
  site_access_requested: {
    fr: {
      subject: "Visite à valider – {personName} ({orgName}) – {siteName} le {date}",
      preview: "{orgName} annonce la visite de {personName} le {date}, {window}.",
      heading: "Une visite attend votre validation",
      body: [
        "Bonjour,",
        "{orgName} annonce la visite de {personName} ({company}) au site {siteName} le {date}, de {window} (heure du site). Pièce d’identité : {idDoc}. {escort}",
        "Validez-la ou refusez-la avec un motif : une fois validée, elle figure sur la liste du poste de sécurité de ce jour.",
      ],
      button: "Traiter la visite",
      footer: opsFooterFr,
    },
    en: {
      subject: "Visit to approve – {personName} ({orgName}) – {siteName} on {date}",
      preview: "{orgName} announces {personName}'s visit on {date}, {window}.",
      heading: "A visit awaits your approval",
      body: [
        "Hello,",
        "{orgName} announces the visit of {personName} ({company}) at the {siteName} site on {date}, {window} (site time). Identity document: {idDoc}. {escort}",
        "Approve it or refuse it with a reason: once approved, it is on that day's security desk list.",
      ],
      button: "Handle the visit",
      footer: opsFooterEn,
    },
  },
  site_access_approved: {
    fr: {
      subject: "Visite validée – {personName} – {siteName} le {date}",
      preview: "La visite de {personName} le {date}, {window}, est validée.",
      heading: "Visite validée",
      body: [
        "Bonjour,",
        "Le centre de données a validé la visite {ref} de {personName} ({company}) au site {siteName} le {date}, de {window} (heure du site). {escort}",
        "Le visiteur se présente au poste de sécurité avec la pièce d’identité déclarée ({idDoc}). En dehors de ce créneau, l’accès est refusé.",
      ],
      button: "Voir la visite",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Visit approved – {personName} – {siteName} on {date}",
      preview: "{personName}'s visit on {date}, {window}, is approved.",
      heading: "Visit approved",
      body: [
        "Hello,",
        "The data centre approved visit {ref} of {personName} ({company}) at the {siteName} site on {date}, {window} (site time). {escort}",
        "The visitor comes to the security desk with the identity document declared ({idDoc}). Outside this window, access is refused.",
      ],
      button: "View the visit",
      footer: tenantFooterEn,
    },
  },
  site_access_refused: {
    fr: {
      subject: "Visite refusée – {personName} – {siteName} le {date}",
      preview: "La visite de {personName} le {date} est refusée.",
      heading: "Visite refusée",
      detailLabel: "Motif du refus",
      body: ["Bonjour,", "Le centre de données a refusé la visite {ref} de {personName} ({company}) au site {siteName} le {date}, de {window}."],
      outro: ["Le visiteur ne sera pas admis. Vous pouvez enregistrer une nouvelle visite en tenant compte du motif."],
      button: "Voir la visite",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Visit refused – {personName} – {siteName} on {date}",
      preview: "{personName}'s visit on {date} is refused.",
      heading: "Visit refused",
      detailLabel: "Reason",
      body: ["Hello,", "The data centre refused visit {ref} of {personName} ({company}) at the {siteName} site on {date}, {window}."],
      outro: ["The visitor will not be admitted. You may register a new visit taking the reason into account."],
      button: "View the visit",
      footer: tenantFooterEn,
    },
  },
  site_access_badge_expiring: {
    fr: {
      subject: "Badge de {personName} à renouveler – {siteName} – fin le {date}",
      preview: "L’accès permanent de {personName} au site {siteName} prend fin le {date}.",
      heading: "Un badge arrive à échéance",
      body: [
        "Bonjour,",
        "L’accès permanent de {personName} ({company}, {idDoc}) au site {siteName} est valable jusqu’au {date} inclus, dans {daysBefore} jours au plus.",
        "Renouvelez-le depuis la page des badges si cette personne doit garder son accès ; sinon, il prendra fin à cette date.",
      ],
      button: "Gérer les badges",
      footer: tenantFooterFr,
    },
    en: {
      subject: "{personName}'s badge to renew – {siteName} – ends on {date}",
      preview: "{personName}'s standing access to the {siteName} site ends on {date}.",
      heading: "A badge is about to expire",
      body: [
        "Hello,",
        "The standing access of {personName} ({company}, {idDoc}) to the {siteName} site is valid up to and including {date}, {daysBefore} days from now at most.",
        "Renew it from the badges page if this person keeps their access; otherwise it ends on that day.",
      ],
      button: "Manage badges",
      footer: tenantFooterEn,
    },
  },
} satisfies Record<SiteAccessTemplate, Record<Locale, EmailCopy>>;
