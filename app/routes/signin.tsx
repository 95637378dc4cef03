import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { authenticate } from "~/modules/auth/accounts.server";
import { createSessionCookie, getCurrentUser, homeFor } from "~/modules/auth/session.server";
import { SignInForm } from "~/modules/orgs/schemas.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { safeRedirect, type FormState } from "~/utils/forms";
import { appUrl, clientIp } from "~/utils/request.server";
import { getDb } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) throw redirect(homeFor(user));
  return null;
}

const errorKeys: Record<"bad_credentials" | "rate_limited" | "not_verified", MessageKey> = {
  bad_credentials: "error.badCredentials",
  rate_limited: "error.rateLimited",
  not_verified: "error.emailNotVerified",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(SignInForm, await readForm(request));
  if (!parsed.ok) return json<FormState>({ errors: parsed.errors, formError: undefined }, { status: 400 });
  const { email, password, redirectTo } = parsed.data;
  const result = await authenticate(await getDb(), { email, password, ip: clientIp(context), baseUrl: appUrl() });
  if (!result.ok) {
    const status = result.error === "rate_limited" ? 429 : result.error === "not_verified" ? 403 : 401;
    return json<FormState>({ errors: undefined, formError: errorKeys[result.error] }, { status });
  }
  const cookie = await createSessionCookie(result.userId);
  return redirect(safeRedirect(redirectTo, result.isOperator ? "/ops" : "/app"), { headers: { "Set-Cookie": cookie } });
}

export default function SignIn() {
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const tr = useT();
  const notice = params.get("notice");
  return (
    <PublicShell title={tr("signin.title")}>
      {notice === "verified" ? <Alert kind="success">{tr("verify.ok")}</Alert> : null}
      {notice === "reset" ? <Alert kind="success">{tr("reset.done")}</Alert> : null}
      <FormErrors formError={data?.formError} errors={data?.errors} />
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field name="email" type="email" label={tr("field.email")} autoComplete="email" errors={data?.errors} required />
        <Field name="password" type="password" label={tr("field.password")} autoComplete="current-password" errors={data?.errors} required />
        <button className="btn btn--block" disabled={navigation.state === "submitting"}>
          {tr("signin.submit")}
        </button>
      </Form>
      <p className="below-form">
        <Link to="/forgot-password">{tr("signin.forgot")}</Link>
      </p>
      <p className="below-form">
        {tr("signin.noAccount")} <Link to="/signup">{tr("nav.signUp")}</Link>
      </p>
    </PublicShell>
  );
}
