import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { signUp, signUpAllowed } from "~/modules/auth/accounts.server";
import { getCurrentUser, homeFor } from "~/modules/auth/session.server";
import { SignUpForm } from "~/modules/orgs/schemas.server";
import { COUNTRIES } from "~/modules/orgs/countries";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import { type FormState } from "~/utils/forms";
import { appUrl, clientIp, requestLocale } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useLocale, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) throw redirect(homeFor(user));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formDataObject(await readForm(request));
  const parsed = parseForm(SignUpForm, { ...values, locale: requestLocale(request) });
  const { password: _p, passwordConfirm: _c, ...echo } = values;
  if (!parsed.ok) return json<FormState>({ errors: parsed.errors, values: echo, done: undefined }, { status: 400 });
  if (!(await signUpAllowed(await getDb(), clientIp(context)))) {
    return json<FormState>({ errors: undefined, formError: "security.tooManySignUps", values: echo, done: undefined }, { status: 429 });
  }
  // The unique e-mail decides between concurrent sign-ups; the loser's transaction is rolled back whole.
  const result = await inTransactionOrRollback((trx) => signUp(trx, parsed.data, { baseUrl: appUrl(), ip: clientIp(context) }));
  if (!result.ok) return json<FormState>({ errors: { email: "error.emailTaken" as const }, values: echo, done: undefined }, { status: 409 });
  return json<FormState>({ errors: undefined, values: echo, done: parsed.data.email });
}

export default function SignUp() {
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const locale = useLocale();
  const format = useFormat();
  if (data?.done) {
    return (
      <PublicShell title={tr("signup.title")}>
        <Alert kind="success">{tr("signup.done", { email: data.done })}</Alert>
        <p>{tr("verify.checkInbox", { email: data.done })}</p>
        <Link className="btn" to="/signin">
          {tr("nav.signIn")}
        </Link>
      </PublicShell>
    );
  }
  const v = data?.values ?? {};
  const e = data?.errors;
  const countries = COUNTRIES.map((c) => ({ value: c, label: format.country(c) }));
  return (
    <PublicShell title={tr("signup.title")} wide>
      <p className="lead">{tr("signup.intro")}</p>
      <FormErrors formError={data?.formError} errors={e} />
      <Form method="post" noValidate key={locale}>
        <fieldset>
          <legend>{tr("signup.orgSection")}</legend>
          <div className="grid-2">
            <Field name="orgName" label={tr("field.orgName")} defaultValue={v.orgName} errors={e} autoComplete="organization" required />
            <SelectField
              name="orgKind"
              label={tr("field.orgKind")}
              defaultValue={v.orgKind ?? "sme"}
              errors={e}
              options={[
                { value: "sme", label: tr("orgKind.sme") },
                { value: "agency", label: tr("orgKind.agency") },
              ]}
            />
            <Field name="taxId" label={tr("field.taxId")} defaultValue={v.taxId} errors={e} required />
            <Field name="rccm" label={tr("field.rccm")} defaultValue={v.rccm} errors={e} optional />
            <Field name="billingEmail" type="email" label={tr("field.billingEmail")} defaultValue={v.billingEmail} errors={e} required />
            <SelectField name="country" label={tr("field.country")} defaultValue={v.country ?? "TG"} errors={e} options={countries} />
          </div>
          <Field name="address" label={tr("field.address")} defaultValue={v.address} errors={e} autoComplete="street-address" required />
        </fieldset>
        <fieldset>
          <legend>{tr("signup.userSection")}</legend>
          <div className="grid-2">
            <Field name="name" label={tr("field.name")} defaultValue={v.name} errors={e} autoComplete="name" required />
            <Field name="email" type="email" label={tr("field.email")} defaultValue={v.email} errors={e} autoComplete="email" required />
            <Field name="password" type="password" label={tr("field.password")} errors={e} autoComplete="new-password" required hint={tr("error.passwordTooShort")} />
            <Field name="passwordConfirm" type="password" label={tr("field.passwordConfirm")} errors={e} autoComplete="new-password" required />
          </div>
        </fieldset>
        <button className="btn btn--block" disabled={navigation.state === "submitting"}>
          {tr("signup.submit")}
        </button>
      </Form>
      <p className="below-form">
        {tr("signup.haveAccount")} <Link to="/signin">{tr("nav.signIn")}</Link>
      </p>
    </PublicShell>
  );
}
