import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useRef, useState } from "react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { listSites } from "~/modules/inventory/sites.server";
import { TOKEN_SCOPES, createApiToken, listApiTokens, revokeApiToken } from "~/modules/metering/tokens.server";
import { NewTokenForm, pickSite } from "~/modules/metering/schemas.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** The page may carry a token that is shown once: never cached, by the browser or anything between. */
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });
const noStore = { "Cache-Control": "no-store" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const sites = await listSites(db);
  const siteParam = new URL(request.url).searchParams.get("site");
  const tokens = await listApiTokens(db);
  return json(
    {
      sites: sites.map((s) => ({ code: s.code, name: s.name })),
      defaultSite: pickSite(sites, siteParam)?.code ?? sites[0]?.code ?? "",
      scopes: [...TOKEN_SCOPES],
      canManage: operatorCan(user.operatorRole, "usage:manage"),
      // Only what identifies a token: never its hash.
      tokens: tokens.map((t) => ({
        id: t.id,
        siteCode: t.site_code,
        name: t.name,
        scopes: t.scopes,
        prefix: t.token_prefix,
        createdAt: t.created_at,
        lastUsedAt: t.last_used_at,
        revokedAt: t.revoked_at,
      })),
    },
    { headers: noStore },
  );
}

type Intent = "create" | "revoke";
type ActionData = {
  intent: Intent | "";
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: Record<string, string>;
  scopes?: string[];
  notice?: { key: MessageKey; name: string };
  /** The clear token, in this one response only. */
  created?: { id: string; token: string; name: string; siteCode: string; scopes: string[] };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "usage:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request);
  const form = formDataObject(formData);
  const intent = (["create", "revoke"] as const).find((i) => i === form.intent) ?? "";
  const reply = (data: Omit<ActionData, "intent">, status = 200) => json<ActionData>({ intent, ...data }, { status, headers: noStore });

  switch (intent) {
    case "create": {
      const scopes = formData.getAll("scopes").filter((v): v is string => typeof v === "string");
      const parsed = parseForm(NewTokenForm, { ...form, scopes });
      const site = parsed.ok ? pickSite(await listSites(await getDb()), parsed.data.site) : undefined;
      if (!parsed.ok || !site) {
        const errors: FieldErrors = parsed.ok ? { site: "error.invalidChoice" } : parsed.errors;
        return reply({ errors, values: form, scopes }, 400);
      }
      const { id, token } = await inTransaction((trx) => createApiToken(trx, { siteId: site.id, name: parsed.data.name, scopes: parsed.data.scopes, actor }));
      return reply({ created: { id, token, name: parsed.data.name, siteCode: site.code, scopes: parsed.data.scopes } });
    }
    case "revoke": {
      const tokenId = form.tokenId ?? "";
      const revoked = await inTransaction((trx) => revokeApiToken(trx, { tokenId, actor }));
      if (revoked) return reply({ notice: { key: "meteringOps.tokens.revoked", name: nameOf(await listApiTokens(await getDb()), tokenId) } });
      // Already revoked (a second click, another operator): say so; an unknown id is a 404.
      const token = (await listApiTokens(await getDb())).find((t) => t.id === tokenId);
      if (!token) notFound();
      return reply({ notice: { key: "meteringOps.tokens.alreadyRevoked", name: token.name } });
    }
    default:
      return reply({ formError: "error.invalid" }, 400);
  }
}

const nameOf = (tokens: { id: string; name: string }[], id: string) => tokens.find((t) => t.id === id)?.name ?? "";

export default function Tokens() {
  const { sites, defaultSite, scopes, canManage, tokens } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const creating = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  const createErrors = data?.intent === "create" ? data.errors : undefined;
  const chosenScopes = data?.intent === "create" && data.scopes ? data.scopes : ["usage:write"];
  const siteLabel = (code: string) => sites.find((s) => s.code === code)?.name ?? code;

  return (
    <>
      {data?.notice ? <Alert kind="success">{tr(data.notice.key, { name: data.notice.name })}</Alert> : null}
      {data?.intent === "" || data?.intent === "revoke" ? <FormErrors formError={data.formError} /> : null}
      {!canManage ? <Alert kind="info">{tr("meteringOps.readOnly")}</Alert> : null}

      {data?.created ? <CreatedToken created={data.created} siteName={siteLabel(data.created.siteCode)} /> : null}

      <div className="metering-tokens">
        <section className="card" aria-labelledby="tokens-title">
          <h2 id="tokens-title">{tr("meteringOps.tokens.title")}</h2>
          {tokens.length === 0 ? (
            <p className="muted">{tr("meteringOps.tokens.empty")}</p>
          ) : (
            <div className="table-scroll">
              <table className="table metering-table metering-stack">
                <thead>
                  <tr>
                    <th scope="col">{tr("meteringOps.tokens.name")}</th>
                    <th scope="col">{tr("common.site")}</th>
                    <th scope="col">{tr("meteringOps.tokens.scopes")}</th>
                    <th scope="col">{tr("meteringOps.tokens.prefix")}</th>
                    <th scope="col">{tr("meteringOps.tokens.created")}</th>
                    <th scope="col">{tr("meteringOps.tokens.lastUsed")}</th>
                    <th scope="col">{tr("meteringOps.tokens.status")}</th>
                    {canManage ? (
                      <th scope="col">
                        <span className="visually-hidden">{tr("meteringOps.meters.actions")}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id} className={[t.revokedAt ? "metering-revoked" : "", data?.created?.id === t.id ? "row-highlight" : ""].join(" ").trim() || undefined}>
                      <td className="metering-stack-head">
                        <strong className="metering-token-name">{t.name}</strong>
                      </td>
                      <td data-label={tr("common.site")}>
                        <span>
                          <span className="badge badge--site">{t.siteCode}</span>
                        </span>
                      </td>
                      <td data-label={tr("meteringOps.tokens.scopes")}>
                        <span className="metering-scopes">
                          {t.scopes.map((s) => (
                            <code key={s}>{s}</code>
                          ))}
                        </span>
                      </td>
                      <td data-label={tr("meteringOps.tokens.prefix")}>
                        <code>{t.prefix}…</code>
                      </td>
                      <td className="nowrap" data-label={tr("meteringOps.tokens.created")}>
                        <span>{format.date(t.createdAt)}</span>
                      </td>
                      <td className="nowrap" data-label={tr("meteringOps.tokens.lastUsed")}>
                        <span>{t.lastUsedAt ? format.dateTime(t.lastUsedAt) : <span className="muted">{tr("meteringOps.tokens.neverUsed")}</span>}</span>
                      </td>
                      <td className="nowrap" data-label={tr("meteringOps.tokens.status")}>
                        <span>
                          {t.revokedAt ? (
                            <span className="badge badge--failed" title={format.dateTime(t.revokedAt)}>
                              {tr("meteringOps.tokens.revokedOn", { date: format.date(t.revokedAt) })}
                            </span>
                          ) : (
                            <span className="badge badge--active">{tr("meteringOps.tokens.active")}</span>
                          )}
                        </span>
                      </td>
                      {canManage ? (
                        <td className="actions">
                          {t.revokedAt ? null : (
                            <Form
                              method="post"
                              onSubmit={(e) => {
                                if (!confirm(tr("meteringOps.tokens.revokeConfirm", { name: t.name, site: t.siteCode }))) e.preventDefault();
                              }}
                            >
                              <input type="hidden" name="intent" value="revoke" />
                              <input type="hidden" name="tokenId" value={t.id} />
                              <button className="btn btn--small btn--danger-ghost" aria-label={tr("meteringOps.tokens.revokeLabel", { name: t.name })}>
                                {tr("meteringOps.tokens.revoke")}
                              </button>
                            </Form>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="hint">{tr("meteringOps.tokens.usageHint")}</p>
        </section>

        {canManage ? (
          <section className="card" aria-labelledby="new-token-title">
            <h2 id="new-token-title">{tr("meteringOps.tokens.new")}</h2>
            {data?.intent === "create" ? <FormErrors formError={data.formError} errors={createErrors} /> : null}
            <Form method="post" noValidate key={data?.created?.id ?? "new-token"} className="form-grid metering-token-form">
              <input type="hidden" name="intent" value="create" />
              <SelectField
                name="site"
                label={tr("common.site")}
                errors={createErrors}
                defaultValue={data?.intent === "create" ? (data.values?.site ?? defaultSite) : defaultSite}
                options={sites.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))}
              />
              <Field
                name="name"
                label={tr("meteringOps.tokens.name")}
                errors={createErrors}
                defaultValue={data?.intent === "create" && !data.created ? (data.values?.name ?? "") : ""}
                hint={tr("meteringOps.tokens.nameHint")}
                maxLength={100}
                autoComplete="off"
                required
              />
              <fieldset
                className={`form-grid-full metering-scope-pick${createErrors?.scopes ? " field--error" : ""}`}
                aria-describedby={createErrors?.scopes ? "scopes-error" : undefined}
              >
                <legend>{tr("meteringOps.tokens.scopes")}</legend>
                {scopes.map((s) => (
                  <label key={s} className="check">
                    <input type="checkbox" name="scopes" value={s} defaultChecked={chosenScopes.includes(s)} />
                    <span>
                      <code>{s}</code> <span className="muted small">— {tr(s === "usage:write" ? "meteringOps.scope.write" : "meteringOps.scope.read")}</span>
                    </span>
                  </label>
                ))}
                {createErrors?.scopes ? (
                  <p className="field-error" id="scopes-error" role="alert">
                    {tr(createErrors.scopes)}
                  </p>
                ) : null}
              </fieldset>
              <div className="form-grid-full">
                <button className="btn" disabled={creating}>
                  {tr("meteringOps.tokens.submit")}
                </button>
              </div>
            </Form>
          </section>
        ) : null}
      </div>
    </>
  );
}

/** The new token, shown once: a read-only field to select, a copy button, and the warning. */
function CreatedToken({ created, siteName }: { created: { token: string; name: string; siteCode: string; scopes: string[] }; siteName: string }) {
  const tr = useT();
  const { search } = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <section className="card metering-secret" aria-labelledby="secret-title">
      <h2 id="secret-title">{tr("meteringOps.secret.title", { name: created.name })}</h2>
      <p>
        {tr("meteringOps.secret.for", { site: `${created.siteCode} — ${siteName}` })} · {created.scopes.map((s) => s).join(", ")}
      </p>
      <Alert kind="warning">
        <strong>{tr("meteringOps.secret.once")}</strong> {tr("meteringOps.secret.onceDetail")}
      </Alert>
      <label htmlFor="new-token" className="metering-secret-label">
        {tr("meteringOps.secret.label")}
      </label>
      <div className="metering-secret-row">
        <input
          ref={input}
          id="new-token"
          className="mono"
          value={created.token}
          readOnly
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="btn" onClick={copy}>
          {tr("meteringOps.secret.copy")}
        </button>
      </div>
      <p className="hint" role="status">
        {copied === "yes" ? tr("meteringOps.secret.copied") : copied === "no" ? tr("meteringOps.secret.copyManually") : tr("meteringOps.secret.copyHint")}
      </p>
      <p className="small">
        {tr("meteringOps.secret.usage")} <code>Authorization: Bearer {created.token.slice(0, 11)}…</code>
      </p>
      <Link to={`/ops/metering/tokens${search}`} className="btn btn--secondary">
        {tr("meteringOps.secret.done")}
      </Link>
    </section>
  );
}
