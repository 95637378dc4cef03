import type { Locale } from "~/i18n";
import type { EmailCopy } from "./messages";

/**
 * The words of the remote-hands e-mails (emails/remote-hands.tsx), French and English, spread into
 * `messages` (messages.ts). Placeholders: {ref} (RH-…), {siteName}, {orgName}, {kind} (the kind of
 * work, in the reader's language), {urgency}, {billed} (minutes billed), {amount}, {actorName}.
 */

export const REMOTE_HANDS_TEMPLATES = ["remote_hands_opened", "remote_hands_taken", "remote_hands_update", "remote_hands_closed"] as const;
export type RemoteHandsTemplate = (typeof REMOTE_HANDS_TEMPLATES)[number];

const tenantFooterFr = "Vous recevez cet e-mail parce que vous êtes propriétaire, administrateur ou membre technique de l’organisation qui a ouvert ce ticket d’intervention sur le {appName}.";
const tenantFooterEn = "You are receiving this email because you are an owner, an admin or a technical member of the organisation that opened this remote-hands ticket on the {appName}.";

export const remoteHandsMessages = {
  remote_hands_opened: {
    fr: {
      subject: "Intervention à prendre – {ref} – {orgName} ({urgency})",
      preview: "{orgName} demande une intervention à {siteName} : {kind}.",
      heading: "Une intervention sur site attend un technicien",
      body: ["Bonjour,", "{orgName} a ouvert le ticket {ref} à {siteName} : {kind}, urgence {urgency}.", "Prenez-le dans la file du site pour que le client sache qu’il est en cours."],
      detailLabel: "Description du client :",
      button: "Ouvrir le ticket",
      footer: "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet de traiter les interventions sur site sur le {appName}.",
    },
    en: {
      subject: "Remote hands to take – {ref} – {orgName} ({urgency})",
      preview: "{orgName} asks for remote hands at {siteName}: {kind}.",
      heading: "A remote-hands ticket awaits a technician",
      body: ["Hello,", "{orgName} opened ticket {ref} at {siteName}: {kind}, {urgency} urgency.", "Take it from the site's queue so the customer knows it is in hand."],
      detailLabel: "The customer's description:",
      button: "Open the ticket",
      footer: "You are receiving this email because your operator role lets you handle remote hands on the {appName}.",
    },
  },
  remote_hands_taken: {
    fr: {
      subject: "Votre intervention {ref} est prise en charge – {siteName}",
      preview: "{actorName} s’occupe de votre ticket {ref}.",
      heading: "Votre ticket est pris en charge",
      body: ["Bonjour,", "{actorName}, de l’équipe du site {siteName}, a pris en charge votre ticket {ref} ({kind}).", "Vous recevrez ses comptes rendus par e-mail et sur la page du ticket."],
      button: "Suivre le ticket",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Your remote-hands ticket {ref} is in hand – {siteName}",
      preview: "{actorName} is handling your ticket {ref}.",
      heading: "Your ticket is in hand",
      body: ["Hello,", "{actorName}, of the {siteName} site team, has taken your ticket {ref} ({kind}).", "You will receive their updates by email and on the ticket's page."],
      button: "Follow the ticket",
      footer: tenantFooterEn,
    },
  },
  remote_hands_update: {
    fr: {
      subject: "Compte rendu sur votre intervention {ref} – {siteName}",
      preview: "{actorName} a publié un compte rendu sur le ticket {ref}.",
      heading: "Nouveau compte rendu",
      body: ["Bonjour,", "{actorName} a publié un compte rendu sur votre ticket {ref} ({kind}) :"],
      detailLabel: "Compte rendu :",
      button: "Voir le ticket",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Update on your remote-hands ticket {ref} – {siteName}",
      preview: "{actorName} posted an update on ticket {ref}.",
      heading: "New update",
      body: ["Hello,", "{actorName} posted an update on your ticket {ref} ({kind}):"],
      detailLabel: "Update:",
      button: "See the ticket",
      footer: tenantFooterEn,
    },
  },
  remote_hands_closed: {
    fr: {
      subject: "Intervention {ref} terminée – {siteName}",
      preview: "Votre ticket {ref} est clos : {billed}.",
      heading: "Votre intervention est terminée",
      body: ["Bonjour,", "Le ticket {ref} ({kind}) est clos. Temps facturé : {billed}, soit {amount} sur la facture du mois."],
      detailLabel: "Résultat :",
      button: "Voir le ticket",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Remote hands {ref} done – {siteName}",
      preview: "Your ticket {ref} is closed: {billed}.",
      heading: "Your remote hands are done",
      body: ["Hello,", "Ticket {ref} ({kind}) is closed. Time billed: {billed}, that is {amount} on the month's invoice."],
      detailLabel: "Result:",
      button: "See the ticket",
      footer: tenantFooterEn,
    },
  },
} satisfies Record<RemoteHandsTemplate, Record<Locale, EmailCopy>>;
