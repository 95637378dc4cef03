import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { COUNTRIES } from "./countries";
import { TENANT_ROLES } from "~/modules/auth/permissions";
import { LOCALES } from "~/i18n";


/** "Passwords differ" shows even while other fields are still wrong. */
const passwordsMatch = {
  path: ["passwordConfirm"],
  error: "error.passwordMismatch",
  when: (payload: { value: unknown }) => {
    const v = payload.value as { password?: unknown; passwordConfirm?: unknown } | undefined;
    return typeof v?.password === "string" && typeof v?.passwordConfirm === "string";
  },
};
const samePasswords = (v: { password: string; passwordConfirm: string }) => v.password === v.passwordConfirm;

export const SignUpForm = z
  .object({
    orgName: fields.text(200).pipe(z.string().min(2, { error: "error.tooShort" })),
    orgKind: fields.choice(["sme", "agency"]),
    taxId: fields.text(30).pipe(z.string().regex(/^[A-Za-z0-9./-]{4,30}$/, { error: "error.taxId" })),
    rccm: fields.optionalText(60),
    billingEmail: fields.email(),
    address: fields.text(300),
    country: z.enum(COUNTRIES, { error: "error.country" }),
    name: fields.text(120),
    email: fields.email(),
    password: fields.newPassword(),
    passwordConfirm: z.string({ error: "error.required" }),
    locale: z.enum(LOCALES as ["fr", "en"]).catch("fr"),
  })
  .refine(samePasswords, passwordsMatch);
export type SignUpInput = z.infer<typeof SignUpForm>;

export const SignInForm = z.object({
  email: fields.email(),
  password: fields.password(),
  redirectTo: z.string().optional(),
});

export const EmailForm = z.object({ email: fields.email() });

export const ResetPasswordForm = z
  .object({
    token: z.string().min(1).max(200),
    password: fields.newPassword(),
    passwordConfirm: z.string({ error: "error.required" }),
  })
  .refine(samePasswords, passwordsMatch);

export const ChangePasswordForm = z
  .object({
    currentPassword: fields.password(),
    password: fields.newPassword(),
    passwordConfirm: z.string({ error: "error.required" }),
  })
  .refine(samePasswords, passwordsMatch);

export const ProfileForm = z.object({
  name: fields.text(120),
  locale: z.enum(["fr", "en"], { error: "error.invalidChoice" }),
});

export const InviteForm = z.object({
  email: fields.email(),
  role: fields.choice(TENANT_ROLES),
});

export const ChangeRoleForm = z.object({
  userId: z.uuid({ error: "error.invalid" }),
  role: fields.choice(TENANT_ROLES),
});

export const AcceptInvitationForm = z
  .object({
    name: fields.text(120),
    password: fields.newPassword(),
    passwordConfirm: z.string({ error: "error.required" }),
  })
  .refine(samePasswords, passwordsMatch);

/** Operator: verify, suspend or reinstate an organisation. */
export const OrgStatusForm = z.object({
  transition: fields.choice(["verify", "suspend", "reinstate"]),
  reason: fields.optionalText(500),
});

/** `?status=` filter of the operator's organisation list; anything else means "all". */
export const OrgStatusFilter = z.enum(["pending", "verified", "suspended"]).optional().catch(undefined);
