import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { TENANT_ROLES, canAssignRole, tenantCan } from "~/modules/auth/permissions";
import { changeMemberRole, inviteMember, listMembers, listOpenInvitations, removeMember, revokeInvitation } from "~/modules/orgs/members.server";
import { ChangeRoleForm, InviteForm } from "~/modules/orgs/schemas.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { type FieldErrors } from "~/utils/forms";
import { appUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "members:read");
  const db = await getDb();
  const canManage = tenantCan(user.role, "members:manage");
  return json({
    me: { id: user.id, role: user.role },
    canManage,
    members: await listMembers(db, user.orgId),
    invitations: canManage ? await listOpenInvitations(db, user.orgId) : [],
  });
}

const errorKeys: Record<string, MessageKey> = {
  already_member: "security.alreadyMemberHere",
  invitation_pending: "error.invitationPending",
  not_allowed: "error.notAllowed",
  last_owner: "error.lastOwner",
  not_found: "error.notFoundBody",
};

type ActionData = { intent: string; errors?: FieldErrors; formError?: MessageKey; notice?: { key: MessageKey; email?: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "members:manage");
  const actor = { id: user.id, email: user.email, name: user.name, role: user.role, ip: clientIp(context) };
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const fail = (data: Omit<ActionData, "intent">, status: number) => json<ActionData>({ intent, ...data }, { status });

  if (intent === "invite") {
    const parsed = parseForm(InviteForm, form);
    if (!parsed.ok) return fail({ errors: parsed.errors }, 400);
    const result = await inTransactionOrRollback((trx) =>
      inviteMember(trx, { orgId: user.orgId, actor, email: parsed.data.email, role: parsed.data.role, baseUrl: appUrl() }),
    );
    if (!result.ok) return fail({ formError: errorKeys[result.error] }, result.error === "not_allowed" ? 403 : 409);
    return json<ActionData>({ intent, notice: { key: "members.invited", email: parsed.data.email } });
  }
  if (intent === "role") {
    const parsed = parseForm(ChangeRoleForm, form);
    if (!parsed.ok) return fail({ errors: parsed.errors, formError: "error.invalidChoice" }, 400);
    const result = await inTransaction((trx) => changeMemberRole(trx, { orgId: user.orgId, actor, ...parsed.data }));
    if (!result.ok) return fail({ formError: errorKeys[result.error] }, result.error === "not_found" ? 404 : 409);
    return json<ActionData>({ intent });
  }
  if (intent === "remove") {
    const userId = String(form.get("userId") ?? "");
    const result = await inTransaction((trx) => removeMember(trx, { orgId: user.orgId, actor, userId }));
    if (!result.ok) return fail({ formError: errorKeys[result.error] }, result.error === "not_found" ? 404 : 409);
    return json<ActionData>({ intent });
  }
  if (intent === "revoke") {
    const invitationId = String(form.get("invitationId") ?? "");
    const ok = await inTransaction((trx) => revokeInvitation(trx, { orgId: user.orgId, invitationId, actor }));
    if (!ok) return fail({ formError: "error.notFoundBody" }, 404);
    return json<ActionData>({ intent });
  }
  return fail({ formError: "error.invalid" }, 400);
}

export default function Members() {
  const { me, canManage, members, invitations } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tr = useT();
  const format = useFormat();
  const roleOptions = TENANT_ROLES.map((r) => ({ value: r, label: tr(`role.${r}`) }));
  const inviteErrors = data?.intent === "invite" ? data.errors : undefined;
  return (
    <>
      <div className="page-head">
        <h1>{tr("members.title")}</h1>
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice.key, { email: data.notice.email ?? "" })}</Alert> : null}
      {data?.intent !== "invite" ? <FormErrors formError={data?.formError} /> : null}
      <section className="card">
        <table className="table">
          <thead>
            <tr>
              <th>{tr("field.name")}</th>
              <th>{tr("field.email")}</th>
              <th>{tr("field.role")}</th>
              <th>{tr("members.since")}</th>
              {canManage ? <th><span className="visually-hidden">{tr("common.actions")}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const editable = canManage && m.id !== me.id && canAssignRole(me.role, m.role);
              return (
                <tr key={m.id}>
                  <td>
                    {m.name} {m.id === me.id ? <span className="muted">({tr("members.you")})</span> : null}
                  </td>
                  <td>{m.email}</td>
                  <td>
                    {editable ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="role" />
                        <input type="hidden" name="userId" value={m.id} />
                        <select name="role" defaultValue={m.role} aria-label={`${tr("members.changeRole")} — ${m.name}`}>
                          {roleOptions
                            .filter((o) => canAssignRole(me.role, o.value))
                            .map((o) => (
                              <option key={o.value} value={o.value}>
                                {o.label}
                              </option>
                            ))}
                        </select>
                        <button className="btn btn--small btn--secondary">{tr("members.save")}</button>
                      </Form>
                    ) : (
                      tr(`role.${m.role}`)
                    )}
                  </td>
                  <td>{format.date(m.created_at)}</td>
                  {canManage ? (
                    <td className="actions">
                      {editable ? (
                        <Form
                          method="post"
                          onSubmit={(e) => {
                            if (!confirm(tr("members.removeConfirm", { name: m.name }))) e.preventDefault();
                          }}
                        >
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="userId" value={m.id} />
                          <button className="btn btn--small btn--danger-ghost">{tr("members.remove")}</button>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {canManage ? (
        <div className="grid-2 grid-2--top">
          <section className="card">
            <h2>{tr("members.invite")}</h2>
            {data?.intent === "invite" ? <FormErrors formError={data.formError} errors={inviteErrors} /> : null}
            <Form method="post" noValidate key={data?.notice?.email ?? "invite"}>
              <input type="hidden" name="intent" value="invite" />
              <Field name="email" type="email" label={tr("field.email")} errors={inviteErrors} required />
              <SelectField
                name="role"
                label={tr("field.role")}
                defaultValue="technical"
                errors={inviteErrors}
                options={roleOptions.filter((o) => canAssignRole(me.role, o.value))}
              />
              <p className="hint">{tr("members.roleHelp")}</p>
              <button className="btn">{tr("members.inviteSubmit")}</button>
            </Form>
          </section>
          <section className="card">
            <h2>{tr("members.pendingInvitations")}</h2>
            {invitations.length === 0 ? (
              <p className="muted">{tr("members.noInvitations")}</p>
            ) : (
              <ul className="list">
                {invitations.map((i) => (
                  <li key={i.id}>
                    <div>
                      <strong>{i.email}</strong> · {tr(`role.${i.role}`)}
                      <div className="muted">{tr("members.expires", { date: format.date(i.expires_at) })}</div>
                    </div>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="invitationId" value={i.id} />
                      <button className="btn btn--small btn--ghost">{tr("members.revoke")}</button>
                    </Form>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}
