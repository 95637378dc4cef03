import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { findSite, listProducts, setProductActive, updateProduct } from "~/modules/inventory/inventory.server";
import { ProductActiveForm, productForm } from "~/modules/inventory/schemas.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useLocale, useT } from "~/components/i18n";
import { currencyDecimals, minorToDecimalString, type MessageKey } from "~/i18n/format";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "prices:manage");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  return json({
    site: { code: site.code, currency: site.currency },
    products: await listProducts(db, site.id),
    canManage: operatorCan(user.operatorRole, "prices:manage"),
  });
}

type ActionData = {
  intent: "update" | "active" | "";
  productId?: string;
  errors?: FieldErrors;
  formError?: MessageKey;
  notice?: MessageKey;
  values?: Record<string, string>;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "prices:manage");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const form = formDataObject(await readForm(request));

  if (form.intent === "update") {
    const parsed = parseForm(productForm(site.currency), form);
    if (!parsed.ok) return json<ActionData>({ intent: "update", productId: form.productId, errors: parsed.errors, values: form }, { status: 400 });
    const { productId, nameFr, nameEn, unitPrice, setupFee } = parsed.data;
    const result = await inTransaction((trx) =>
      updateProduct(trx, { siteId: site.id, productId, nameFr, nameEn, unitPriceMinor: unitPrice, setupFeeMinor: setupFee, actor }),
    );
    if (!result.ok) notFound();
    return redirect(`/ops/sites/${site.code}/prices?saved=${productId}`);
  }
  if (form.intent === "active") {
    const parsed = parseForm(ProductActiveForm, form);
    if (!parsed.ok) return json<ActionData>({ intent: "active", formError: "error.invalid" }, { status: 400 });
    const result = await inTransaction((trx) => setProductActive(trx, { siteId: site.id, ...parsed.data, actor }));
    if (!result.ok && result.error === "not_found") notFound();
    if (!result.ok)
      return json<ActionData>(
        { intent: "active", productId: parsed.data.productId, formError: "inventory.prices.kindAlreadyActive" },
        { status: 409 },
      );
    return json<ActionData>({
      intent: "active",
      productId: parsed.data.productId,
      notice: parsed.data.active ? "inventory.prices.activated" : "inventory.prices.deactivated",
    });
  }
  return json<ActionData>({ intent: "", formError: "error.invalid" }, { status: 400 });
}

export default function SitePrices() {
  const { site, products, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const tr = useT();
  const locale = useLocale();
  const format = useFormat();
  const decimals = currencyDecimals(site.currency);
  const editId = data?.intent === "update" ? data.productId : params.get("edit");
  const editing = canManage ? products.find((p) => p.id === editId) : undefined;
  const saved = products.find((p) => p.id === params.get("saved"));
  const name = (p: (typeof products)[number]) => (locale === "en" ? p.name_en : p.name_fr);
  const values = data?.intent === "update" ? data.values : undefined;
  const errors = data?.intent === "update" ? data.errors : undefined;
  const example = minorToDecimalString(decimals ? 90000 : 15000, decimals);
  return (
    <>
      <Alert kind="info">{tr("inventory.prices.frozenHint")}</Alert>
      {saved && !editing ? <Alert kind="success">{tr("inventory.prices.saved", { name: name(saved) })}</Alert> : null}
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.intent !== "update" && data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}

      {editing ? (
        <section className="card price-edit" id="price-edit" aria-labelledby="price-edit-title">
          <h2 id="price-edit-title">{tr("inventory.prices.editTitle", { kind: tr(`inventory.productKind.${editing.kind}`) })}</h2>
          <FormErrors errors={errors} />
          <Form method="post" noValidate className="form-grid" key={editing.id}>
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="productId" value={editing.id} />
            <Field
              name="nameFr"
              label={tr("inventory.prices.nameFr")}
              errors={errors}
              defaultValue={values?.nameFr ?? editing.name_fr}
              maxLength={200}
              lang="fr"
              required
            />
            <Field
              name="nameEn"
              label={tr("inventory.prices.nameEn")}
              errors={errors}
              defaultValue={values?.nameEn ?? editing.name_en}
              maxLength={200}
              lang="en"
              required
            />
            <Field
              name="unitPrice"
              label={tr("inventory.prices.unitPriceIn", { currency: site.currency })}
              errors={errors}
              defaultValue={values?.unitPrice ?? minorToDecimalString(editing.unit_price_minor, decimals)}
              inputMode={decimals ? "decimal" : "numeric"}
              hint={tr(decimals ? "inventory.prices.amountHintDecimals" : "inventory.prices.amountHintWhole", { example, decimals })}
              required
            />
            <Field
              name="setupFee"
              label={tr("inventory.prices.setupFeeIn", { currency: site.currency })}
              errors={errors}
              defaultValue={values?.setupFee ?? minorToDecimalString(editing.setup_fee_minor, decimals)}
              inputMode={decimals ? "decimal" : "numeric"}
              hint={tr("inventory.prices.setupHint")}
              required
            />
            <p className="hint form-grid-full">{tr("inventory.prices.changeHint")}</p>
            <div className="form-grid-full stack-h">
              <button className="btn">{tr("inventory.prices.save")}</button>
              <Link to="." className="btn btn--secondary">
                {tr("inventory.prices.cancel")}
              </Link>
            </div>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="prices-title">
        <h2 id="prices-title">{tr("inventory.prices.title", { currency: site.currency })}</h2>
        <div className="table-scroll">
          <table className="table table--compact prices-table">
            <thead>
              <tr>
                <th>{tr("inventory.prices.kind")}</th>
                <th className="hide-sm">{tr("inventory.prices.nameFr")}</th>
                <th className="hide-sm">{tr("inventory.prices.nameEn")}</th>
                <th className="num">{tr("inventory.prices.unitPrice")}</th>
                <th className="num">{tr("inventory.prices.setupFee")}</th>
                <th>{tr("inventory.prices.state")}</th>
                {canManage ? <th><span className="visually-hidden">{tr("common.actions")}</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.id} className={p.id === editing?.id || p.id === saved?.id ? "row-highlight" : undefined}>
                  <td>{tr(`inventory.productKind.${p.kind}`)}</td>
                  <td lang="fr" className="hide-sm">
                    {p.name_fr}
                  </td>
                  <td lang="en" className="hide-sm">
                    {p.name_en}
                  </td>
                  <td className="num nowrap">{format.money(p.unit_price_minor, site.currency)}</td>
                  <td className="num nowrap">
                    {p.setup_fee_minor ? format.money(p.setup_fee_minor, site.currency) : <span className="muted">{tr("common.none")}</span>}
                  </td>
                  <td>
                    <StatusBadge
                      status={p.is_active ? "active" : "inactive"}
                      label={tr(p.is_active ? "inventory.prices.active" : "inventory.prices.inactive")}
                    />
                  </td>
                  {canManage ? (
                    <td className="actions">
                      <div className="row-actions">
                        <Link
                          className="btn btn--small btn--secondary"
                          to={`?edit=${p.id}#price-edit`}
                          aria-label={`${tr("inventory.prices.edit")} — ${name(p)}`}
                        >
                          {tr("inventory.prices.edit")}
                        </Link>
                        <Form method="post">
                          <input type="hidden" name="intent" value="active" />
                          <input type="hidden" name="productId" value={p.id} />
                          <input type="hidden" name="active" value={p.is_active ? "false" : "true"} />
                          <button className={`btn btn--small ${p.is_active ? "btn--danger-ghost" : "btn--secondary"}`}>
                            {tr(p.is_active ? "inventory.prices.deactivate" : "inventory.prices.activate")}
                          </button>
                        </Form>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
