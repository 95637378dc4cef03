import type { Locale } from "~/i18n";
import { t } from "~/i18n";
import type { EmailTemplate } from "./index";

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

export const messages = {
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
    button: fill(copy.button, all),
    footer: fill(copy.footer, all),
  };
}
