import type { Locale } from "~/i18n";
import type { EmailCopy } from "./messages";

/**
 * The words of the cross-connect e-mails (emails/cross-connect.tsx), French and English, spread
 * into `messages` (messages.ts). Placeholders: {ref} (XC-…), {siteName}, {aOrgName} (who ordered),
 * {zName} (the carrier or the other tenant), {media} (SMF, MMF, Cat6), {date}, {actorName}.
 */

const NBSP = "\u00a0";

export const CROSS_CONNECT_TEMPLATES = [
  "cross_connect_incoming",
  "cross_connect_to_handle",
  "cross_connect_accepted",
  "cross_connect_declined",
  "cross_connect_rejected",
  "cross_connect_cancelled",
  "cross_connect_installed",
  "cross_connect_removal_requested",
  "cross_connect_removed",
] as const;
export type CrossConnectTemplate = (typeof CROSS_CONNECT_TEMPLATES)[number];

const tenantFooterFr = "Vous recevez cet e-mail parce que vous êtes propriétaire, administrateur ou membre technique d’une organisation concernée par cette interconnexion sur le {appName}.";
const tenantFooterEn = "You are receiving this email because you are an owner, an admin or a technical member of an organisation this cross-connect concerns on the {appName}.";
const opsFooterFr = "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet de traiter les interconnexions sur le {appName}.";
const opsFooterEn = "You are receiving this email because your operator role lets you handle cross-connects on the {appName}.";

export const crossConnectMessages = {
  cross_connect_incoming: {
    fr: {
      subject: "Demande d’interconnexion de {aOrgName} – {ref} – {siteName}",
      preview: "{aOrgName} demande une interconnexion {media} avec votre organisation.",
      heading: "Une interconnexion attend votre accord",
      body: [
        "Bonjour,",
        "{aOrgName} demande une interconnexion {media} ({ref}) entre son espace et celui de {zName} au site {siteName}.",
        "Acceptez-la en indiquant votre contrat et la position de votre baie ou de votre panneau de brassage, ou déclinez-la. La lettre d’autorisation (LOA/CFA) est disponible sur la page de la demande.",
      ],
      button: "Répondre à la demande",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect request from {aOrgName} – {ref} – {siteName}",
      preview: "{aOrgName} asks for a {media} cross-connect with your organisation.",
      heading: "A cross-connect awaits your answer",
      body: [
        "Hello,",
        "{aOrgName} asks for a {media} cross-connect ({ref}) between its space and that of {zName} at the {siteName} site.",
        "Accept it by naming your contract and your rack or patch-panel position, or decline it. The letter of authorisation (LOA/CFA) is on the request's page.",
      ],
      button: "Answer the request",
      footer: tenantFooterEn,
    },
  },
  cross_connect_to_handle: {
    fr: {
      subject: "Interconnexion à réaliser – {ref} – {aOrgName} vers {zName}",
      preview: "Interconnexion {media} à {siteName} : ports à affecter.",
      heading: "Une interconnexion est à réaliser",
      body: [
        "Bonjour,",
        "L’interconnexion {media} {ref} de {aOrgName} vers {zName} au site {siteName} est commandée.",
        "Affectez les ports côté A et côté Z, puis déclarez l’installation avec le résultat des tests.",
      ],
      button: "Traiter l’interconnexion",
      footer: opsFooterFr,
    },
    en: {
      subject: "Cross-connect to build – {ref} – {aOrgName} to {zName}",
      preview: "{media} cross-connect at {siteName}: ports to assign.",
      heading: "A cross-connect is to be built",
      body: [
        "Hello,",
        "The {media} cross-connect {ref} from {aOrgName} to {zName} at the {siteName} site is ordered.",
        "Assign the A-side and Z-side ports, then record the installation with the test result.",
      ],
      button: "Handle the cross-connect",
      footer: opsFooterEn,
    },
  },
  cross_connect_accepted: {
    fr: {
      subject: "Interconnexion {ref} acceptée par {zName}",
      preview: "{zName} a accepté l’interconnexion {media} ; le centre de données va la réaliser.",
      heading: "Votre interconnexion est acceptée",
      body: [
        "Bonjour,",
        "{zName} a accepté l’interconnexion {media} {ref} demandée par {aOrgName} au site {siteName}.",
        "Le centre de données affecte maintenant les ports et vous préviendra de l’installation.",
      ],
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} accepted by {zName}",
      preview: "{zName} accepted the {media} cross-connect; the data centre will build it.",
      heading: "Your cross-connect is accepted",
      body: [
        "Hello,",
        "{zName} accepted the {media} cross-connect {ref} ordered by {aOrgName} at the {siteName} site.",
        "The data centre now assigns the ports and will let you know when it is installed.",
      ],
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_declined: {
    fr: {
      subject: "Interconnexion {ref} déclinée par {zName}",
      preview: "{zName} a décliné l’interconnexion {media}.",
      heading: "Votre interconnexion est déclinée",
      body: ["Bonjour,", "{zName} a décliné l’interconnexion {media} {ref} demandée par {aOrgName} au site {siteName}. Rien ne vous sera facturé."],
      detailLabel: `Motif${NBSP}:`,
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} declined by {zName}",
      preview: "{zName} declined the {media} cross-connect.",
      heading: "Your cross-connect was declined",
      body: ["Hello,", "{zName} declined the {media} cross-connect {ref} ordered by {aOrgName} at the {siteName} site. Nothing will be billed."],
      detailLabel: "Reason:",
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_rejected: {
    fr: {
      subject: "Interconnexion {ref} refusée – {siteName}",
      preview: "Le centre de données a refusé l’interconnexion {media} de {aOrgName} vers {zName}.",
      heading: "Interconnexion refusée",
      body: ["Bonjour,", "Le centre de données a refusé l’interconnexion {media} {ref} de {aOrgName} vers {zName} au site {siteName}. Rien ne sera facturé."],
      detailLabel: `Motif${NBSP}:`,
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} rejected – {siteName}",
      preview: "The data centre rejected the {media} cross-connect from {aOrgName} to {zName}.",
      heading: "Cross-connect rejected",
      body: ["Hello,", "The data centre rejected the {media} cross-connect {ref} from {aOrgName} to {zName} at the {siteName} site. Nothing will be billed."],
      detailLabel: "Reason:",
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_cancelled: {
    fr: {
      subject: "Interconnexion {ref} annulée – {siteName}",
      preview: "{aOrgName} a annulé l’interconnexion {media} vers {zName}.",
      heading: "Interconnexion annulée",
      body: ["Bonjour,", "{actorName} a annulé, au nom de {aOrgName}, l’interconnexion {media} {ref} vers {zName} au site {siteName}. Aucune action n’est plus attendue."],
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} cancelled – {siteName}",
      preview: "{aOrgName} cancelled the {media} cross-connect to {zName}.",
      heading: "Cross-connect cancelled",
      body: ["Hello,", "{actorName} cancelled, on behalf of {aOrgName}, the {media} cross-connect {ref} to {zName} at the {siteName} site. No further action is expected."],
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_installed: {
    fr: {
      subject: "Interconnexion {ref} installée le {date}",
      preview: "L’interconnexion {media} de {aOrgName} vers {zName} est en service depuis le {date}.",
      heading: "Votre interconnexion est en service",
      body: [
        "Bonjour,",
        "Le centre de données a installé l’interconnexion {media} {ref} de {aOrgName} vers {zName} au site {siteName}, en service depuis le {date}.",
        "La redevance mensuelle et les frais de mise en service sont facturés à {aOrgName} à partir de cette date.",
      ],
      detailLabel: `Résultat des tests${NBSP}:`,
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} installed on {date}",
      preview: "The {media} cross-connect from {aOrgName} to {zName} has been in service since {date}.",
      heading: "Your cross-connect is in service",
      body: [
        "Hello,",
        "The data centre installed the {media} cross-connect {ref} from {aOrgName} to {zName} at the {siteName} site, in service since {date}.",
        "The monthly charge and the setup fee are billed to {aOrgName} from that date.",
      ],
      detailLabel: "Test result:",
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_removal_requested: {
    fr: {
      subject: "Retrait demandé – interconnexion {ref} – {siteName}",
      preview: "{actorName} demande le retrait de l’interconnexion {media} de {aOrgName} vers {zName}.",
      heading: "Retrait d’interconnexion demandé",
      body: [
        "Bonjour,",
        "{actorName} demande le retrait de l’interconnexion {media} {ref} de {aOrgName} vers {zName} au site {siteName}.",
        "Le centre de données confirmera la date du retrait ; la facturation s’arrête ce jour-là inclus.",
      ],
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Removal requested – cross-connect {ref} – {siteName}",
      preview: "{actorName} asks to remove the {media} cross-connect from {aOrgName} to {zName}.",
      heading: "Cross-connect removal requested",
      body: [
        "Hello,",
        "{actorName} asks to remove the {media} cross-connect {ref} from {aOrgName} to {zName} at the {siteName} site.",
        "The data centre will confirm the removal date; billing stops after that day.",
      ],
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
  cross_connect_removed: {
    fr: {
      subject: "Interconnexion {ref} retirée le {date}",
      preview: "L’interconnexion {media} de {aOrgName} vers {zName} est retirée le {date}.",
      heading: "Interconnexion retirée",
      body: [
        "Bonjour,",
        "Le centre de données a retiré l’interconnexion {media} {ref} de {aOrgName} vers {zName} au site {siteName}, le {date}.",
        "Elle est facturée jusqu’à ce jour inclus ; les ports sont libérés ensuite.",
      ],
      button: "Voir l’interconnexion",
      footer: tenantFooterFr,
    },
    en: {
      subject: "Cross-connect {ref} removed on {date}",
      preview: "The {media} cross-connect from {aOrgName} to {zName} is removed on {date}.",
      heading: "Cross-connect removed",
      body: [
        "Hello,",
        "The data centre removed the {media} cross-connect {ref} from {aOrgName} to {zName} at the {siteName} site, on {date}.",
        "It is billed up to and including that day; its ports are released afterwards.",
      ],
      button: "View the cross-connect",
      footer: tenantFooterEn,
    },
  },
} satisfies Record<CrossConnectTemplate, Record<Locale, EmailCopy>>;
