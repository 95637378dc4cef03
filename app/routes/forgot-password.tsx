import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { requestPasswordReset } from "~/modules/auth/accounts.server";
import { EmailForm } from "~/modules/orgs/schemas.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { type FormState } from "~/utils/forms";
import { appUrl, clientIp } from "~/utils/request.server";
import { getDb } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(EmailForm, await readForm(request));
  if (!parsed.ok) return json<FormState>({ errors: parsed.errors, sent: false }, { status: 400 });
  // Same words, same time for every address: the lookup happens after this answer has left.
  const result = await requestPasswordReset(await getDb(), { email: parsed.data.email, ip: clientIp(context), baseUrl: appUrl() });
  if (!result.ok) return json<FormState>({ errors: undefined, formError: "error.rateLimited", sent: false }, { status: 429 });
  return json<FormState>({ errors: undefined, sent: true });
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const tr = useT();
  return (
    <PublicShell title={tr("forgot.title")}>
      {data?.sent ? (
        <Alert kind="success">{tr("forgot.sent")}</Alert>
      ) : (
        <>
          <p>{tr("forgot.intro")}</p>
          <FormErrors formError={data?.formError} errors={data?.errors} />
          <Form method="post" noValidate>
            <Field name="email" type="email" label={tr("field.email")} autoComplete="email" errors={data?.errors} required />
            <button className="btn btn--block">{tr("forgot.submit")}</button>
          </Form>
        </>
      )}
      <p className="below-form">
        <Link to="/signin">{tr("nav.signIn")}</Link>
      </p>
    </PublicShell>
  );
}
