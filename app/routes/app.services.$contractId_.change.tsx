import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { amendmentAvailability, amendmentContext, amendmentError, cancelAmendment, requestAmendment, type AmendmentError } from "~/modules/contracts/amendments.server";
import { AMENDABLE_KINDS, MAX_AMENDMENT_QUANTITY, amendmentQuote, type Quantities } from "~/modules/contracts/amendment-quote";
import { shortRef } from "~/modules/requests/requests.server";
import { isoDate } from "~/modules/requests/schemas.server";
import { AmendmentForm, quantitiesFrom } from "~/modules/contracts/forms.server";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * A tenant asks to change a contract from a date: one quantity per resource, a live quote (computed
 * in the browser from the prices the page carries, the same pure function the server runs) and the
 * live availability from that date (the page's loader, refreshed as the form changes; a plain
 * "update" button without JavaScript). Operators then assign the resources (/ops/amendments/<id>).
 */

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "contracts:amend");
  const db = await getDb();
  const url = new URL(request.url);
  const wanted = url.searchParams.get("effectiveOn") ?? undefined;
  const ctx = await amendmentContext(db, { orgId: user.orgId }, params.contractId ?? "", wanted && isoDate.safeParse(wanted).success ? wanted : undefined);
  if (!ctx) notFound();
  const next = quantitiesFrom(url.searchParams, ctx.quantities);
  const error = amendmentError(ctx, next);
  const availability = error ? null : await amendmentAvailability(db, ctx, next);
  return json({
    contract: { id: ctx.contract.id, ref: shortRef(ctx.contract.id), siteName: ctx.contract.site_name, currency: ctx.contract.currency, startOn: ctx.contract.start_on, endOn: ctx.contract.end_on },
    earliestOn: ctx.earliestOn,
    effectiveOn: ctx.effectiveOn,
    commitmentEndOn: ctx.commitmentEndOn,
    current: { monthlyMinor: ctx.monthlyMinor, quantities: ctx.quantities },
    next,
    prices: ctx.prices,
    vat: ctx.vat,
    pending: ctx.pendingChangeId !== null,
    error,
    availability,
  });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey };

const FIELD_OF: Partial<Record<AmendmentError, string>> = {
  effective_in_past: "effectiveOn",
  effective_before_start: "effectiveOn",
  effective_after_end: "effectiveOn",
  later_change_exists: "effectiveOn",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "contracts:amend");
  const contractId = params.contractId ?? "";
  const db = await getDb();
  const ctx = await amendmentContext(db, { orgId: user.orgId }, contractId);
  if (!ctx) notFound();
  const form = await readForm(request);
  if (form.get("intent") === "withdraw") {
    const changeId = String(form.get("changeId") ?? "");
    const done = await inTransactionOrRollback(async (trx) => ({ ok: await cancelAmendment(trx, { orgId: user.orgId, changeId, actor: { id: user.id, email: user.email, ip: clientIp(context) } }) }));
    return redirect(`/app/services/${contractId}${done.ok ? "?amendment=withdrawn" : ""}`);
  }
  const parsed = parseForm(AmendmentForm, form);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    requestAmendment(trx, {
      orgId: user.orgId,
      contractId,
      effectiveOn: parsed.data.effectiveOn,
      quantities: parsed.data.quantities,
      details: parsed.data.details,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const key = `amendments.error.${result.error}` as MessageKey;
    const field = FIELD_OF[result.error];
    return json<ActionData>(field ? { errors: { [field]: key } } : { formError: key }, { status: result.error === "already_pending" || result.error === "not_active" ? 409 : 400 });
  }
  return redirect(`/app/services/${contractId}?amendment=requested`);
}

export default function ChangeContractPage() {
  const data = useLoaderData<typeof loader>();
  const sent = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const tr = useT();
  const format = useFormat();
  const money = (minor: number) => format.money(minor, data.contract.currency);
  const [next, setNext] = useState<Quantities>(data.next);
  const [effectiveOn, setEffectiveOn] = useState(data.effectiveOn);
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const live = amendmentQuote(data.current, next, data.prices, data.vat);
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (formRef.current) submit(formRef.current, { method: "get", replace: true, preventScrollReset: true });
    }, 400);
  };
  const fieldError = (name: string) => sent?.errors?.[name];
  const downgradeBeforeEnd = live.lines.some((l) => l.after < l.before) && effectiveOn <= data.commitmentEndOn;

  return (
    <>
      <p>
        <Link to={`/app/services/${data.contract.id}`}>← {tr("requests.contract.title", { ref: data.contract.ref })}</Link>
      </p>
      <h1>{tr("amendments.title", { ref: data.contract.ref })}</h1>
      <p className="muted">{tr("amendments.lead")}</p>
      {data.pending ? <Alert kind="info">{tr("amendments.error.already_pending")}</Alert> : null}
      <FormErrors formError={sent?.formError} errors={sent?.errors} />

      {/* Sending the request cancels a pending refresh of the availability: a GET navigation started
          after the POST would replace its redirect back to the contract. */}
      <Form method="post" ref={formRef} noValidate className="req-detail" onChange={refresh} onSubmit={() => clearTimeout(timer.current)}>
        <div>
          <section className="card">
            <div className={`field${fieldError("effectiveOn") ? " field--error" : ""}`}>
              <label htmlFor="f-effectiveOn">{tr("amendments.effectiveOn")}</label>
              <input
                id="f-effectiveOn"
                name="effectiveOn"
                type="date"
                min={data.earliestOn}
                max={data.contract.endOn ?? undefined}
                value={effectiveOn}
                onChange={(e) => setEffectiveOn(e.currentTarget.value)}
                aria-describedby="f-effectiveOn-hint"
                aria-invalid={fieldError("effectiveOn") ? true : undefined}
                required
              />
              <p className="hint" id="f-effectiveOn-hint">
                {tr("amendments.effectiveHint", { date: format.date(data.earliestOn) })}
              </p>
              {fieldError("effectiveOn") ? (
                <p className="field-error" role="alert">
                  {tr(fieldError("effectiveOn")!)}
                </p>
              ) : null}
            </div>
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("amendments.col.kind")}</th>
                  <th className="num">{tr("amendments.col.now")}</th>
                  <th>{tr("amendments.col.new")}</th>
                  <th className="num hide-sm">{tr("amendments.col.unitPrice")}</th>
                </tr>
              </thead>
              <tbody>
                {AMENDABLE_KINDS.map((k) => {
                  const price = data.prices.find((p) => p.kind === k);
                  const name = `q_${k}`;
                  return (
                    <tr key={k}>
                      <td>
                        <label htmlFor={`f-${name}`}>{tr(`requests.kind.${k}`)}</label>
                      </td>
                      <td className="num">{format.number(data.current.quantities[k])}</td>
                      <td>
                        <input
                          id={`f-${name}`}
                          name={name}
                          type="number"
                          inputMode="numeric"
                          min={0}
                          max={MAX_AMENDMENT_QUANTITY}
                          step={1}
                          className="input--qty"
                          value={next[k]}
                          disabled={!price}
                          aria-invalid={fieldError(name) ? true : undefined}
                          onChange={(e) => {
                            const v = e.currentTarget.value;
                            setNext((q) => ({ ...q, [k]: /^\d{1,6}$/.test(v) ? Math.min(Number(v), MAX_AMENDMENT_QUANTITY) : 0 }));
                          }}
                        />
                        {fieldError(name) ? (
                          <p className="field-error" role="alert">
                            {tr(fieldError(name)!)}
                          </p>
                        ) : null}
                      </td>
                      <td className="num hide-sm nowrap">{price ? money(price.unitPriceMinor) : <span className="muted">{tr("common.none")}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="field">
              <label htmlFor="f-details">
                {tr("amendments.details")}
              </label>
              <textarea id="f-details" name="details" rows={3} maxLength={2000} />
            </div>
            <noscript>
              <button className="btn btn--ghost" formMethod="get">
                {tr("amendments.update")}
              </button>
            </noscript>
          </section>
        </div>

        <aside>
          <section className="card" aria-live="polite">
            <h2>{tr("amendments.quote.title")}</h2>
            {live.lines.length === 0 ? (
              <p className="muted">{tr("amendments.quote.noChange")}</p>
            ) : (
              <dl className="facts facts--tight">
                <dt>{tr("amendments.quote.before")}</dt>
                <dd className="nowrap">{money(live.monthlyBeforeMinor)}</dd>
                <dt>{tr("amendments.quote.after")}</dt>
                <dd className="nowrap">
                  <strong>{money(live.monthlyAfterMinor)}</strong>
                </dd>
                <dt>{tr("amendments.quote.difference")}</dt>
                <dd className="nowrap">{(live.differenceMinor > 0 ? "+" : live.differenceMinor < 0 ? "−" : "") + money(Math.abs(live.differenceMinor))}</dd>
                {live.setupMinor > 0 ? (
                  <>
                    <dt>{tr("amendments.quote.setup")}</dt>
                    <dd className="nowrap">{money(live.setupMinor)}</dd>
                  </>
                ) : null}
                <dt>{tr("amendments.quote.afterTotal")}</dt>
                <dd className="nowrap">{money(live.monthlyAfterTotalMinor)}</dd>
              </dl>
            )}
            <p className="hint">{tr("amendments.quote.frozen")}</p>
            <p className="hint">{tr("amendments.quote.prorated")}</p>
            {downgradeBeforeEnd ? <Alert kind="warning">{tr("amendments.downgradeWarning", { date: format.date(data.commitmentEndOn) })}</Alert> : null}
            {data.error && live.lines.length ? <Alert kind="warning">{tr(`amendments.error.${data.error}`)}</Alert> : null}
            {data.availability ? (
              data.availability.ok ? (
                <Alert kind="success">{tr("amendments.available", { date: format.date(data.effectiveOn) })}</Alert>
              ) : (
                <div className="alert alert--warning" role="status">
                  <ul className="plain">
                    {data.availability.shortages.map((s) => (
                      <li key={s.kind}>{tr(`amendments.short.${s.kind}`, { needed: format.number(s.needed), available: format.number(s.available) })}</li>
                    ))}
                  </ul>
                  <p>{tr("amendments.shortNote")}</p>
                </div>
              )
            ) : null}
            <button className="btn btn--primary btn--block" disabled={navigation.state === "submitting" || data.pending || live.lines.length === 0}>
              {tr("amendments.submit")}
            </button>
          </section>
        </aside>
      </Form>
    </>
  );
}
