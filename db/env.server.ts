import { z } from "zod";

/** Every environment variable the portal reads, validated once at boot. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  APP_URL: z.string().url("must be an absolute URL such as https://portal.example.org").optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Portail colocation <no-reply@localhost>"),
  SESSION_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** Card payments through Stripe are offered only when set (docs/stripe.md). */
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_[A-Za-z0-9_]+$/, "must be a Stripe secret key (sk_live_…, sk_test_… or rk_…)").optional(),
  /** Signing secret of the webhook endpoint POST /webhooks/stripe. */
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9_]+$/, "must be a webhook signing secret (whsec_…)").optional(),
  /** Another base URL for Stripe's API (a local fake or stripe-mock in tests); default Stripe's own. */
  STRIPE_API_URL: z.string().regex(/^https?:\/\/[^/]+\/?$/, "must be a base URL such as http://127.0.0.1:12111").optional(),
  /** Raw samples older than this many months (before this month) are dropped, whole monthly partitions at a time; unset = kept. */
  SAMPLES_RETENTION_MONTHS: z.coerce.number().int("must be a whole number of months").min(3, "must be at least 3 (a month is billed, and its late usage seen, before its samples go)").max(1200).optional(),
}).superRefine((value, ctx) => {
  // Links in e-mails come from configuration only, never from a request's Host header.
  if (value.NODE_ENV === "production" && !value.APP_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["APP_URL"],
      message: "is required in production: the public base URL of the portal, e.g. https://portal.example.org (e-mail links are built from it)",
    });
  }
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

export const isProduction = () => env().NODE_ENV === "production";

/** Forget the validated environment so the next `env()` reads `process.env` again (tests only). */
export function resetEnvCache() {
  cached = undefined;
}
