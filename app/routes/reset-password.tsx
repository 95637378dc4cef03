import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { resetPassword } from "~/modules/auth/accounts.server";
import { ResetPasswordForm } from "~/modules/orgs/schemas.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { type FormState } from "~/utils/forms";
import { inTransaction } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  return json({ token: new URL(request.url).searchParams.get("token") ?? "" });
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(ResetPasswordForm, await readForm(request));
  if (!parsed.ok) return json<FormState>({ errors: parsed.errors, formError: undefined }, { status: 400 });
  const ok = await inTransaction((trx) => resetPassword(trx, parsed.data.token, parsed.data.password));
  if (!ok) return json<FormState>({ errors: undefined, formError: "error.tokenInvalid" }, { status: 400 });
  return redirect("/signin?notice=reset");
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tr = useT();
  return (
    <PublicShell title={tr("reset.title")}>
      <FormErrors formError={data?.formError} errors={data?.errors} />
      <Form method="post" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field name="password" type="password" label={tr("field.newPassword")} autoComplete="new-password" errors={data?.errors} required />
        <Field name="passwordConfirm" type="password" label={tr("field.passwordConfirm")} autoComplete="new-password" errors={data?.errors} required />
        <button className="btn btn--block">{tr("reset.submit")}</button>
      </Form>
    </PublicShell>
  );
}
