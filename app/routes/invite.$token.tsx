import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { acceptInvitation, findInvitation } from "~/modules/orgs/members.server";
import { AcceptInvitationForm } from "~/modules/orgs/schemas.server";
import { createSessionCookie, getCurrentUser } from "~/modules/auth/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { type FormState } from "~/utils/forms";
import { requestLocale } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { emailTaken } from "~/modules/auth/accounts.server";
import { PublicShell } from "~/components/shell";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = await getDb();
  const invitation = await findInvitation(db, params.token ?? "");
  if (!invitation) return json({ invitation: null, hasAccount: false, signedInAs: null }, { status: 404 });
  const user = await getCurrentUser(request);
  return json({
    invitation: { email: invitation.email, role: invitation.role, orgName: invitation.org_name, inviterName: invitation.inviter_name ?? "" },
    hasAccount: await emailTaken(db, invitation.email),
    signedInAs: user?.email ?? null,
  });
}

const errorKeys: Record<string, MessageKey> = {
  invalid: "error.tokenInvalid",
  email_taken: "error.emailTaken",
  already_member: "error.alreadyMember",
  wrong_account: "error.notAllowed",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const user = await getCurrentUser(request);
  const form = await readForm(request);
  let result;
  if (user) {
    result = await inTransactionOrRollback((trx) => acceptInvitation(trx, { token, userId: user.id }));
  } else {
    const parsed = parseForm(AcceptInvitationForm, form);
    if (!parsed.ok) return json<FormState>({ errors: parsed.errors, formError: undefined }, { status: 400 });
    const newUser = { name: parsed.data.name, password: parsed.data.password, locale: requestLocale(request) };
    result = await inTransactionOrRollback((trx) => acceptInvitation(trx, { token, newUser }));
  }
  if (!result.ok) return json<FormState>({ errors: undefined, formError: errorKeys[result.error] }, { status: 409 });
  const headers = user ? undefined : { "Set-Cookie": await createSessionCookie(result.userId) };
  return redirect("/app", { headers });
}

export default function Invite() {
  const { invitation, hasAccount, signedInAs } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tr = useT();
  const location = useLocation();
  if (!invitation) {
    return (
      <PublicShell title={tr("error.notFound")}>
        <Alert>{tr("error.tokenInvalid")}</Alert>
        <Link to="/signin">{tr("nav.signIn")}</Link>
      </PublicShell>
    );
  }
  const intro = tr("invite.intro", { inviter: invitation.inviterName, org: invitation.orgName, role: tr(`role.${invitation.role}`) });
  return (
    <PublicShell title={tr("invite.title", { org: invitation.orgName })}>
      <p className="lead">{intro}</p>
      <FormErrors formError={data?.formError} errors={data?.errors} />
      {signedInAs === invitation.email ? (
        <Form method="post">
          <button className="btn btn--block">{tr("invite.submit")}</button>
        </Form>
      ) : hasAccount ? (
        <>
          <Alert kind="info">{tr("invite.existing", { email: invitation.email })}</Alert>
          <Link className="btn" to={`/signin?redirectTo=${encodeURIComponent(location.pathname)}`}>
            {tr("nav.signIn")}
          </Link>
        </>
      ) : (
        <Form method="post" noValidate>
          <Field name="email" label={tr("field.email")} value={invitation.email} readOnly />
          <Field name="name" label={tr("field.name")} autoComplete="name" errors={data?.errors} required />
          <Field name="password" type="password" label={tr("field.password")} autoComplete="new-password" errors={data?.errors} required />
          <Field name="passwordConfirm" type="password" label={tr("field.passwordConfirm")} autoComplete="new-password" errors={data?.errors} required />
          <button className="btn btn--block">{tr("invite.submit")}</button>
        </Form>
      )}
    </PublicShell>
  );
}
