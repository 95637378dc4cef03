import {
  json,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type UploadHandler,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { listSites } from "~/modules/inventory/sites.server";
import { MAX_BODY_BYTES, MAX_SAMPLES, METRICS } from "~/modules/metering/ingest.server";
import { importSamplesCsv, type ImportIssue } from "~/modules/metering/import.server";
import { pickSite } from "~/modules/metering/schemas.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const sites = await listSites(await getDb());
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    defaultSite: pickSite(sites, new URL(request.url).searchParams.get("site"))?.code ?? sites[0]?.code ?? "",
    canManage: operatorCan(user.operatorRole, "usage:manage"),
    limits: { samples: MAX_SAMPLES, megabytes: MAX_BODY_BYTES / 1024 / 1024 },
    metrics: [...METRICS],
  });
}

type ActionData = {
  errors?: FieldErrors;
  formError?: MessageKey;
  site?: string;
  fileName?: string;
  issues?: ImportIssue[];
  truncated?: boolean;
  imported?: { samples: number; accepted: number; duplicates: number };
};

/** Room for the other form fields and the multipart framing around a file of at most 5 MB. */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * Keeps the `site` field and the `file` (≤ 5 MB, in memory); reads and drops any other part. Every
 * byte of every part counts against one budget, so no request can make the server buffer more.
 */
function uploadHandler(): UploadHandler {
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_BODY_BYTES });
  let total = 0;
  return async (part) => {
    const counted: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of part.data) {
          total += chunk.byteLength;
          if (total > MAX_BODY_BYTES + ENVELOPE_BYTES) throw new MaxPartSizeExceededError(part.name, MAX_BODY_BYTES);
          yield chunk;
        }
      },
    };
    if (part.name === "file" || part.name === "site") return memory({ ...part, data: counted });
    for await (const _ of counted); // eslint-disable-line @typescript-eslint/no-unused-vars
    return undefined;
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "usage:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const reply = (data: ActionData, status = 200) => json<ActionData>(data, { status });
  const tooLarge = () => reply({ errors: { file: "meteringOps.import.tooLarge" } }, 400);

  if (Number(request.headers.get("Content-Length")) > MAX_BODY_BYTES + ENVELOPE_BYTES) return tooLarge();
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, uploadHandler());
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooLarge();
    return reply({ formError: "meteringOps.import.unreadable" }, 400);
  }
  const siteValue = formData.get("site");
  const site = pickSite(await listSites(await getDb()), typeof siteValue === "string" && siteValue ? siteValue : "-");
  const file = formData.get("file");
  const siteCode = typeof siteValue === "string" ? siteValue : undefined;
  if (!site) return reply({ errors: { site: "error.invalidChoice" }, site: siteCode }, 400);
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return reply({ errors: { file: "meteringOps.import.chooseFile" }, site: site.code }, 400);

  const fileName = file.name;
  const result = await inTransactionOrRollback(async (trx) => importSamplesCsv(trx, { siteId: site.id, text: await file.text(), fileName, actor }));
  if (result.ok) return reply({ site: site.code, fileName, imported: { samples: result.samples, accepted: result.accepted, duplicates: result.duplicates } });
  if (result.error === "too_many") return reply({ errors: { file: "meteringOps.import.tooMany" }, site: site.code, fileName }, 400);
  if (result.error === "empty") return reply({ errors: { file: "meteringOps.import.empty" }, site: site.code, fileName }, 400);
  return reply({ errors: { file: "meteringOps.import.rejected" }, site: site.code, fileName, issues: result.issues, truncated: result.truncated }, 400);
}

const issueKey: Record<ImportIssue["problem"], MessageKey> = {
  header: "meteringOps.issue.header",
  malformed: "meteringOps.issue.malformed",
  meter: "meteringOps.issue.meter",
  unknownMeter: "meteringOps.issue.unknownMeter",
  metric: "meteringOps.issue.metric",
  at: "meteringOps.issue.at",
  atTooEarly: "meteringOps.issue.atTooEarly",
  atFuture: "meteringOps.issue.atFuture",
  value: "meteringOps.issue.value",
  valueTooLarge: "meteringOps.issue.valueTooLarge",
  invalid: "meteringOps.issue.invalid",
};

export default function ImportSamples() {
  const { sites, defaultSite, canManage, limits, metrics } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const sending = navigation.state === "submitting";
  const siteName = (code?: string) => sites.find((s) => s.code === code)?.name ?? code ?? "";
  const fileError = data?.errors?.file;
  const n = (value: number) => format.number(value);

  return (
    <>
      {!canManage ? <Alert kind="info">{tr("meteringOps.readOnly")}</Alert> : null}

      {data?.imported ? (
        <section className="card metering-result" aria-labelledby="result-title">
          <h2 id="result-title">{tr("meteringOps.import.doneTitle")}</h2>
          <p className="muted">{tr("meteringOps.import.doneFor", { file: data.fileName ?? "", site: `${data.site} — ${siteName(data.site)}` })}</p>
          <div className="tiles metering-tiles">
            <div className="tile">
              <span className="tile-label">{tr("meteringOps.import.lines")}</span>
              <strong>{n(data.imported.samples)}</strong>
            </div>
            <div className="tile metering-tile--ok">
              <span className="tile-label">{tr("meteringOps.import.accepted")}</span>
              <strong>{n(data.imported.accepted)}</strong>
            </div>
            <div className="tile">
              <span className="tile-label">{tr("meteringOps.import.duplicates")}</span>
              <strong>{n(data.imported.duplicates)}</strong>
            </div>
            <div className="tile">
              <span className="tile-label">{tr("meteringOps.import.errors")}</span>
              <strong>0</strong>
            </div>
          </div>
          {data.imported.duplicates > 0 ? <p className="hint">{tr("meteringOps.import.duplicatesHint")}</p> : null}
          <p className="metering-result-next">
            <Link to={`/ops/metering?site=${data.site}`}>{tr("meteringOps.import.seeMeters", { site: data.site ?? "" })} →</Link>
          </p>
        </section>
      ) : null}

      {data?.issues ? (
        <section className="card metering-result metering-result--failed" aria-labelledby="issues-title">
          <h2 id="issues-title">{tr("meteringOps.import.failedTitle", { count: data.issues.length, truncated: data.truncated ? "yes" : "no" })}</h2>
          <Alert>{tr("meteringOps.import.nothingStored", { file: data.fileName ?? "" })}</Alert>
          <div className="table-scroll">
            <table className="table table--compact metering-issues">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {tr("meteringOps.import.line")}
                  </th>
                  <th scope="col">{tr("meteringOps.import.column")}</th>
                  <th scope="col">{tr("meteringOps.import.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {data.issues.map((issue, i) => (
                  <tr key={i}>
                    <td className="num mono">{issue.line ?? "—"}</td>
                    <td>{issue.column ? <code>{issue.column}</code> : <span className="muted">—</span>}</td>
                    <td>{tr(issueKey[issue.problem], { meter: issue.meter ?? "", metrics: metrics.join(", ") })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.truncated ? <p className="hint">{tr("meteringOps.import.truncated", { count: n(data.issues.length) })}</p> : null}
        </section>
      ) : null}

      <div className="grid-2 grid-2--top metering-grid">
        {canManage ? (
          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">{tr("meteringOps.import.title")}</h2>
            <FormErrors formError={data?.formError} errors={data?.errors && !data.issues ? data.errors : undefined} />
            <Form method="post" encType="multipart/form-data" noValidate className="metering-import" key={data?.imported ? `${data.fileName}-${data.imported.accepted}` : "import"}>
              <SelectField
                name="site"
                label={tr("common.site")}
                errors={data?.errors}
                defaultValue={data?.site ?? defaultSite}
                options={sites.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))}
              />
              <div className={`field${fileError ? " field--error" : ""}`}>
                <label htmlFor="f-file">{tr("meteringOps.import.file")}</label>
                <input
                  id="f-file"
                  name="file"
                  type="file"
                  accept=".csv,text/csv"
                  required
                  aria-invalid={fileError ? true : undefined}
                  aria-describedby={fileError ? "f-file-error" : "f-file-hint"}
                />
                {fileError ? (
                  <p className="field-error" id="f-file-error" role="alert">
                    {tr(fileError, { max: n(limits.samples), mb: limits.megabytes })}
                  </p>
                ) : (
                  <p className="hint" id="f-file-hint">
                    {tr("meteringOps.import.fileHint", { max: n(limits.samples), mb: limits.megabytes })}
                  </p>
                )}
              </div>
              <button className="btn" disabled={sending}>
                {sending ? tr("meteringOps.import.sending") : tr("meteringOps.import.submit")}
              </button>
            </Form>
          </section>
        ) : null}

        <section className="card" aria-labelledby="format-title">
          <h2 id="format-title">{tr("meteringOps.format.title")}</h2>
          <p>{tr("meteringOps.format.lead")}</p>
          <pre className="metering-sample" tabIndex={0}>
            {"meter,metric,at,value\nLDC-PDU-A01-1,energy_kwh,2026-10-01T00:05:00Z,15234.25\nLDC-SW1-ge-0/0/12,bw_out_mbps,2026-10-01T00:05:00Z,87.5"}
          </pre>
          <dl className="facts metering-columns">
            <dt>
              <code>meter</code>
            </dt>
            <dd>{tr("meteringOps.format.meter")}</dd>
            <dt>
              <code>metric</code>
            </dt>
            <dd>{tr("meteringOps.format.metric", { metrics: metrics.join(", ") })}</dd>
            <dt>
              <code>at</code>
            </dt>
            <dd>{tr("meteringOps.format.at")}</dd>
            <dt>
              <code>value</code>
            </dt>
            <dd>{tr("meteringOps.format.value")}</dd>
          </dl>
          <p className="hint">{tr("meteringOps.format.rules", { max: n(limits.samples) })}</p>
        </section>
      </div>
    </>
  );
}
