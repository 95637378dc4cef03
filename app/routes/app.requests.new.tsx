import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ChangeEvent } from "react";
import { requireTenant } from "~/modules/auth/session.server";
import { getOrganisation } from "~/modules/orgs/organisations.server";
import { listSites } from "~/modules/inventory/sites.server";
import { availabilityFor, createRequest, sitesWithPrices, type CreateRequestError } from "~/modules/requests/requests.server";
import { NewRequestForm } from "~/modules/requests/schemas.server";
import { availableLine, quote, REQUESTABLE_KINDS } from "~/modules/requests/quote";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { QuoteSummary, QuoteTotalBar } from "~/components/quote-summary";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import type { AvailabilityAnswer } from "./app.requests.availability";
import type { RequestableKind } from "#db/schema";

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "requests:create");
  const db = await getDb();
  const org = await getOrganisation(db, user.orgId);
  if (!org) throw new Response("Not Found", { status: 404 });
  const sites = await sitesWithPrices(db);
  // Preselect the site in the organisation's country.
  const home = (await listSites(db)).find((s) => s.country === org.country);
  const now = Date.now();
  return json({
    orgStatus: org.status,
    isVatExempt: org.is_vat_exempt,
    today: isoDay(now),
    defaults: { siteId: home?.id ?? sites[0]?.id ?? "", desiredStartOn: isoDay(now + 14 * DAY_MS), termMonths: "12" },
    sites: sites.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      currency: s.currency,
      vatRateBp: s.vat_rate_bp,
      prices: s.prices.map((p) => ({ kind: p.kind, unit_price_minor: p.unit_price_minor, setup_fee_minor: p.setup_fee_minor })),
    })),
  });
}

type ActionData = {
  values: Record<string, string>;
  errors?: FieldErrors;
  formError?: MessageKey;
  /** Server-side availability, for the "update" button of the page without JavaScript. */
  availability?: AvailabilityAnswer;
};

const failures: Record<CreateRequestError, { status: number; field?: string; key: MessageKey }> = {
  org_not_verified: { status: 403, key: "requests.error.org_not_verified" },
  no_lines: { status: 400, field: "lines", key: "requests.error.no_lines" },
  unknown_site: { status: 400, field: "siteId", key: "requests.error.unknown_site" },
  missing_price: { status: 409, key: "requests.error.missing_price" },
  power_without_space: { status: 400, field: "qty_power_commit_kw", key: "requests.error.power_without_space" },
  start_in_past: { status: 400, field: "desiredStartOn", key: "requests.error.start_in_past" },
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "requests:create");
  const { intent, ...values } = formDataObject(await readForm(request));
  const parsed = parseForm(NewRequestForm, values);
  if (!parsed.ok) return json<ActionData>({ values, errors: parsed.errors }, { status: 400 });

  if (intent === "preview") {
    const db = await getDb();
    if (!(await sitesWithPrices(db)).some((s) => s.id === parsed.data.siteId)) {
      return json<ActionData>({ values, errors: { siteId: "requests.error.unknown_site" } }, { status: 400 });
    }
    const a = await availabilityFor(db, parsed.data);
    return json<ActionData>({
      values,
      availability: { ok: a.ok, shortages: a.shortages, bandwidthFreeMbps: a.bandwidthFreeMbps, ...(a.caseByCase.length ? { caseByCase: a.caseByCase } : {}) },
    });
  }

  const result = await inTransactionOrRollback((trx) =>
    createRequest(trx, {
      ...parsed.data,
      orgId: user.orgId,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
      locale: user.locale,
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    const failure = failures[result.error];
    return json<ActionData>(
      failure.field ? { values, errors: { [failure.field]: failure.key } } : { values, formError: failure.key },
      { status: failure.status },
    );
  }
  return redirect(`/app/requests/${result.requestId}?sent=1`);
}

/** "12" → 12; empty → 0; anything else (negative, decimal, text) → NaN. Mirrors the server's rule. */
function parseQuantity(value: string | undefined) {
  const v = (value ?? "").trim();
  if (v === "") return 0;
  return /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
}

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export default function NewRequest() {
  const { sites, orgStatus, isVatExempt, defaults, today } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const hydrated = useHydrated();

  const [values, setValues] = useState<Record<string, string>>(() => ({ ...defaults, notes: "", ...data?.values }));
  const onChange = (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
    const { name, value } = e.currentTarget;
    setValues((v) => ({ ...v, [name]: value }));
  };

  const errors = data?.errors;
  const site = sites.find((s) => s.id === values.siteId);
  const quantities = REQUESTABLE_KINDS.map((kind) => ({ kind, quantity: parseQuantity(values[`qty_${kind}`]) }));
  const allValid = quantities.every((l) => !Number.isNaN(l.quantity));
  const hasLines = quantities.some((l) => l.quantity > 0);
  const priced = site ? quote(quantities, site.prices, { rateBp: site.vatRateBp, exempt: isVatExempt }) : undefined;

  // Live availability: ask the resource route ~300 ms after the last change, with valid values only.
  const fetcher = useFetcher<AvailabilityAnswer>();
  const query = new URLSearchParams({
    siteId: values.siteId ?? "",
    desiredStartOn: values.desiredStartOn ?? "",
    termMonths: values.termMonths ?? "",
    ...Object.fromEntries(quantities.filter((l) => l.quantity > 0).map((l) => [`qty_${l.kind}`, String(l.quantity)])),
  }).toString();
  const checkable = Boolean(site) && allValid && hasLines && DATE_RE.test(values.desiredStartOn ?? "");
  const [asked, setAsked] = useState<string>();
  useEffect(() => {
    if (!checkable) return;
    const timer = setTimeout(() => {
      setAsked(query);
      fetcher.load(`/app/requests/availability?${query}`);
    }, 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, checkable]);

  let availability: AvailabilityAnswer | "checking" | undefined;
  if (hydrated) {
    if (checkable) availability = asked !== query || fetcher.state !== "idle" || !fetcher.data ? "checking" : fetcher.data;
  } else {
    availability = data?.availability;
  }
  const short = typeof availability === "object" && !availability.errors && !availability.ok;
  const submitting = navigation.state === "submitting";
  const canSubmit = orgStatus === "verified";
  const requestedKinds = quantities.filter((l) => l.quantity > 0).map((l) => l.kind);

  return (
    <>
      <p>
        <Link to="/app/requests">← {tr("requests.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("requests.new")}</h1>
          <p className="muted">{tr("requests.newIntro")}</p>
        </div>
      </div>
      {orgStatus === "pending" ? <Alert kind="warning">{tr("requests.notVerified")}</Alert> : null}
      {orgStatus === "suspended" ? <Alert kind="error">{tr("requests.suspended")}</Alert> : null}
      <FormErrors formError={data?.formError} errors={errors} />

      <Form method="post" noValidate className="req-layout">
        <div className="req-main">
          <section className="card">
            <div className={`field${errors?.siteId ? " field--error" : ""}`}>
              <label htmlFor="f-siteId">{tr("requests.field.site")}</label>
              <select id="f-siteId" name="siteId" value={values.siteId} onChange={onChange} aria-invalid={errors?.siteId ? true : undefined}>
                {sites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {tr("requests.siteOption", { code: s.code, name: s.name, currency: s.currency })}
                  </option>
                ))}
              </select>
              <FieldError errors={errors} name="siteId" />
            </div>

            <fieldset className="req-items">
              <legend>{tr("requests.section.items")}</legend>
              {errors?.lines ? (
                <p className="field-error" role="alert">
                  {tr(errors.lines)}
                </p>
              ) : null}
              {REQUESTABLE_KINDS.map((kind) => {
                const name = `qty_${kind}`;
                const price = site?.prices.find((p) => p.kind === kind);
                const error = errors?.[name] ?? (Number.isNaN(parseQuantity(values[name])) ? ("requests.error.quantity" as const) : undefined);
                return (
                  <div key={kind} className={`req-item${error ? " field--error" : ""}`}>
                    <label htmlFor={`f-${name}`}>{tr(`requests.kind.${kind}`)}</label>
                    <input
                      id={`f-${name}`}
                      name={name}
                      type="number"
                      min={0}
                      step={1}
                      inputMode="numeric"
                      placeholder="0"
                      value={values[name] ?? ""}
                      onChange={onChange}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={`f-${name}-price${error ? ` f-${name}-error` : ""}`}
                    />
                    <span className="req-price" id={`f-${name}-price`}>
                      {price && site ? (
                        <>
                          {tr("requests.perMonth", { price: format.money(price.unit_price_minor, site.currency) })}
                          {price.setup_fee_minor > 0 ? (
                            <span className="muted req-setup">{tr("requests.plusSetup", { setup: format.money(price.setup_fee_minor, site.currency) })}</span>
                          ) : null}
                        </>
                      ) : (
                        <span className="muted">{tr("requests.noPrice")}</span>
                      )}
                    </span>
                    {error ? (
                      <p className="field-error req-item-error" id={`f-${name}-error`} role="alert">
                        {tr(error)}
                      </p>
                    ) : null}
                  </div>
                );
              })}
            </fieldset>
          </section>

          <section className="card">
            <fieldset>
              <legend>{tr("requests.section.terms")}</legend>
              <div className="grid-2">
                <div className={`field${errors?.desiredStartOn ? " field--error" : ""}`}>
                  <label htmlFor="f-desiredStartOn">{tr("requests.field.desiredStartOn")}</label>
                  <input
                    id="f-desiredStartOn"
                    name="desiredStartOn"
                    type="date"
                    min={today}
                    value={values.desiredStartOn ?? ""}
                    onChange={onChange}
                    aria-invalid={errors?.desiredStartOn ? true : undefined}
                  />
                  <FieldError errors={errors} name="desiredStartOn" />
                </div>
                <div className={`field${errors?.termMonths ? " field--error" : ""}`}>
                  <label htmlFor="f-termMonths">{tr("requests.field.termMonths")}</label>
                  <select id="f-termMonths" name="termMonths" value={values.termMonths} onChange={onChange} aria-invalid={errors?.termMonths ? true : undefined}>
                    {["12", "24", "36"].map((m) => (
                      <option key={m} value={m}>
                        {tr("requests.termValue", { months: m })}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errors} name="termMonths" />
                </div>
              </div>
              <div className={`field${errors?.notes ? " field--error" : ""}`}>
                <label htmlFor="f-notes">
                  {tr("requests.field.notes")} <span className="muted">({tr("field.optional")})</span>
                </label>
                <textarea id="f-notes" name="notes" rows={3} maxLength={2000} value={values.notes ?? ""} onChange={onChange} placeholder={tr("requests.notesHint")} />
                <FieldError errors={errors} name="notes" />
              </div>
            </fieldset>
          </section>
          {/* Phones: the total stays in view at the bottom of the screen while the fields are typed in. */}
          {site && priced && priced.lines.length > 0 ? <QuoteTotalBar quote={priced} currency={site.currency} detailsId="quote" /> : null}
        </div>

        <aside className="req-aside">
          <section className="card" id="quote" aria-live="polite">
            <h2>{tr("requests.quote.title")}</h2>
            {site && priced && priced.lines.length > 0 ? (
              <>
                <QuoteSummary quote={priced} currency={site.currency} vatRateBp={site.vatRateBp} exempt={isVatExempt} />
                <p className="hint">{tr("requests.quote.note")}</p>
                {priced.caseByCase.length > 0 ? <p className="hint">{tr("requests.quote.cages")}</p> : null}
              </>
            ) : (
              <p className="muted">{tr("requests.quote.empty")}</p>
            )}
            {priced && priced.missingPrices.length > 0 ? <Alert kind="warning">{tr("requests.error.missing_price")}</Alert> : null}
          </section>
          <section className="card" aria-live="polite">
            <h2>{tr("requests.avail.title")}</h2>
            <AvailabilityNotice
              availability={availability}
              siteCode={site?.code ?? ""}
              kinds={requestedKinds}
              hasLines={hasLines}
              invalid={!allValid || !DATE_RE.test(values.desiredStartOn ?? "") || Boolean(errors)}
              serverSide={!hydrated}
            />
            {quantities.some((l) => l.kind === "cage" && l.quantity > 0) ? <p className="hint">{tr("requests.avail.cages")}</p> : null}
          </section>
          {short && canSubmit ? <Alert kind="info">{tr("requests.submitAnyway")}</Alert> : null}
          <div className="req-actions">
            {!hydrated ? (
              // Without JavaScript: recompute the quote and availability on the server.
              <button className="btn btn--secondary btn--block" name="intent" value="preview">
                {tr("requests.refresh")}
              </button>
            ) : null}
            {/* Enabled even before the organisation is verified: pressed, it says why the request cannot be sent. */}
            <button className="btn btn--block" name="intent" value="submit" disabled={submitting}>
              {submitting ? tr("requests.submitting") : tr("requests.submit")}
            </button>
          </div>
        </aside>
      </Form>
    </>
  );
}

function FieldError({ errors, name }: { errors?: FieldErrors; name: string }) {
  const tr = useT();
  const error = errors?.[name];
  return error ? (
    <p className="field-error" role="alert">
      {tr(error)}
    </p>
  ) : null;
}

function AvailabilityNotice({
  availability,
  siteCode,
  kinds,
  hasLines,
  invalid,
  serverSide,
}: {
  availability: AvailabilityAnswer | "checking" | undefined;
  siteCode: string;
  /** The kinds asked for (quantity > 0). */
  kinds: RequestableKind[];
  hasLines: boolean;
  /** Some value is malformed: availability cannot be asked for. */
  invalid: boolean;
  /** Rendered without JavaScript (or before hydration): the "update" button asks the server. */
  serverSide: boolean;
}) {
  const tr = useT();
  const format = useFormat();
  if (availability === "checking") return <p className="muted avail-checking">{tr("requests.avail.checking")}</p>;
  if (!availability) {
    if (invalid) return <p className="muted">{tr("requests.avail.error")}</p>;
    if (!hasLines) return <p className="muted">{tr("requests.avail.empty")}</p>;
    return serverSide ? <p className="muted">{tr("requests.avail.refresh")}</p> : null;
  }
  if (availability.errors) return <p className="muted">{tr("requests.avail.error")}</p>;
  const n = (v: number) => format.number(v);
  const kw = (w: number) => format.number(w / 1000, { maximumFractionDigits: 1 });
  const free = availability.shortages.some((s) => s.kind === "bandwidth") ? null : (
    <p className="hint">{tr("requests.avail.bandwidthFree", { mbps: n(availability.bandwidthFreeMbps) })}</p>
  );
  if (availability.ok) {
    // Cages are arranged case by case: never "available" (see availableLine).
    const line = availableLine(kinds);
    return (
      <>
        {line ? <p className="avail avail--ok">{tr(`requests.avail.${line}`, { site: siteCode })}</p> : null}
        {free}
      </>
    );
  }
  return (
    <div className="avail avail--short">
      <p>
        <strong>{tr("requests.avail.short", { site: siteCode })}</strong>
      </p>
      <ul>
        {availability.shortages.map((s, i) => {
          switch (s.kind) {
            case "units":
              return <li key={i}>{tr("requests.avail.units", { needed: s.needed, available: s.largestFreeRun })}</li>;
            case "half_rack":
            case "full_rack":
            case "ports":
              return <li key={i}>{tr(`requests.avail.${s.kind}`, { needed: n(s.needed), available: n(s.available) })}</li>;
            case "power":
              return <li key={i}>{tr("requests.avail.power", { needed: kw(s.neededW), available: kw(s.availableW) })}</li>;
            case "bandwidth":
              return <li key={i}>{tr("requests.avail.bandwidth", { needed: n(s.neededMbps), available: n(s.availableMbps) })}</li>;
            case "power_without_space":
              return <li key={i}>{tr("requests.error.power_without_space")}</li>;
            default:
              return null;
          }
        })}
      </ul>
      {free}
    </div>
  );
}
