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
    button: fill(copy.button, all),
    footer: fill(copy.footer, all),
  };
}
