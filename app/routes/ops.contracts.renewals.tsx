import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { setRenewalPrice } from "~/modules/renewals/renewals.server";
import { contractCurrency, renewalsList } from "~/modules/renewals/views.server";
import { priceFailures, RenewalContractField, renewalPriceForm } from "~/modules/renewals/forms.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * /ops/contracts/renewals (`orgs:read`; prices: `prices:manage`): the contracts whose commitment ends
 * within the next 90 days — tenant, site, commitment end, notice deadline, notices sent, notice of
 * non-renewal given, renewal prices — with a form per contract to set (or clear) the price of a
 * kind from the renewal on.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  return json({ canPrice: operatorCan(user.operatorRole, "prices:manage"), rows: await renewalsList(await getDb()) });
}

type ActionData = { contractId?: string; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: { kind: string; price: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "prices:manage");
  const formData = await readForm(request);
  const raw = formDataObject(formData);
  const values = { kind: (raw.kind ?? "").slice(0, 40), price: (raw.price ?? "").slice(0, 40) };
  const head = parseForm(RenewalContractField, formData);
  if (!head.ok) return json<ActionData>({ formError: "renewals.error.not_found" }, { status: 404 });
  const contractId = head.data.contractId;
  const currency = await contractCurrency(await getDb(), contractId);
  if (!currency) return json<ActionData>({ contractId, formError: "renewals.error.not_found" }, { status: 404 });
  const parsed = parseForm(renewalPriceForm(currency), formData);
  if (!parsed.ok) return json<ActionData>({ contractId, errors: parsed.errors, values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    setRenewalPrice(trx, {
      contractId,
      commitmentEndsOn: parsed.data.commitmentEndsOn,
      kind: parsed.data.kind,
      unitPriceMinor: parsed.data.price,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
    }),
  );
  if (!result.ok) {
    const failure = priceFailures[result.error];
    return json<ActionData>({ contractId, formError: failure.key, values }, { status: failure.status });
  }
  return json<ActionData>({
    contractId,
    notice: !result.changed ? "renewals.ops.unchanged" : parsed.data.price === null ? "renewals.ops.cleared" : "renewals.ops.saved",
  });
}

export default function Renewals() {
  const { rows, canPrice } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const locale = useLocale();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const name = (l: { nameFr: string; nameEn: string }) => (locale === "en" ? l.nameEn : l.nameFr);

  return (
    <>
      <p>
        <Link to="/ops/contracts">← {tr("renewals.ops.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("renewals.ops.title")}</h1>
          <p className="muted">{tr("renewals.ops.intro")}</p>
        </div>
      </div>
      {data?.formError && !data.contractId ? <Alert>{tr(data.formError)}</Alert> : null}
      <section className="card">
        {rows.length === 0 ? (
          <p className="muted">{tr("renewals.ops.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table renewals-table">
              <thead>
                <tr>
                  <th>{tr("renewals.col.contract")}</th>
                  <th>{tr("renewals.col.tenant")}</th>
                  <th className="hide-sm">{tr("renewals.col.site")}</th>
                  <th>{tr("renewals.col.commitmentEnd")}</th>
                  <th className="hide-sm">{tr("renewals.col.deadline")}</th>
                  <th>{tr("renewals.col.notices")}</th>
                  <th>{tr("renewals.col.noticeGiven")}</th>
                  <th>{tr("renewals.col.prices")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const mine = data?.contractId === r.id ? data : undefined;
                  return (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/ops/contracts/${r.id}`} className="mono">
                          {r.ref}
                        </Link>
                      </td>
                      <td>
                        <Link to={`/ops/organisations/${r.orgId}`}>{r.orgName}</Link>
                      </td>
                      <td className="hide-sm">{r.siteCode}</td>
                      <td className="nowrap">
                        {format.date(r.commitmentEndsOn)}
                        <div className="small muted">{r.daysLeft >= 0 ? tr("renewals.ops.daysLeft", { n: r.daysLeft }) : tr("renewals.ops.renewalDue")}</div>
                      </td>
                      <td className="hide-sm nowrap">
                        {format.date(r.deadlineOn)}
                        {r.deadlinePassed ? <div className="small muted">{tr("renewals.panel.deadlinePassed")}</div> : null}
                      </td>
                      <td className="nowrap">
                        {r.notices.length === 0 ? (
                          <span className="muted">{tr("common.none")}</span>
                        ) : (
                          <ul className="plain small">
                            {r.notices.map((n) => (
                              <li key={n.days}>
                                {tr(n.status === "sent" ? "renewals.ops.noticeSent" : "renewals.ops.noticeSkipped", { days: n.days, date: format.date(n.on) })}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>
                        {r.noticeGiven ? (
                          <>
                            <StatusBadge status="terminated" label={tr("renewals.status.notice_given")} />
                            <div className="small muted">{tr("renewals.panel.noticeGivenOn", { by: r.noticeGiven.by, date: format.date(r.noticeGiven.givenOn) })}</div>
                          </>
                        ) : (
                          <StatusBadge status={r.status === "renews" ? "active" : "terminated"} label={tr(`renewals.status.${r.status}`)} />
                        )}
                      </td>
                      <td>
                        {r.prices.length ? (
                          <ul className="plain small">
                            {r.prices.map((p) => (
                              <li key={p.kind}>
                                {name(p)} : {format.money(p.currentMinor, r.currency)} → <strong>{format.money(p.nextMinor, r.currency)}</strong>
                              </li>
                            ))}
                          </ul>
                        ) : (
                          <span className="muted small">{tr("renewals.ops.samePrices")}</span>
                        )}
                        {mine?.notice ? <Alert kind="success">{tr(mine.notice)}</Alert> : null}
                        {mine?.formError ? <Alert>{tr(mine.formError)}</Alert> : null}
                        {canPrice && r.canPrice && r.lines.length ? (
                          <Form method="post" noValidate className="stack-h" key={`${r.id}:${r.prices.map((p) => `${p.kind}=${p.nextMinor}`).join(",")}`}>
                            <input type="hidden" name="contractId" value={r.id} />
                            <input type="hidden" name="commitmentEndsOn" value={r.commitmentEndsOn} />
                            <div className={`field${mine?.errors?.kind ? " field--error" : ""}`}>
                              <label htmlFor={`kind-${r.id}`} className="visually-hidden">
                                {tr("renewals.field.kind")}
                              </label>
                              <select id={`kind-${r.id}`} name="kind" defaultValue={mine?.values?.kind ?? r.lines[0].kind}>
                                {r.lines.map((l) => (
                                  <option key={l.kind} value={l.kind}>
                                    {name(l)} ({format.money(l.unitPriceMinor, r.currency)})
                                  </option>
                                ))}
                              </select>
                              {mine?.errors?.kind ? (
                                <p className="field-error" role="alert">
                                  {tr(mine.errors.kind)}
                                </p>
                              ) : null}
                            </div>
                            <div className={`field${mine?.errors?.price ? " field--error" : ""}`}>
                              <label htmlFor={`price-${r.id}`} className="visually-hidden">
                                {tr("renewals.field.price", { currency: r.currency })}
                              </label>
                              <input
                                id={`price-${r.id}`}
                                name="price"
                                inputMode="decimal"
                                maxLength={40}
                                placeholder={tr("renewals.field.pricePlaceholder", { currency: r.currency })}
                                defaultValue={mine?.values?.price ?? ""}
                                aria-invalid={mine?.errors?.price ? true : undefined}
                              />
                              {mine?.errors?.price ? (
                                <p className="field-error" role="alert">
                                  {tr(mine.errors.price)}
                                </p>
                              ) : null}
                            </div>
                            <button className="btn btn--secondary" disabled={busy}>
                              {tr("renewals.ops.setPrice")}
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p className="hint">{tr("renewals.ops.priceHint")}</p>
      </section>
    </>
  );
}
