import type { EmailCopy } from "./messages";
import type { Locale } from "~/i18n";

/**
 * The words of the amendment e-mails (emails/amendment.tsx), French and English, spread into
 * `messages` (messages.ts). Placeholders: {orgName}, {siteName}, {contractRef}, {effectiveOn}.
 * The changes themselves ("Puissance engagée (kW) : 2 → 4") come as a list in the props.
 */

const NBSP = "\u00a0";

export const AMENDMENT_TEMPLATES = ["amendment_requested", "amendment_applied", "amendment_rejected"] as const;
export type AmendmentTemplate = (typeof AMENDMENT_TEMPLATES)[number];

const tenantFooterFr = "Vous recevez cet e-mail parce que vous êtes propriétaire ou administrateur de l’organisation {orgName} sur le {appName}.";
const tenantFooterEn = "You are receiving this email because you are an owner or an admin of the {orgName} organisation on the {appName}.";

export const amendmentMessages: Record<AmendmentTemplate, Record<Locale, EmailCopy>> = {
  amendment_requested: {
    fr: {
      subject: "Modification demandée – contrat {contractRef} de {orgName}",
      preview: "{orgName} demande de modifier le contrat {contractRef} à partir du {effectiveOn}.",
      heading: "Modification de contrat à traiter",
      body: ["Bonjour,", `{orgName} demande de modifier le contrat {contractRef} au site {siteName} à partir du {effectiveOn}${NBSP}:`],
      detailLabel: `Précisions du client${NBSP}:`,
      outro: ["Affectez les ressources et approuvez, ou déclinez avec un motif, depuis la file des demandes."],
      button: "Traiter la modification",
      footer: "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet d’approuver les demandes sur le {appName}.",
    },
    en: {
      subject: "Change requested – contract {contractRef} of {orgName}",
      preview: "{orgName} asks to change contract {contractRef} from {effectiveOn}.",
      heading: "Contract change to handle",
      body: ["Hello,", "{orgName} asks to change contract {contractRef} at the {siteName} site from {effectiveOn}:"],
      detailLabel: "Details from the customer:",
      outro: ["Assign the resources and approve, or decline with a reason, from the request queue."],
      button: "Handle the change",
      footer: "You are receiving this email because your operator role lets you approve requests on the {appName}.",
    },
  },
  amendment_applied: {
    fr: {
      subject: "Modification du contrat {contractRef} approuvée – {siteName}",
      preview: "Les nouvelles quantités s’appliquent à partir du {effectiveOn}.",
      heading: "La modification de votre contrat est approuvée",
      body: ["Bonjour,", `Le centre de données a approuvé la modification du contrat {contractRef} de {orgName} au site {siteName}. À partir du {effectiveOn}${NBSP}:`],
      detailLabel: `Note du centre de données${NBSP}:`,
      outro: ["La facture du mois compte chaque quantité pour ses jours : l’ancienne jusqu’à la veille, la nouvelle ensuite."],
      button: "Voir le contrat",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Change to contract {contractRef} approved – {siteName}",
      preview: "The new quantities apply from {effectiveOn}.",
      heading: "The change to your contract is approved",
      body: ["Hello,", "The data centre has approved the change to contract {contractRef} of {orgName} at the {siteName} site. From {effectiveOn}:"],
      detailLabel: "Note from the data centre:",
      outro: ["The month's invoice counts each quantity for its days: the old one up to the day before, the new one after."],
      button: "View the contract",
      footer: tenantFooterEn,
    },
  },
  amendment_rejected: {
    fr: {
      subject: "Modification du contrat {contractRef} déclinée – {siteName}",
      preview: "Le centre de données a décliné la modification demandée.",
      heading: "La modification de votre contrat est déclinée",
      body: ["Bonjour,", `Le centre de données a décliné la modification du contrat {contractRef} de {orgName} au site {siteName} prévue le {effectiveOn}${NBSP}:`],
      detailLabel: `Motif${NBSP}:`,
      outro: ["Le contrat reste inchangé."],
      button: "Voir le contrat",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Change to contract {contractRef} declined – {siteName}",
      preview: "The data centre declined the requested change.",
      heading: "The change to your contract is declined",
      body: ["Hello,", "The data centre declined the change to contract {contractRef} of {orgName} at the {siteName} site planned for {effectiveOn}:"],
      detailLabel: "Reason:",
      outro: ["The contract stays as it is."],
      button: "View the contract",
      footer: tenantFooterEn,
    },
  },
};
