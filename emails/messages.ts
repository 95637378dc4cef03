import type { Locale } from "~/i18n";
import { t } from "~/i18n";
import type { EmailTemplate } from "./index";
import { crossConnectMessages } from "./cross-connect-messages";
import { amendmentMessages } from "./amendment-messages";
import { renewalMessages } from "./renewal-messages";
import { remoteHandsMessages } from "./remote-hands-messages";
import { siteAccessMessages } from "./site-access-messages";
import { deliveryMessages } from "./delivery-messages";

/**
 * The words of every e-mail, in French (default) and English.
 *
 * `{name}`-style placeholders are filled from the template's variables; `{appName}` is always
 * available. Each `body` entry is one paragraph. Keep the copy here and the layout in the
 * template files, so a translator only ever edits this file.
 */
export interface EmailCopy {
  subject: string;
  preview: string;
  heading: string;
  body: string[];
  /** Paragraphs after the template's details block (table, list, quote), when it has one. */
  outro?: string[];
  /** The line above a details block that is free text someone typed (a reason, a note), shown when there is one. */
  detailLabel?: string;
  button: string;
  footer: string;
}

/** Words shared by every message (the layout). */
export interface LayoutCopy {
  tagline: string;
  linkHint: string;
  automated: string;
}

const NBSP = "\u00a0";

export const layoutMessages: Record<Locale, LayoutCopy> = {
  fr: {
    tagline: "Espace client colocation",
    linkHint: `Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur${NBSP}:`,
    automated: "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
  },
  en: {
    tagline: "Colocation customer portal",
    linkHint: "If the button does not work, copy this link into your browser:",
    automated: "This message was sent automatically; please do not reply to it.",
  },
};

/** Labels of the details blocks some templates show between `body` and `outro`. */
export interface DetailLabels {
  item: string;
  quantity: string;
}

export const detailLabels: Record<Locale, DetailLabels> = {
  fr: { item: "Élément", quantity: "Quantité" },
  en: { item: "Item", quantity: "Quantity" },
};

/** Labels of a payment reminder's details (emails/payment-reminder.tsx). */
export const reminderLabels = {
  fr: {
    invoice: "Facture",
    total: "Montant de la facture",
    balance: "Reste à payer",
    dueOn: "Échéance",
    daysLeft: "Délai restant",
    daysLate: "Retard",
    reference: "Référence de paiement",
    payee: "Bénéficiaire",
    bank: "Banque",
    account: "Compte (RIB/IBAN)",
    swift: "SWIFT",
    mobileMoney: "Mobile money",
    statementAttached: "Votre relevé de compte est joint en PDF.",
  },
  en: {
    invoice: "Invoice",
    total: "Invoice amount",
    balance: "Amount due",
    dueOn: "Due date",
    daysLeft: "Time left",
    daysLate: "Overdue by",
    reference: "Payment reference",
    payee: "Payee",
    bank: "Bank",
    account: "Account (RIB/IBAN)",
    swift: "SWIFT",
    mobileMoney: "Mobile money",
    statementAttached: "Your statement of account is attached as a PDF.",
  },
} satisfies Record<Locale, Record<string, string>>;

export const messages = {
  ...crossConnectMessages,
  ...amendmentMessages,
  ...renewalMessages,
  ...remoteHandsMessages,
  ...siteAccessMessages,
  ...deliveryMessages,
  verify_email: {
    fr: {
      subject: "Confirmez votre adresse e-mail",
      preview: "Un dernier pas pour activer votre compte sur le portail colocation.",
      heading: "Confirmez votre adresse e-mail",
      body: [
        "Bonjour {name},",
        "Merci pour votre inscription. Pour activer votre compte, confirmez votre adresse e-mail en cliquant sur le bouton ci-dessous.",
        "Ce lien est valable 24 heures.",
      ],
      button: "Confirmer mon adresse",
      footer: `Vous recevez cet e-mail parce qu’un compte a été créé avec cette adresse sur le {appName}. Si vous n’êtes pas à l’origine de cette inscription, ignorez simplement ce message${NBSP}: aucun compte ne sera activé.`,
    },
    en: {
      subject: "Confirm your email address",
      preview: "One last step to activate your colocation portal account.",
      heading: "Confirm your email address",
      body: [
        "Hello {name},",
        "Thank you for signing up. To activate your account, please confirm your email address by clicking the button below.",
        "This link is valid for 24 hours.",
      ],
      button: "Confirm my email address",
      footer:
        "You are receiving this email because an account was created with this address on the {appName}. If you did not sign up, simply ignore this message and no account will be activated.",
    },
  },
  invitation: {
    fr: {
      subject: "{inviterName} vous invite à rejoindre {orgName}",
      preview: "Rejoignez l’espace de {orgName} sur le portail colocation.",
      heading: "Invitation à rejoindre {orgName}",
      body: [
        "Bonjour,",
        `{inviterName} vous invite à rejoindre l’organisation {orgName} sur le {appName}, avec le rôle «${NBSP}{role}${NBSP}».`,
        "Acceptez l’invitation pour créer votre accès, ou connectez-vous si vous avez déjà un compte.",
        "Cette invitation est valable 7 jours.",
      ],
      button: "Accepter l’invitation",
      footer:
        "Vous recevez cet e-mail parce que {inviterName} a saisi votre adresse pour vous inviter dans l’organisation {orgName}. Si vous ne vous attendiez pas à cette invitation, vous pouvez ignorer ce message.",
    },
    en: {
      subject: "{inviterName} has invited you to join {orgName}",
      preview: "Join {orgName} on the colocation portal.",
      heading: "You are invited to join {orgName}",
      body: [
        "Hello,",
        "{inviterName} has invited you to join the {orgName} organisation on the {appName} with the “{role}” role.",
        "Accept the invitation to set up your access, or sign in if you already have an account.",
        "This invitation is valid for 7 days.",
      ],
      button: "Accept the invitation",
      footer:
        "You are receiving this email because {inviterName} entered your address to invite you to the {orgName} organisation. If you were not expecting this invitation, you can ignore this message.",
    },
  },
  password_reset: {
    fr: {
      subject: "Réinitialisation de votre mot de passe",
      preview: "Choisissez un nouveau mot de passe pour votre compte.",
      heading: "Réinitialisez votre mot de passe",
      body: [
        "Bonjour {name},",
        "Nous avons reçu une demande de réinitialisation du mot de passe de votre compte. Cliquez sur le bouton ci-dessous pour en choisir un nouveau.",
        "Ce lien est valable 1 heure.",
        `Si vous n’avez pas demandé cette réinitialisation, ignorez cet e-mail${NBSP}: votre mot de passe actuel reste inchangé.`,
      ],
      button: "Choisir un nouveau mot de passe",
      footer:
        "Vous recevez cet e-mail parce qu’une réinitialisation du mot de passe a été demandée pour le compte associé à cette adresse sur le {appName}.",
    },
    en: {
      subject: "Reset your password",
      preview: "Choose a new password for your account.",
      heading: "Reset your password",
      body: [
        "Hello {name},",
        "We received a request to reset the password of your account. Click the button below to choose a new one.",
        "This link is valid for 1 hour.",
        "If you did not ask for a password reset, ignore this email: your current password stays unchanged.",
      ],
      button: "Choose a new password",
      footer:
        "You are receiving this email because a password reset was requested for the account linked to this address on the {appName}.",
    },
  },
  request_received: {
    fr: {
      subject: "Demande {requestRef} bien reçue – {siteName}",
      preview: "Nous avons bien reçu votre demande pour le site {siteName}.",
      heading: "Nous avons bien reçu votre demande",
      body: [
        "Bonjour,",
        `Nous avons bien reçu la demande {requestRef} de {orgName} pour le site {siteName}. Voici le récapitulatif de ce que vous avez demandé${NBSP}:`,
      ],
      outro: [
        `Date de début souhaitée${NBSP}: {desiredStartOn}.`,
        "Notre équipe vérifie la disponibilité des capacités demandées et vous répond sous 2 jours ouvrés. Vous recevrez un e-mail dès que votre demande aura été traitée.",
      ],
      button: "Voir ma demande",
      footer:
        "Vous recevez cet e-mail parce qu’une demande a été soumise au nom de l’organisation {orgName} sur le {appName}.",
    },
    en: {
      subject: "Request {requestRef} received – {siteName}",
      preview: "We have received your request for the {siteName} site.",
      heading: "We have received your request",
      body: [
        "Hello,",
        "We have received request {requestRef} from {orgName} for the {siteName} site. Here is a summary of what you asked for:",
      ],
      outro: [
        "Desired start date: {desiredStartOn}.",
        "Our team is checking that the requested capacity is available and will get back to you within 2 working days. You will receive an email as soon as your request has been processed.",
      ],
      button: "View my request",
      footer:
        "You are receiving this email because a request was submitted on behalf of the {orgName} organisation on the {appName}.",
    },
  },
  request_approved: {
    fr: {
      subject: "Demande {requestRef} approuvée – {siteName}",
      preview: "Votre service sur le site {siteName} démarre le {startOn}.",
      heading: "Votre demande est approuvée",
      body: [
        "Bonjour,",
        `Bonne nouvelle${NBSP}: la demande {requestRef} de {orgName} pour le site {siteName} a été approuvée et le contrat correspondant a été créé.`,
        `Votre service démarre le {startOn}. Les ressources suivantes vous sont attribuées${NBSP}:`,
      ],
      outro: [
        `Montant mensuel récurrent${NBSP}: {monthlyAmount} HT.`,
        `Vous retrouverez le détail de votre contrat et de vos ressources dans la rubrique «${NBSP}Mes services${NBSP}» de votre espace client.`,
      ],
      button: "Voir mes services",
      footer:
        "Vous recevez cet e-mail parce qu’une demande de l’organisation {orgName} a été traitée sur le {appName}.",
    },
    en: {
      subject: "Request {requestRef} approved – {siteName}",
      preview: "Your service at the {siteName} site starts on {startOn}.",
      heading: "Your request has been approved",
      body: [
        "Hello,",
        "Good news: request {requestRef} from {orgName} for the {siteName} site has been approved and the corresponding contract has been created.",
        "Your service starts on {startOn}. The following resources have been assigned to you:",
      ],
      outro: [
        "Monthly recurring charge: {monthlyAmount} excl. VAT.",
        "You will find the details of your contract and resources under “My services” in your customer portal.",
      ],
      button: "View my services",
      footer:
        "You are receiving this email because a request from the {orgName} organisation was processed on the {appName}.",
    },
  },
  request_rejected: {
    fr: {
      subject: "Votre demande {requestRef} n’a pas pu être acceptée",
      preview: "Réponse du centre de données à votre demande pour le site {siteName}.",
      heading: "Votre demande n’a pas pu être acceptée",
      body: [
        "Bonjour,",
        "Nous avons étudié avec attention la demande {requestRef} de {orgName} pour le site {siteName}. Nous ne sommes malheureusement pas en mesure de l’accepter en l’état.",
        `Motif indiqué par le centre de données${NBSP}:`,
      ],
      outro: [
        "Vous pouvez soumettre une nouvelle demande qui tient compte de ces éléments, ou prendre contact avec le centre de données pour trouver ensemble une solution adaptée.",
        "Merci de votre compréhension.",
      ],
      button: "Voir ma demande",
      footer:
        "Vous recevez cet e-mail parce qu’une demande de l’organisation {orgName} a été traitée sur le {appName}.",
    },
    en: {
      subject: "Your request {requestRef} could not be approved",
      preview: "The data centre has replied to your request for the {siteName} site.",
      heading: "Your request could not be approved",
      body: [
        "Hello,",
        "We have carefully reviewed request {requestRef} from {orgName} for the {siteName} site. Unfortunately, we are unable to approve it as it stands.",
        "Reason given by the data centre:",
      ],
      outro: [
        "You are welcome to submit a new request that takes this into account, or to get in touch with the data centre so that we can find a suitable solution together.",
        "Thank you for your understanding.",
      ],
      button: "View my request",
      footer:
        "You are receiving this email because a request from the {orgName} organisation was processed on the {appName}.",
    },
  },
  org_verified: {
    fr: {
      subject: "Votre organisation {orgName} est vérifiée",
      preview: "Vous pouvez désormais demander des services sur le portail colocation.",
      heading: "Votre organisation est vérifiée",
      body: [
        "Bonjour,",
        "Le centre de données a vérifié l’organisation {orgName} sur le {appName}.",
        "Vous pouvez désormais demander des unités de baie, des baies, de la puissance, de la bande passante et des interconnexions, avec un devis et la disponibilité en direct.",
      ],
      button: "Faire une demande",
      footer:
        "Vous recevez cet e-mail parce que vous êtes propriétaire ou administrateur de l’organisation {orgName} sur le {appName}.",
    },
    en: {
      subject: "Your organisation {orgName} is verified",
      preview: "You can now request services on the colocation portal.",
      heading: "Your organisation is verified",
      body: [
        "Hello,",
        "The data centre has verified the {orgName} organisation on the {appName}.",
        "You can now request rack units, racks, power, bandwidth and cross-connects, with a live quote and live availability.",
      ],
      button: "Make a request",
      footer: "You are receiving this email because you are an owner or an admin of the {orgName} organisation on the {appName}.",
    },
  },
  org_suspended: {
    fr: {
      subject: "Votre organisation {orgName} est suspendue",
      preview: "Le centre de données a suspendu l’organisation {orgName}.",
      heading: "Votre organisation est suspendue",
      body: [
        "Bonjour,",
        "Le centre de données a suspendu l’organisation {orgName} sur le {appName}. Tant que la suspension dure, aucune nouvelle demande ne peut être soumise ; votre espace reste consultable.",
      ],
      detailLabel: `Motif indiqué par le centre de données${NBSP}:`,
      outro: ["Pour en savoir plus ou régulariser la situation, prenez contact avec le centre de données."],
      button: "Ouvrir mon espace",
      footer:
        "Vous recevez cet e-mail parce que vous êtes propriétaire ou administrateur de l’organisation {orgName} sur le {appName}.",
    },
    en: {
      subject: "Your organisation {orgName} is suspended",
      preview: "The data centre has suspended the {orgName} organisation.",
      heading: "Your organisation is suspended",
      body: [
        "Hello,",
        "The data centre has suspended the {orgName} organisation on the {appName}. While it is suspended, no new request can be submitted; your portal stays readable.",
      ],
      detailLabel: "Reason given by the data centre:",
      outro: ["To find out more or to settle the matter, please get in touch with the data centre."],
      button: "Open my portal",
      footer: "You are receiving this email because you are an owner or an admin of the {orgName} organisation on the {appName}.",
    },
  },
  termination_requested: {
    fr: {
      subject: "Demande de résiliation – contrat {contractRef} de {orgName}",
      preview: "{orgName} demande la résiliation du contrat {contractRef} au {endOn}.",
      heading: "Demande de résiliation à traiter",
      body: [
        "Bonjour,",
        "{requesterName} demande, au nom de {orgName}, la résiliation du contrat {contractRef} au site {siteName}, avec un dernier jour de service le {endOn}.",
      ],
      detailLabel: `Précisions du client${NBSP}:`,
      outro: ["Appliquez la résiliation ou déclinez-la depuis la fiche du contrat."],
      button: "Traiter la demande",
      footer:
        "Vous recevez cet e-mail parce que votre rôle d’opérateur vous permet de traiter les demandes de résiliation sur le {appName}.",
    },
    en: {
      subject: "Termination request – contract {contractRef} of {orgName}",
      preview: "{orgName} asks to terminate contract {contractRef} on {endOn}.",
      heading: "Termination request to handle",
      body: [
        "Hello,",
        "{requesterName} asks, on behalf of {orgName}, to terminate contract {contractRef} at the {siteName} site, with {endOn} as the last day of service.",
      ],
      detailLabel: "Details from the customer:",
      outro: ["Apply the termination or decline it from the contract's page."],
      button: "Handle the request",
      footer: "You are receiving this email because your operator role lets you handle termination requests on the {appName}.",
    },
  },
  termination_applied: {
    fr: {
      subject: "Résiliation du contrat {contractRef} confirmée – {siteName}",
      preview: "Dernier jour de service le {endOn}.",
      heading: "La résiliation de votre contrat est confirmée",
      body: [
        "Bonjour,",
        "Le centre de données a appliqué la résiliation du contrat {contractRef} de {orgName} au site {siteName}.",
        "Le dernier jour de service est le {endOn}${NBSP}: les ressources du contrat (unités, puissance, bande passante, interconnexions) restent à votre disposition jusqu’à cette date incluse, puis sont libérées.",
      ],
      detailLabel: `Note du centre de données${NBSP}:`,
      button: "Voir le contrat",
      footer:
        "Vous recevez cet e-mail parce que vous êtes propriétaire ou administrateur de l’organisation {orgName} sur le {appName}.",
    },
    en: {
      subject: "Termination of contract {contractRef} confirmed – {siteName}",
      preview: "Last day of service: {endOn}.",
      heading: "The termination of your contract is confirmed",
      body: [
        "Hello,",
        "The data centre has applied the termination of contract {contractRef} of {orgName} at the {siteName} site.",
        "The last day of service is {endOn}: the contract's resources (units, power, bandwidth, cross-connects) stay yours up to and including that day, and are released afterwards.",
      ],
      detailLabel: "Note from the data centre:",
      button: "View the contract",
      footer: "You are receiving this email because you are an owner or an admin of the {orgName} organisation on the {appName}.",
    },
  },
  request_cancelled: {
    fr: {
      subject: "Demande {requestRef} annulée – {siteName}",
      preview: "{cancelledBy} a annulé la demande {requestRef} de {orgName}.",
      heading: "Demande annulée",
      body: [
        "Bonjour,",
        "{cancelledBy} a annulé la demande {requestRef} de {orgName} pour le site {siteName}.",
        "Elle quitte la file d’attente du centre de données sans être étudiée ; aucune ressource n’a été attribuée.",
      ],
      button: "Voir la demande",
      footer: "Vous recevez cet e-mail parce que vous suivez les demandes de l’organisation {orgName} sur le {appName}.",
    },
    en: {
      subject: "Request {requestRef} cancelled – {siteName}",
      preview: "{cancelledBy} cancelled request {requestRef} of {orgName}.",
      heading: "Request cancelled",
      body: [
        "Hello,",
        "{cancelledBy} cancelled request {requestRef} of {orgName} for the {siteName} site.",
        "It leaves the data centre's queue without being reviewed; no resources were assigned.",
      ],
      button: "View the request",
      footer: "You are receiving this email because you follow the requests of the {orgName} organisation on the {appName}.",
    },
  },
  invoice_issued: {
    fr: {
      subject: "Facture {number} – {orgName} – {period}",
      preview: "Montant {total}, à régler avant le {dueOn} avec la référence {paymentReference}.",
      heading: "Votre facture {number} est disponible",
      body: [
        "Bonjour,",
        "Le centre de données {siteName} a émis la facture {number} de {orgName} pour {period}${NBSP}: {total}, à régler au plus tard le {dueOn}.",
        "Indiquez la référence de paiement {paymentReference} dans le libellé de votre virement ou de votre paiement mobile${NBSP}: il sera rapproché automatiquement. La facture est jointe en PDF.",
      ],
      button: "Voir la facture",
      footer: "Vous recevez cet e-mail parce que votre adresse est l’adresse de facturation de {orgName}, ou celle d’un de ses membres facturation ou propriétaires, sur le {appName}.",
    },
    en: {
      subject: "Invoice {number} – {orgName} – {period}",
      preview: "Amount {total}, due by {dueOn}, payment reference {paymentReference}.",
      heading: "Your invoice {number} is ready",
      body: [
        "Hello,",
        "The {siteName} data centre has issued invoice {number} of {orgName} for {period}: {total}, due by {dueOn}.",
        "Please quote the payment reference {paymentReference} in your bank transfer or mobile-money payment: it will be matched automatically. The invoice is attached as a PDF.",
      ],
      button: "View the invoice",
      footer: "You are receiving this email because your address is the billing address of {orgName}, or that of one of its billing members or owners, on the {appName}.",
    },
  },
  payment_received: {
    fr: {
      subject: "Paiement reçu – {amount} – {orgName}",
      preview: `Reste à payer${NBSP}: {outstanding}. Avoir disponible${NBSP}: {credit}.`,
      heading: "Nous avons reçu votre paiement",
      body: [
        "Bonjour,",
        "Nous avons enregistré le paiement de {orgName} de {amount}, reçu le {receivedOn} (référence {reference}). Il a été affecté aux factures ci-dessous.",
        `Reste à payer dans cette devise${NBSP}: {outstanding}. Avoir disponible${NBSP}: {credit}${NBSP}; il sera déduit de vos prochaines factures.`,
      ],
      button: "Voir mes factures",
      footer: "Vous recevez cet e-mail parce que votre adresse est l’adresse de facturation de {orgName}, ou celle d’un de ses membres facturation ou propriétaires, sur le {appName}.",
    },
    en: {
      subject: "Payment received – {amount} – {orgName}",
      preview: "Still due: {outstanding}. Credit available: {credit}.",
      heading: "We have received your payment",
      body: [
        "Hello,",
        "We have recorded the payment of {orgName} of {amount}, received on {receivedOn} (reference {reference}). It was applied to the invoices below.",
        "Still due in this currency: {outstanding}. Credit available: {credit}; it will be deducted from your next invoices.",
      ],
      button: "View my invoices",
      footer: "You are receiving this email because your address is the billing address of {orgName}, or that of one of its billing members or owners, on the {appName}.",
    },
  },
  // Payment reminders: one component (emails/payment-reminder.tsx), three tones.
  payment_reminder_upcoming: {
    fr: {
      subject: "Rappel amical – facture {number} à régler {dueIn}",
      preview: `Reste à payer${NBSP}: {balance}, échéance le {dueOn}, référence {paymentReference}.`,
      heading: "Votre facture {number} arrive à échéance",
      body: [
        "Bonjour,",
        `Un petit rappel${NBSP}: la facture {number} de {orgName} émise par {siteName} arrive à échéance le {dueOn} ({dueIn}). Reste à payer${NBSP}: {balance}.`,
      ],
      outro: [
        `Indiquez la référence {paymentReference} dans le libellé de votre virement ou de votre paiement mobile${NBSP}: il sera rapproché automatiquement. {statement}`,
        "Si vous avez déjà réglé cette facture, merci et ne tenez pas compte de ce message.",
      ],
      button: "Voir la facture",
      footer: "Vous recevez cet e-mail parce que votre adresse est l’adresse de facturation de {orgName}, ou celle d’un de ses membres facturation ou propriétaires, sur le {appName}.",
    },
    en: {
      subject: "Friendly reminder – invoice {number} due {dueIn}",
      preview: "Amount due: {balance}, due on {dueOn}, payment reference {paymentReference}.",
      heading: "Your invoice {number} is coming due",
      body: ["Hello,", "A friendly reminder: invoice {number} of {orgName} issued by {siteName} is due on {dueOn} ({dueIn}). Amount due: {balance}."],
      outro: [
        "Please quote the reference {paymentReference} in your bank transfer or mobile-money payment: it will be matched automatically. {statement}",
        "If you have already paid this invoice, thank you, and please disregard this message.",
      ],
      button: "View the invoice",
      footer: "You are receiving this email because your address is the billing address of {orgName}, or that of one of its billing members or owners, on the {appName}.",
    },
  },
  payment_reminder_overdue: {
    fr: {
      subject: "Facture {number} en retard de paiement – {balance}",
      preview: `La facture {number} était à régler le {dueOn}. Reste à payer${NBSP}: {balance}.`,
      heading: "Votre facture {number} est en retard",
      body: [
        "Bonjour,",
        `Sauf erreur de notre part, la facture {number} de {orgName} émise par {siteName}, échue le {dueOn}, n’est pas entièrement réglée (retard${NBSP}: {daysLate}). Reste à payer${NBSP}: {balance}.`,
        "Merci de procéder au règlement dans les meilleurs délais.",
      ],
      outro: [
        `Indiquez la référence {paymentReference} dans le libellé de votre virement ou de votre paiement mobile${NBSP}: il sera rapproché automatiquement. {statement}`,
        "Si votre paiement est en cours, merci et ne tenez pas compte de ce message.",
      ],
      button: "Voir la facture",
      footer: "Vous recevez cet e-mail parce que votre adresse est l’adresse de facturation de {orgName}, ou celle d’un de ses membres facturation ou propriétaires, sur le {appName}.",
    },
    en: {
      subject: "Invoice {number} is overdue – {balance}",
      preview: "Invoice {number} was due on {dueOn}. Amount due: {balance}.",
      heading: "Your invoice {number} is overdue",
      body: [
        "Hello,",
        "According to our records, invoice {number} of {orgName} issued by {siteName}, due on {dueOn}, has not been paid in full (overdue by {daysLate}). Amount due: {balance}.",
        "Please arrange payment as soon as possible.",
      ],
      outro: [
        "Please quote the reference {paymentReference} in your bank transfer or mobile-money payment: it will be matched automatically. {statement}",
        "If your payment is on its way, thank you, and please disregard this message.",
      ],
      button: "View the invoice",
      footer: "You are receiving this email because your address is the billing address of {orgName}, or that of one of its billing members or owners, on the {appName}.",
    },
  },
  payment_reminder_final: {
    fr: {
      subject: "Relance – facture {number} impayée depuis {daysLate} – {balance}",
      preview: `La facture {number} est échue depuis le {dueOn}. Reste à payer${NBSP}: {balance}.`,
      heading: "Facture {number} impayée : règlement attendu",
      body: [
        "Bonjour,",
        `La facture {number} de {orgName} émise par {siteName}, échue le {dueOn}, reste impayée depuis {daysLate}. Reste à payer${NBSP}: {balance}.`,
        "Nous vous demandons de régler ce montant sans délai. À défaut de règlement ou de nouvelles de votre part, nous pourrons être amenés à suspendre les services concernés, conformément à votre contrat.",
      ],
      outro: [
        `Indiquez la référence {paymentReference} dans le libellé de votre virement ou de votre paiement mobile${NBSP}: il sera rapproché automatiquement. {statement}`,
        `En cas de désaccord sur cette facture, contactez-nous par l’intermédiaire du portail${NBSP}: nous examinerons votre demande.`,
      ],
      button: "Voir la facture",
      footer: "Vous recevez cet e-mail parce que votre adresse est l’adresse de facturation de {orgName}, ou celle d’un de ses membres facturation ou propriétaires, sur le {appName}.",
    },
    en: {
      subject: "Payment demand – invoice {number} unpaid for {daysLate} – {balance}",
      preview: "Invoice {number} has been due since {dueOn}. Amount due: {balance}.",
      heading: "Invoice {number} unpaid: payment required",
      body: [
        "Hello,",
        "Invoice {number} of {orgName} issued by {siteName}, due on {dueOn}, has remained unpaid for {daysLate}. Amount due: {balance}.",
        "We ask you to pay this amount without delay. Without payment or word from you, we may have to suspend the services concerned, as your contract provides.",
      ],
      outro: [
        "Please quote the reference {paymentReference} in your bank transfer or mobile-money payment: it will be matched automatically. {statement}",
        "If you dispute this invoice, contact us through the portal and we will look into it.",
      ],
      button: "View the invoice",
      footer: "You are receiving this email because your address is the billing address of {orgName}, or that of one of its billing members or owners, on the {appName}.",
    },
  },
} satisfies Record<EmailTemplate, Record<Locale, EmailCopy>>;

export type EmailVars = Record<string, string | number>;

/** Replace `{name}` placeholders; unknown placeholders are left as they are. */
export function fill(text: string, vars: EmailVars): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** The copy of one template in one locale, placeholders filled (`appName` included). */
export function copyFor(template: EmailTemplate, locale: Locale, vars: EmailVars): EmailCopy {
  const copy: EmailCopy = messages[template][locale];
  const all = { appName: t(locale, "app.name"), ...vars };
  return {
    subject: fill(copy.subject, all),
    preview: fill(copy.preview, all),
    heading: fill(copy.heading, all),
    body: copy.body.map((p) => fill(p, all)),
    ...(copy.outro ? { outro: copy.outro.map((p) => fill(p, all)) } : {}),
    ...(copy.detailLabel ? { detailLabel: fill(copy.detailLabel, all) } : {}),
    button: fill(copy.button, all),
    footer: fill(copy.footer, all),
  };
}
