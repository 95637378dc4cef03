import { json, type ActionFunctionArgs } from "@remix-run/node";
import type { Executor, Trx } from "#db/types";
import type { MessageKey } from "~/i18n";
import type { TenantActor } from "~/modules/audit/audit.server";
import { notFound, requireTenant, type TenantUser } from "~/modules/auth/session.server";
import { formDataObject, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";

export type CancelActionData = { formError?: MessageKey; notice?: MessageKey };

/** The usual answer to a refused step: its area's error message, 404 / 403 / 409. */
export const areaRefusal =
  (area: "remotehands" | "deliveries") =>
  (error: string): { key: MessageKey; status: number } => ({
    key: `${area}.error.${error}` as MessageKey,
    status: error === "not_found" ? 404 : error === "not_allowed" ? 403 : 409,
  });

/**
 * The tenant's only action on a ticket, a visit or a delivery page: cancel it. The member must be
 * allowed to order (`desk:order`); another organisation's item is not found whatever the form says;
 * any other intent is a 400; a refusal answers the area's localized message; done, its notice.
 */
export async function tenantCancelAction(
  { request, context }: ActionFunctionArgs,
  item: {
    belongs: (db: Executor, user: TenantUser) => Promise<unknown>;
    cancel: (trx: Trx, actor: TenantActor) => Promise<{ ok: true } | { ok: false; error: string }>;
    refusal: (error: string) => { key: MessageKey; status: number };
    done: MessageKey;
  },
) {
  const user = await requireTenant(request, "desk:order");
  if (!(await item.belongs(await getDb(), user))) notFound();
  const values = formDataObject(await readForm(request));
  if (values.intent !== "cancel") return json<CancelActionData>({ formError: "error.invalid" }, { status: 400 });
  const actor: TenantActor = { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role };
  const result = await inTransactionOrRollback((trx) => item.cancel(trx, actor));
  if (!result.ok) {
    const refused = item.refusal(result.error);
    if (refused.status === 404) notFound();
    return json<CancelActionData>({ formError: refused.key }, { status: refused.status });
  }
  return json<CancelActionData>({ notice: item.done });
}
