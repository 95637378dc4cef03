import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser, createSessionCookie } from "~/modules/auth/session.server";
import { changePassword } from "~/modules/auth/accounts.server";
import { updateProfile } from "~/modules/auth/profile.server";
import { ChangePasswordForm, ProfileForm } from "~/modules/orgs/schemas.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { type FieldErrors } from "~/utils/forms";
import { localeCookie } from "~/utils/request.server";
import { inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ name: user.name, email: user.email, locale: user.locale, role: user.role ?? user.operator_role });
}

type ActionData = { intent: string; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  if (intent === "profile") {
    const parsed = parseForm(ProfileForm, form);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors }, { status: 400 });
    await updateProfile(user.id, parsed.data);
    return json<ActionData>({ intent, notice: "account.saved" }, { headers: { "Set-Cookie": localeCookie(parsed.data.locale) } });
  }
  if (intent === "password") {
    const parsed = parseForm(ChangePasswordForm, form);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors }, { status: 400 });
    const result = await inTransaction((trx) => changePassword(trx, user.id, parsed.data.currentPassword, parsed.data.password));
    if (!result.ok && result.error === "rate_limited") return json<ActionData>({ intent, formError: "security.tooManyPasswordAttempts" }, { status: 429 });
    if (!result.ok) return json<ActionData>({ intent, errors: { currentPassword: "error.wrongPassword" } }, { status: 400 });
    // Every session ended with the change; this browser gets a fresh one.
    return json<ActionData>({ intent, notice: "account.passwordChanged" }, { headers: { "Set-Cookie": await createSessionCookie(user.id) } });
  }
  return json<ActionData>({ intent, formError: "error.invalid" }, { status: 400 });
}

export default function Account() {
  const me = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tr = useT();
  const errorsFor = (intent: string) => (data?.intent === intent ? data.errors : undefined);
  return (
    <>
      <div className="page-head">
        <h1>{tr("account.title")}</h1>
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      <div className="grid-2 grid-2--top">
        <section className="card">
          <h2>{tr("account.profile")}</h2>
          <FormErrors errors={errorsFor("profile")} />
          <Form method="post" noValidate key={me.locale}>
            <input type="hidden" name="intent" value="profile" />
            <Field name="email" label={tr("field.email")} value={me.email} readOnly disabled />
            <Field name="name" label={tr("field.name")} defaultValue={me.name} errors={errorsFor("profile")} required />
            <SelectField
              name="locale"
              label={tr("account.language")}
              defaultValue={me.locale}
              errors={errorsFor("profile")}
              options={[
                { value: "fr", label: tr("lang.fr") },
                { value: "en", label: tr("lang.en") },
              ]}
            />
            <button className="btn">{tr("account.save")}</button>
          </Form>
        </section>
        <section className="card">
          <h2>{tr("account.changePassword")}</h2>
          <FormErrors formError={data?.intent === "password" ? data.formError : undefined} errors={errorsFor("password")} />
          <Form method="post" noValidate key={data?.notice === "account.passwordChanged" ? "done" : "pw"}>
            <input type="hidden" name="intent" value="password" />
            <Field name="currentPassword" type="password" label={tr("field.currentPassword")} autoComplete="current-password" errors={errorsFor("password")} required />
            <Field name="password" type="password" label={tr("field.newPassword")} autoComplete="new-password" errors={errorsFor("password")} required />
            <Field name="passwordConfirm" type="password" label={tr("field.passwordConfirm")} autoComplete="new-password" errors={errorsFor("password")} required />
            <button className="btn">{tr("account.changePassword")}</button>
          </Form>
        </section>
      </div>
    </>
  );
}
