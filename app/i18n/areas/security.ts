/** Messages of the security hardening (outbox banner, limits, duplicates). Keys start with "security.". */
export const securityFr = {
  "security.outbox.devBanner":
    "Mode développement : les liens secrets (vérification d'adresse, réinitialisation de mot de passe, invitation) sont lisibles ici parce que l'outbox tient lieu de serveur de messagerie. En production, ils sont masqués.",
  "security.outbox.redacted":
    "Les liens secrets (vérification, réinitialisation, invitation) sont masqués : seul leur destinataire les reçoit, par e-mail.",
  "security.alreadyMemberHere": "Cette personne est déjà membre de votre organisation.",
  "security.tooManyPasswordAttempts": "Trop de tentatives avec un mot de passe actuel erroné. Réessayez dans un quart d'heure.",
  "security.tooManySignUps": "Trop d'inscriptions depuis cette adresse réseau. Réessayez dans une heure.",
  "security.signUpConflict": "Un compte vient d'être créé avec cette adresse e-mail.",
} as const;

export const securityEn: Record<keyof typeof securityFr, string> = {
  "security.outbox.devBanner":
    "Development mode: secret links (address verification, password reset, invitation) are readable here because the outbox stands in for a mail server. In production they are hidden.",
  "security.outbox.redacted":
    "Secret links (verification, reset, invitation) are hidden: only their recipient gets them, by e-mail.",
  "security.alreadyMemberHere": "This person is already a member of your organisation.",
  "security.tooManyPasswordAttempts": "Too many attempts with a wrong current password. Try again in a quarter of an hour.",
  "security.tooManySignUps": "Too many sign-ups from this network address. Try again in an hour.",
  "security.signUpConflict": "An account has just been created with this e-mail address.",
};
