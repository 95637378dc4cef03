import { json, type ActionFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { giveNotice } from "~/modules/renewals/renewals.server";
import { renewalPanel } from "~/modules/renewals/views.server";
import { GiveNoticeForm, noticeFailures } from "~/modules/renewals/forms.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import type { MessageKey } from "~/i18n";

/**
 * POST /app/services/:contractId/renewal (`contracts:terminate`: owners and admins): the tenant's
 * notice of non-renewal, posted by the renewal panel (components/contract-renewal.tsx). Another
 * organisation's contract is not found; a refusal (deadline passed…) is a localized 409 and writes
 * nothing.
 */
export type RenewalActionData = { ok: true; endOn: string } | { ok: false; formError: MessageKey };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "contracts:terminate");
  const contractId = params.contractId ?? "";
  if (!(await renewalPanel(await getDb(), { orgId: user.orgId, role: user.role }, contractId))) notFound();
  const parsed = parseForm(GiveNoticeForm, await readForm(request));
  if (!parsed.ok) return json<RenewalActionData>({ ok: false, formError: "renewals.error.form" }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    giveNotice(trx, {
      orgId: user.orgId,
      contractId,
      commitmentEndsOn: parsed.data.commitmentEndsOn,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const failure = noticeFailures[result.error];
    return json<RenewalActionData>({ ok: false, formError: failure.key }, { status: failure.status });
  }
  return json<RenewalActionData>({ ok: true, endOn: result.endOn });
}
