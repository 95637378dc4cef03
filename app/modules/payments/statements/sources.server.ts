import { z } from "zod";
import type { Selectable } from "kysely";
import type { StatementSourcesTable } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { fields } from "~/utils/forms.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import { DATE_FORMATS, SOURCE_FORMATS, SOURCE_KINDS, SOURCE_METHODS } from "./constants";
import type { StatementLayout } from "./index";

/**
 * Statement sources: a site's bank account or mobile-money wallet, the method its lines become,
 * its file format and, for CSV, the saved column mapping (see `CsvMapping`).
 */
/** As the form names them ("tab" for a tab). */
export const DELIMITERS = { comma: ",", semicolon: ";", pipe: "|", tab: "\t" } as const;
export type DelimiterName = keyof typeof DELIMITERS;
export const DECIMAL_SEPARATORS = { dot: ".", comma: "," } as const;

type SourceRow = Selectable<StatementSourcesTable>;

export function sourceLayout(source: SourceRow): StatementLayout {
  if (source.format !== "csv") return { format: source.format };
  return {
    format: "csv",
    mapping: {
      delimiter: source.csv_delimiter ?? ",",
      dateColumn: source.csv_date_column ?? "date",
      amountColumn: source.csv_amount_column ?? "amount",
      currencyColumn: source.csv_currency_column,
      labelColumn: source.csv_label_column ?? "label",
      transactionIdColumn: source.csv_transaction_id_column,
      payerColumn: source.csv_payer_column,
      dateFormat: source.csv_date_format ?? "YYYY-MM-DD",
      decimalSeparator: source.csv_decimal_separator ?? ".",
    },
  };
}

const column = () => fields.optionalText(100);

/** The source form; the CSV columns are required only for the CSV format. */
export const SourceForm = z
  .object({
    site: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: "error.invalidChoice" }),
    name: fields.text(100),
    kind: fields.choice(SOURCE_KINDS),
    method: fields.choice(SOURCE_METHODS),
    format: fields.choice(SOURCE_FORMATS),
    delimiter: fields.choice(Object.keys(DELIMITERS) as [DelimiterName, ...DelimiterName[]]).optional(),
    dateColumn: column(),
    amountColumn: column(),
    currencyColumn: column(),
    labelColumn: column(),
    transactionIdColumn: column(),
    payerColumn: column(),
    dateFormat: fields.choice(DATE_FORMATS).optional(),
    decimalSeparator: fields.choice(["dot", "comma"]).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.format !== "csv") return;
    for (const key of ["delimiter", "dateColumn", "amountColumn", "labelColumn", "dateFormat", "decimalSeparator"] as const) {
      if (!v[key]) ctx.addIssue({ code: "custom", path: [key], message: "error.required" });
    }
  });
export type SourceInput = z.infer<typeof SourceForm>;

export type SourceError = "site_not_found" | "source_not_found" | "duplicate_name";

export async function listSources(db: Executor, siteCode?: string) {
  let q = db
    .selectFrom("statement_sources as ss")
    .innerJoin("sites as s", "s.id", "ss.site_id")
    .selectAll("ss")
    .select(["s.code as site_code", "s.currency as site_currency"]);
  if (siteCode) q = q.where("s.code", "=", siteCode);
  return q.orderBy("s.code").orderBy("ss.name").execute();
}

export async function saveSource(trx: Trx, input: { id?: string; data: SourceInput; actor: Actor }): Promise<{ ok: true; id: string } | { ok: false; error: SourceError }> {
  const site = await trx.selectFrom("sites").select(["id", "code"]).where("code", "=", input.data.site).executeTakeFirst();
  if (!site) return { ok: false, error: "site_not_found" };
  const d = input.data;
  const csv = d.format === "csv";
  const values = {
    site_id: site.id,
    name: d.name,
    kind: d.kind,
    method: d.method,
    format: d.format,
    csv_delimiter: csv && d.delimiter ? DELIMITERS[d.delimiter] : null,
    csv_date_column: csv ? (d.dateColumn ?? null) : null,
    csv_amount_column: csv ? (d.amountColumn ?? null) : null,
    csv_currency_column: csv ? (d.currencyColumn ?? null) : null,
    csv_label_column: csv ? (d.labelColumn ?? null) : null,
    csv_transaction_id_column: csv ? (d.transactionIdColumn ?? null) : null,
    csv_payer_column: csv ? (d.payerColumn ?? null) : null,
    csv_date_format: csv ? ((d.dateFormat as SourceRow["csv_date_format"]) ?? null) : null,
    csv_decimal_separator: csv && d.decimalSeparator ? DECIMAL_SEPARATORS[d.decimalSeparator as "dot" | "comma"] : null,
  };
  let before: SourceRow | undefined;
  if (input.id !== undefined) {
    if (!isUuid(input.id)) return { ok: false, error: "source_not_found" };
    before = await trx.selectFrom("statement_sources").selectAll().where("id", "=", input.id).forUpdate().executeTakeFirst();
    if (!before) return { ok: false, error: "source_not_found" };
  }
  let id: string;
  try {
    id = await withSavepoint(trx, async () => {
      if (before) {
        await trx
          .updateTable("statement_sources")
          .set({ ...values, updated_at: new Date() })
          .where("id", "=", before.id)
          .execute();
        return before.id;
      }
      const row = await trx
        .insertInto("statement_sources")
        .values({ ...values, created_by: input.actor.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    });
  } catch (error) {
    if (isUniqueViolation(error, "statement_sources_name_key")) return { ok: false, error: "duplicate_name" };
    throw error;
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: before ? "statement.source_updated" : "statement.source_created",
    entityType: "statement_source",
    entityId: id,
    before: before ? { ...before, created_at: undefined, updated_at: undefined } : undefined,
    after: { ...values, site: site.code },
  });
  return { ok: true, id };
}
