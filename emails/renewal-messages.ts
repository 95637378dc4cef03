import type { Locale } from "~/i18n";
import type { EmailCopy } from "./messages";

/**
 * The words of the renewal e-mails (emails/renewal.tsx), French and English, spread into
 * `messages` (messages.ts). Placeholders: {orgName}, {siteName}, {contractRef}, {commitmentEndsOn}
 * (last day of the commitment), {renewsOn} (the next day), {renewedUntil} (the end of the next
 * commitment), {deadlineOn}, {days} (90, 60 or 30), {deadlineLine} and {pricesLine} (sentences
 * from `renewalLabels`), {givenBy}, {termMonths}.
 */

const NBSP = "\u00a0";

export const RENEWAL_TEMPLATES = ["renewal_notice", "renewal_notice_ops", "renewal_notice_given", "renewal_notice_given_ops"] as const;
export type RenewalTemplate = (typeof RENEWAL_TEMPLATES)[number];

const tenantFooterFr = "Vous recevez cet e-mail parce que vous êtes propriétaire ou administrateur de l’organisation {orgName} sur le {appName}.";
const tenantFooterEn = "You are receiving this email because you are an owner or an admin of the {orgName} organisation on the {appName}.";
const opsFooterFr = "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet de fixer les prix des renouvellements sur le {appName}.";
const opsFooterEn = "You are receiving this email because your operator role lets you set renewal prices on the {appName}.";

/** Sentences chosen by the template's variables, and the labels of the prices table. */
export const renewalLabels = {
  fr: {
    deadlineAhead: `Si vous ne souhaitez pas le renouveler, donnez votre préavis de non-renouvellement dans le portail au plus tard le {deadlineOn}${NBSP}: le contrat prendra alors fin le {commitmentEndsOn}.`,
    deadlinePassed: "Le délai de préavis de non-renouvellement a expiré le {deadlineOn}.",
    pricesNone: "Les prix actuels du contrat restent inchangés au renouvellement.",
    pricesNew: `Nouveaux prix applicables à partir du {renewsOn}${NBSP}:`,
    item: "Élément",
    quantity: "Quantité",
    current: "Prix actuel",
    next: "Nouveau prix",
  },
  en: {
    deadlineAhead: "If you do not wish to renew it, give your notice of non-renewal in the portal by {deadlineOn} at the latest: the contract will then end on {commitmentEndsOn}.",
    deadlinePassed: "The deadline for a notice of non-renewal passed on {deadlineOn}.",
    pricesNone: "The contract's current prices stay the same at renewal.",
    pricesNew: "New prices from {renewsOn}:",
    item: "Item",
    quantity: "Quantity",
    current: "Current price",
    next: "New price",
  },
} satisfies Record<Locale, Record<string, string>>;

export const renewalMessages: Record<RenewalTemplate, Record<Locale, EmailCopy>> = {
  renewal_notice: {
    fr: {
      subject: "Renouvellement du contrat {contractRef} le {renewsOn} – {siteName}",
      preview: "Sans préavis de votre part, le contrat {contractRef} est reconduit le {renewsOn}.",
      heading: "Votre engagement arrive à son terme dans {days}${NBSP}jours",
      body: [
        "Bonjour,",
        "L’engagement du contrat {contractRef} de {orgName} au site {siteName} prend fin le {commitmentEndsOn}.",
        "Sauf préavis de votre part, il est reconduit tacitement pour {termMonths}${NBSP}mois à partir du {renewsOn}, jusqu’au {renewedUntil}.",
        "{deadlineLine}",
        "{pricesLine}",
      ],
      button: "Voir le contrat",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Renewal of contract {contractRef} on {renewsOn} – {siteName}",
      preview: "Unless you give notice, contract {contractRef} renews on {renewsOn}.",
      heading: "Your commitment ends in {days} days",
      body: [
        "Hello,",
        "The commitment of contract {contractRef} of {orgName} at the {siteName} site ends on {commitmentEndsOn}.",
        "Unless you give notice, it renews tacitly for {termMonths} months from {renewsOn}, until {renewedUntil}.",
        "{deadlineLine}",
        "{pricesLine}",
      ],
      button: "View the contract",
      footer: tenantFooterEn,
    },
  },
  renewal_notice_ops: {
    fr: {
      subject: "Renouvellement à J-{days} – {orgName} – contrat {contractRef} – {siteName}",
      preview: "L’engagement du contrat {contractRef} prend fin le {commitmentEndsOn}.",
      heading: "Un contrat arrive à son terme dans {days}${NBSP}jours",
      body: [
        "Bonjour,",
        "L’engagement du contrat {contractRef} de {orgName} au site {siteName} prend fin le {commitmentEndsOn}. Sans préavis du client au plus tard le {deadlineOn}, il est reconduit pour {termMonths}${NBSP}mois à partir du {renewsOn}.",
        "{pricesLine}",
      ],
      button: "Voir les renouvellements",
      footer: opsFooterFr,
    },
    en: {
      subject: "Renewal in {days} days – {orgName} – contract {contractRef} – {siteName}",
      preview: "The commitment of contract {contractRef} ends on {commitmentEndsOn}.",
      heading: "A contract's commitment ends in {days} days",
      body: [
        "Hello,",
        "The commitment of contract {contractRef} of {orgName} at the {siteName} site ends on {commitmentEndsOn}. Unless the customer gives notice by {deadlineOn}, it renews for {termMonths} months from {renewsOn}.",
        "{pricesLine}",
      ],
      button: "View renewals",
      footer: opsFooterEn,
    },
  },
  renewal_notice_given: {
    fr: {
      subject: "Préavis de non-renouvellement enregistré – contrat {contractRef} – {siteName}",
      preview: "Le contrat {contractRef} prendra fin le {commitmentEndsOn}.",
      heading: "Votre préavis de non-renouvellement est enregistré",
      body: [
        "Bonjour,",
        "{givenBy} a donné le préavis de non-renouvellement du contrat {contractRef} de {orgName} au site {siteName}.",
        `Le contrat ne sera pas reconduit${NBSP}: son dernier jour de service est le {commitmentEndsOn}, fin de l’engagement en cours. Les ressources du contrat (unités, puissance, bande passante, interconnexions) restent à votre disposition jusqu’à cette date incluse, puis sont libérées.`,
      ],
      button: "Voir le contrat",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Notice of non-renewal recorded – contract {contractRef} – {siteName}",
      preview: "Contract {contractRef} will end on {commitmentEndsOn}.",
      heading: "Your notice of non-renewal is recorded",
      body: [
        "Hello,",
        "{givenBy} gave notice of non-renewal of contract {contractRef} of {orgName} at the {siteName} site.",
        "The contract will not renew: its last day of service is {commitmentEndsOn}, the end of the current commitment. The contract's resources (units, power, bandwidth, cross-connects) stay yours up to and including that day, and are released afterwards.",
      ],
      button: "View the contract",
      footer: tenantFooterEn,
    },
  },
  renewal_notice_given_ops: {
    fr: {
      subject: "Non-renouvellement – {orgName} – contrat {contractRef} – {siteName}",
      preview: "Le contrat {contractRef} prendra fin le {commitmentEndsOn}.",
      heading: "Un client a donné son préavis de non-renouvellement",
      body: [
        "Bonjour,",
        "{givenBy} ({orgName}) a donné le préavis de non-renouvellement du contrat {contractRef} au site {siteName}.",
        "Le contrat prendra fin le {commitmentEndsOn}, fin de l’engagement en cours${NBSP}; ses allocations se terminent à cette date.",
      ],
      button: "Voir le contrat",
      footer: opsFooterFr,
    },
    en: {
      subject: "Non-renewal – {orgName} – contract {contractRef} – {siteName}",
      preview: "Contract {contractRef} will end on {commitmentEndsOn}.",
      heading: "A customer gave notice of non-renewal",
      body: [
        "Hello,",
        "{givenBy} ({orgName}) gave notice of non-renewal of contract {contractRef} at the {siteName} site.",
        "The contract will end on {commitmentEndsOn}, the end of the current commitment; its allocations end on that day.",
      ],
      button: "View the contract",
      footer: opsFooterEn,
    },
  },
};
