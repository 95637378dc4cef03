import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { verifyEmail } from "~/modules/auth/accounts.server";
import { inTransaction } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const ok = token.length > 0 && token.length <= 200 && (await inTransaction((trx) => verifyEmail(trx, token)));
  if (ok) throw redirect("/signin?notice=verified");
  return json({ ok: false }, { status: 400 });
}

export default function VerifyEmail() {
  const tr = useT();
  return (
    <PublicShell title={tr("verify.title")}>
      <Alert>{tr("error.tokenInvalid")}</Alert>
      <p className="below-form">
        <Link to="/signin">{tr("nav.signIn")}</Link>
      </p>
    </PublicShell>
  );
}
