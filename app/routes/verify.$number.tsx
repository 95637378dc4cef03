import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PublicShell } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";
import { Alert } from "~/components/forms";
import { LIMITS, hit, limitKey } from "~/modules/auth/rate-limits.server";
import { verifyDocument } from "~/modules/billing/verify.server";
import { getDb } from "~/utils/db.server";
import { clientIp } from "~/utils/request.server";

/** Public: what anyone holding a printed invoice may check (billing.md: 200 when the key matches, 404 otherwise). */
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex, nofollow" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const headers = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
  const db = await getDb();
  if (!(await hit(db, limitKey.verifyAddress(clientIp(context)), LIMITS.verifyAddress)).allowed) {
    return json({ doc: null, error: "verifyDoc.rateLimited" as const }, { status: 429, headers });
  }
  const key = new URL(request.url).searchParams.get("k") ?? "";
  const doc = await verifyDocument(db, (params.number ?? "").toUpperCase(), key);
  if (!doc) return json({ doc: null, error: "verifyDoc.notFound" as const }, { status: 404, headers });
  return json({ doc, error: null }, { headers });
}

export default function Verify() {
  const { doc, error } = useLoaderData<typeof loader>();
  const tr = useT();
  const f = useFormat();
  return (
    <PublicShell title={tr("verifyDoc.title")}>
      {!doc ? (
        <Alert kind="error">{tr(error ?? "verifyDoc.notFound")}</Alert>
      ) : (
        <>
          <Alert kind="success">{tr("verifyDoc.authentic", { issuer: doc.issuerName })}</Alert>
          <dl className="facts">
            <dt>{tr("verifyDoc.field.kind")}</dt>
            <dd>{tr(doc.kind === "invoice" ? "verifyDoc.kind.invoice" : "verifyDoc.kind.credit_note")}</dd>
            <dt>{tr("verifyDoc.field.number")}</dt>
            <dd>{doc.number}</dd>
            {doc.invoiceNumber ? (
              <>
                <dt>{tr("verifyDoc.field.invoice")}</dt>
                <dd>{doc.invoiceNumber}</dd>
              </>
            ) : null}
            <dt>{tr("verifyDoc.field.issuer")}</dt>
            <dd>{doc.issuerName}</dd>
            <dt>{tr("verifyDoc.field.issuedOn")}</dt>
            <dd>{f.date(doc.issuedOn)}</dd>
            <dt>{tr("verifyDoc.field.total")}</dt>
            <dd>{f.money(doc.totalMinor, doc.currency)}</dd>
            <dt>{tr("verifyDoc.field.currency")}</dt>
            <dd>{doc.currency}</dd>
            <dt>{tr("verifyDoc.field.status")}</dt>
            <dd>{tr(`verifyDoc.status.${doc.status}`)}</dd>
            <dt>{tr("verifyDoc.field.sha256")}</dt>
            <dd>
              <code className="hash">{doc.sha256 ?? tr("verifyDoc.pending")}</code>
            </dd>
          </dl>
          <p className="muted">{tr("verifyDoc.compare")}</p>
        </>
      )}
    </PublicShell>
  );
}
