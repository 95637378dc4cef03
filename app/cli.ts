/**
 * Operator automation: `npm run -s cli -- <command> [options]`.
 * Each command is one entry in `commands`; later features add theirs here.
 * Output meant for scripts (an id, a token) is printed alone on the last line.
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { closeDb, getDb } from "#db/client.server";
import { DataDirLockedError } from "#db/lock.server";
import { migrateToLatest } from "#db/migrate.server";
import { seed } from "../seeds/index.server";
import { OPERATOR_ROLES } from "~/modules/auth/permissions";
import { createOperator } from "~/modules/auth/operators.server";
import { purgeExpiredAuthData } from "~/modules/auth/housekeeping.server";
import { deliverDueEmails, smtpSender } from "~/modules/email/outbox.server";
import { listSites } from "~/modules/inventory/sites.server";
import { TOKEN_SCOPES, createApiToken } from "~/modules/metering/tokens.server";
import { env } from "#db/env.server";
import { enqueue, runJobToCompletion } from "~/modules/jobs/jobs.server";
import { BILLING_RUN_KIND, billingRunKey, parseBillingPeriod } from "~/modules/billing/run.server";
import { BILLING_ISSUE_KIND, billingIssueKey, completeIssuedDocuments, type IssueAllResult } from "~/modules/billing/issue.server";
import { attachCreditNoteDocument } from "~/modules/billing/credit-notes.server";
import { parseNumber } from "~/modules/billing/numbering.server";
import { RateError, setRate } from "~/modules/billing/rates.server";
import { statementImportCommand } from "~/modules/payments/statements/cli.server";
import { REMINDERS_KIND, remindersKey } from "~/modules/payments/reminders.server";
import { RENEWALS_KIND, renewalsKey } from "~/modules/renewals/renewals.server";
import { SITE_ACCESS_KIND, siteAccessKey } from "~/modules/siteaccess/daily.server";
import { dayIn } from "~/utils/dates";
import { writeFile } from "node:fs/promises";
import type { PaymentMethod } from "#db/schema";
import { currencyDecimals } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import {
  allocateOldestFirst,
  openInvoices,
  PAYMENT_CURRENCIES,
  PAYMENT_METHODS,
  recordPayment,
  validDate,
  type PaymentCurrency,
  type PaymentError,
} from "~/modules/payments/payments.server";

type Command = { summary: string; usage: string; run(args: string[]): Promise<void> };

/** Enqueue the day's run of a daily job (the one the server schedules) and run it here to the end. */
async function runDailyJob(kind: string, keyOf: (day: string) => string) {
  const db = await getDb();
  const day = dayIn("UTC");
  const { job } = await enqueue(db, { kind, key: keyOf(day), payload: { day } });
  const ended = await runJobToCompletion(db, job.id);
  if (ended.status !== "done") throw new Error(`${kind} failed: ${ended.error ?? "unknown error"}`);
  return ended.result;
}

const commands: Record<string, Command> = {
  migrate: {
    summary: "Apply pending database migrations",
    usage: "migrate",
    async run() {
      const applied = await migrateToLatest(await getDb());
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
    },
  },
  seed: {
    summary: "Seed reference data (and demo accounts outside production)",
    usage: "seed [--no-demo]",
    async run(args) {
      const { values } = parseArgs({ args, options: { "no-demo": { type: "boolean" } } });
      const db = await getDb();
      await migrateToLatest(db);
      const demo = !values["no-demo"] && env().NODE_ENV !== "production";
      console.log(JSON.stringify(await seed(db, { demo })));
    },
  },
  "operator create": {
    summary: "Create an operator account; prints its one-time password",
    usage: `operator create --email EMAIL --name NAME --role ${OPERATOR_ROLES.join("|")}`,
    async run(args) {
      const { values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } } });
      const input = z
        .object({ email: z.string().trim().toLowerCase().pipe(z.email()), name: z.string().trim().min(1), role: z.enum(OPERATOR_ROLES) })
        .safeParse(values);
      if (!input.success) throw new UsageError(input.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
      const password = randomBytes(12).toString("base64url");
      const result = await (await getDb()).transaction().execute((trx) => createOperator(trx, { ...input.data, password }));
      if (!result.ok) throw new UsageError(`An account already exists for ${input.data.email}.`);
      console.log(`Operator ${input.data.email} (${input.data.role}) created. One-time password:`);
      console.log(password);
    },
  },
  "token create": {
    summary: "Create an API token for a site's collectors; prints the token once",
    usage: `token create --site CODE --scope ${TOKEN_SCOPES.join("|")} [--scope …] --name NAME`,
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { site: { type: "string" }, scope: { type: "string", multiple: true }, name: { type: "string" } },
      });
      const input = z
        .object({
          site: z.string({ error: "is required (LDC, KIN, BZV…)" }).trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: "must be a site code such as LDC" }),
          scope: z
            .array(z.enum(TOKEN_SCOPES, { error: `must be ${TOKEN_SCOPES.join(" or ")}` }), { error: "is required (repeat it for several scopes)" })
            .min(1, { error: "is required (repeat it for several scopes)" }),
          name: z.string({ error: "is required" }).trim().min(1, { error: "is required" }).max(100, { error: "is too long (100 characters at most)" }),
        })
        .safeParse(values);
      if (!input.success) throw new UsageError(input.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n"));
      const db = await getDb();
      const sites = await listSites(db);
      const site = sites.find((s) => s.code === input.data.site);
      if (!site) throw new UsageError(`Unknown site ${input.data.site} (sites: ${sites.map((s) => s.code).join(", ") || "none, seed the database first"}).`);
      const scopes = TOKEN_SCOPES.filter((s) => input.data.scope.includes(s));
      // No signed-in user: the audit entry has no actor.
      const { token } = await db.transaction().execute((trx) => createApiToken(trx, { siteId: site.id, name: input.data.name, scopes, actor: null, via: "cli" }));
      console.log(`API token "${input.data.name}" created for ${site.code} (${scopes.join(", ")}). Store it now: it cannot be shown again.`);
      console.log(token);
    },
  },
  "outbox deliver": {
    summary: "Deliver the e-mails that are due now over SMTP_URL, once",
    usage: "outbox deliver",
    async run() {
      const { SMTP_URL, MAIL_FROM } = env();
      if (!SMTP_URL) throw new UsageError("SMTP_URL is not set: e-mails stay in the outbox.");
      console.log(JSON.stringify(await deliverDueEmails(await getDb(), smtpSender(SMTP_URL, MAIL_FROM))));
    },
  },
  "billing run": {
    summary: "Create or recompute the draft invoices of a site and month (a job, run here to the end)",
    usage: "billing run --site CODE --period YYYY-MM",
    async run(args) {
      const { code, period } = await siteAndPeriod(args);
      const db = await getDb();
      const { job } = await enqueue(db, { kind: BILLING_RUN_KIND, key: billingRunKey(code, period), payload: { siteCode: code, period } });
      const ended = await runJobToCompletion(db, job.id);
      if (ended.status !== "done") throw new Error(`billing run failed: ${ended.error ?? "unknown error"}`);
      // Keys in the order of the contract (jsonb does not keep it).
      const r = ended.result as { invoices: number; issued: number };
      console.log(JSON.stringify({ site: code, period, invoices: r.invoices, issued: r.issued }));
    },
  },
  "renewals run": {
    summary: "Run today's renewals now: notices due, tacit renewals (a job, run here to the end; safe to repeat)",
    usage: "renewals run",
    async run() {
      console.log(JSON.stringify(await runDailyJob(RENEWALS_KIND, renewalsKey)));
    },
  },
  "siteaccess run": {
    summary: "Run today's site access job now: identity numbers past VISIT_ID_RETENTION_DAYS purged, badge reminders due (a job, run here to the end; safe to repeat)",
    usage: "siteaccess run",
    async run() {
      console.log(JSON.stringify(await runDailyJob(SITE_ACCESS_KIND, siteAccessKey)));
    },
  },
  "reminders run": {
    summary: "Run today's payment reminders now (a job, run here to the end; each step is sent once)",
    usage: "reminders run",
    async run() {
      console.log(JSON.stringify(await runDailyJob(REMINDERS_KIND, remindersKey)));
    },
  },
  "billing issue": {
    summary: "Issue every draft invoice of a site and month (numbers, PDFs, e-mails; a job, run here to the end)",
    usage: "billing issue --site CODE --period YYYY-MM",
    async run(args) {
      const { code, period } = await siteAndPeriod(args);
      const db = await getDb();
      const { job } = await enqueue(db, { kind: BILLING_ISSUE_KIND, key: billingIssueKey(code, period), payload: { siteCode: code, period, actor: null } });
      const ended = await runJobToCompletion(db, job.id);
      if (ended.status !== "done") throw new Error(`billing issue failed: ${ended.error ?? "unknown error"}`);
      const r = ended.result as IssueAllResult;
      for (const f of r.failed) console.error(`Not issued: ${f.orgName} (${f.code})`);
      console.log(JSON.stringify({ issued: r.issued.length, numbers: r.issued.map((i) => i.number) }));
      if (r.failed.length) process.exitCode = 1;
    },
  },
  "invoice pdf": {
    summary: "Write the stored PDF of an issued invoice or credit note",
    usage: "invoice pdf NUMBER --out FILE",
    async run(args) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" } } });
      const number = positionals[0]?.trim().toUpperCase() ?? "";
      const parsed = parseNumber(number);
      if (!parsed || positionals.length !== 1) throw new UsageError("NUMBER: an invoice or credit note number such as LDC-2026-000001 or LDC-AV-2026-000001");
      if (!values.out?.trim()) throw new UsageError("--out: the file to write is required");
      const db = await getDb();
      const lookup = async () =>
        parsed.series === "invoice"
          ? db.selectFrom("invoices").select(["id", "document_id"]).where("number", "=", number).executeTakeFirst()
          : db.selectFrom("credit_notes").select(["id", "document_id"]).where("number", "=", number).executeTakeFirst();
      let row = await lookup();
      if (!row) throw new UsageError(`No ${parsed.series === "invoice" ? "invoice" : "credit note"} numbered ${number}.`);
      if (!row.document_id) {
        if (parsed.series === "invoice") await completeIssuedDocuments(db);
        else await attachCreditNoteDocument(db, row.id);
        row = await lookup();
      }
      const doc = await db.selectFrom("documents").select(["content", "sha256", "byte_size"]).where("id", "=", row!.document_id!).executeTakeFirstOrThrow();
      await writeFile(values.out, doc.content);
      console.log(JSON.stringify({ number, sha256: doc.sha256, bytes: doc.byte_size }));
    },
  },
  "rate set": {
    summary: "Record the exchange rate of a day (e.g. the central bank's USD→CDF rate)",
    usage: "rate set --from USD --to CDF --on YYYY-MM-DD --rate DECIMAL",
    async run(args) {
      const { values } = parseArgs({ args, options: { from: { type: "string" }, to: { type: "string" }, on: { type: "string" }, rate: { type: "string" } } });
      const db = await getDb();
      try {
        const rate = await db.transaction().execute((trx) =>
          setRate(trx, { from: values.from ?? "", to: values.to ?? "", on: values.on ?? "", rate: values.rate ?? "", actor: null }),
        );
        console.log(JSON.stringify({ from: rate.from, to: rate.to, on: rate.on, rate: rate.rate }));
      } catch (error) {
        if (!(error instanceof RateError)) throw error;
        const why = {
          bad_currency: "--from/--to: currencies among XOF, XAF, USD, EUR, CDF",
          same_currency: "--from and --to must differ",
          bad_date: "--on: a real day YYYY-MM-DD between 2000-01-01 and 2100-12-31",
          bad_rate: "--rate: a positive decimal with a dot, at most 12 digits and 6 decimals (e.g. 2841.5)",
        }[error.code];
        throw new UsageError(why);
      }
    },
  },
  "payment record": {
    summary: "Record a payment received from an organisation (by NIF), allocated to the given invoices or oldest due first; the rest becomes credit",
    usage: `payment record --org NIF --currency ${PAYMENT_CURRENCIES.join("|")} --amount DECIMAL --method ${PAYMENT_METHODS.join("|")} --reference REF --on YYYY-MM-DD [--invoice NUMBER …]`,
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          org: { type: "string" },
          currency: { type: "string" },
          amount: { type: "string" },
          method: { type: "string" },
          reference: { type: "string" },
          on: { type: "string" },
          payer: { type: "string" },
          invoice: { type: "string", multiple: true },
        },
      });
      const currency = values.currency?.trim().toUpperCase() ?? "";
      if (!(PAYMENT_CURRENCIES as readonly string[]).includes(currency)) throw new UsageError(`--currency: one of ${PAYMENT_CURRENCIES.join(", ")}`);
      const method = values.method?.trim() ?? "";
      if (!(PAYMENT_METHODS as readonly string[]).includes(method)) throw new UsageError(`--method: one of ${PAYMENT_METHODS.join(", ")}`);
      const amount = /^\d+(\.\d+)?$/.test(values.amount ?? "") ? decimalToMinor(values.amount!, currencyDecimals(currency)) : null;
      if (!amount?.ok || amount.minor <= 0) throw new UsageError(`--amount: a positive decimal in major units with a dot (${currencyDecimals(currency)} decimals at most for ${currency})`);
      if (!values.on || !validDate(values.on)) throw new UsageError("--on: a real day YYYY-MM-DD between 2000-01-01 and 2100-12-31");
      const db = await getDb();
      const org = values.org ? await db.selectFrom("organisations").select(["id"]).where("tax_id", "=", values.org.trim()).execute() : [];
      if (org.length !== 1) throw new UsageError("--org: the NIF (tax id) of exactly one organisation");
      const numbers = [...new Set(values.invoice ?? [])];
      const invoices = numbers.length
        ? await db.selectFrom("invoices").select(["id", "number"]).where("org_id", "=", org[0].id).where("number", "in", numbers).execute()
        : [];
      const unknown = numbers.filter((n) => !invoices.some((i) => i.number === n));
      if (unknown.length) throw new UsageError(`--invoice: not an invoice of this organisation: ${unknown.join(", ")}`);
      const result = await db.transaction().execute(async (trx) => {
        // Given invoices are settled in the order given, each up to its balance (all open ones of the currency otherwise).
        let allocations: "auto" | { invoiceId: string; amountMinor: number }[] = "auto";
        if (invoices.length) {
          const open = await openInvoices(trx, org[0].id, currency as PaymentCurrency, { lock: true, ids: invoices.map((i) => i.id) });
          const ordered = numbers.map((n) => open.find((o) => o.number === n)).filter((o): o is NonNullable<typeof o> => Boolean(o));
          if (ordered.length !== numbers.length) return { ok: false as const, error: "invoice_not_open" as const };
          allocations = allocateOldestFirst(amount.minor, ordered);
        }
        return recordPayment(trx, {
          orgId: org[0].id,
          currency: currency as PaymentCurrency,
          amountMinor: amount.minor,
          method: method as PaymentMethod,
          reference: values.reference ?? "",
          payer: values.payer ?? null,
          receivedOn: values.on!,
          allocations,
          actor: null,
        });
      });
      if (!result.ok) {
        const why: Partial<Record<PaymentError, string>> = {
          bad_reference: "--reference: 1 to 200 characters, no control characters",
          bad_date: "--on: not in the future",
          duplicate_reference: "--reference: a payment of this organisation with this method and reference is already recorded",
          invoice_not_open: "--invoice: every invoice must be issued, in this currency, with a balance",
        };
        throw new UsageError(why[result.error] ?? `refused: ${result.error}`);
      }
      console.log(JSON.stringify({ payment: result.paymentId, allocated: result.allocated.map((a) => ({ number: a.number, amount_minor: a.amountMinor })), credit_minor: result.creditMinor }));
    },
  },
  "statement import": {
    summary: "Import a bank or mobile-money statement (csv = date,amount,currency,label,transaction_id) and match its lines",
    usage: "statement import --site CODE --file FILE --format csv|mt940|camt053",
    async run(args) {
      const outcome = await statementImportCommand(await getDb(), args);
      if (!outcome.ok) throw new UsageError(outcome.usage);
      console.log(outcome.json);
    },
  },
  "auth purge": {
    summary: "Delete expired sessions, ended sign-in limit counters and old one-time tokens (the server does it hourly)",
    usage: "auth purge",
    async run() {
      console.log(JSON.stringify(await purgeExpiredAuthData(await getDb())));
    },
  },
};

class UsageError extends Error {}

/** `--site CODE --period YYYY-MM`, checked against the sites of the database. */
async function siteAndPeriod(args: string[]) {
  const { values } = parseArgs({ args, options: { site: { type: "string" }, period: { type: "string" } } });
  const code = values.site?.trim().toUpperCase();
  if (!code || !/^[A-Z]{3}$/.test(code)) throw new UsageError("--site: is required, a site code such as LDC");
  const period = parseBillingPeriod(values.period);
  if (!period) throw new UsageError("--period: must be a month YYYY-MM between 2000-01 and 2100-12");
  const sites = await listSites(await getDb());
  if (!sites.some((s) => s.code === code)) throw new UsageError(`Unknown site ${code} (sites: ${sites.map((s) => s.code).join(", ") || "none, seed the database first"}).`);
  return { code, period };
}

function help() {
  console.log("Usage: npm run -s cli -- <command> [options]\n\nCommands:");
  for (const command of Object.values(commands)) console.log(`  ${command.usage.padEnd(60)} ${command.summary}`);
}

async function main(argv: string[]) {
  const name = [argv.slice(0, 2).join(" "), argv[0]].find((n) => n && n in commands);
  if (!name) {
    help();
    return argv.length && !["help", "--help", "-h"].includes(argv[0]) ? 2 : 0;
  }
  try {
    await commands[name].run(argv.slice(name.split(" ").length));
    // A command that finished with a partial failure (e.g. drafts left unissued) has set it.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(error as Error).message}\nUsage: npm run -s cli -- ${commands[name].usage}`);
      return 2;
    }
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      return 1;
    }
    console.error(error);
    return 1;
  } finally {
    await closeDb();
  }
}

process.exitCode = await main(process.argv.slice(2));
