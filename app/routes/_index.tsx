import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getCurrentUser, homeFor } from "~/modules/auth/session.server";
import { listSites } from "~/modules/inventory/sites.server";
import { getDb } from "~/utils/db.server";
import { PublicShell } from "~/components/shell";
import { useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  // A signed-in user whose membership was removed stays here with an explanation.
  if (user && (user.operator_role || user.org_id)) throw redirect(homeFor(user));
  return json({ orphan: Boolean(user), sites: await listSites(await getDb()) });
}

export default function Index() {
  const { orphan, sites } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <PublicShell title={tr("app.name")}>
      <p className="lead">{tr("app.tagline")}</p>
      {orphan ? (
        <>
          <p className="alert alert--warning">{tr("home.noOrganisation")}</p>
          <Form method="post" action="/signout">
            <button className="btn">{tr("nav.signOut")}</button>
          </Form>
        </>
      ) : (
        <div className="stack-h">
          <Link className="btn" to="/signin">
            {tr("nav.signIn")}
          </Link>
          <Link className="btn btn--secondary" to="/signup">
            {tr("nav.signUp")}
          </Link>
        </div>
      )}
      <ul className="sites-list">
        {sites.map((s) => (
          <li key={s.id}>
            <strong>{s.code}</strong> {s.name} <span className="muted">{s.currency}</span>
          </li>
        ))}
      </ul>
    </PublicShell>
  );
}
