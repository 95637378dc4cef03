import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { payByCard } from "~/modules/payments/stripe.server";
import { readForm } from "~/utils/forms.server";
import { getDb } from "~/utils/db.server";

/**
 * POST /app/invoices/:invoiceId/card — "Pay by card": makes (or finds) the invoice's Stripe mirror
 * for its current balance and sends the tenant to Stripe's hosted page (docs/stripe.md). Members who
 * can pay (owner, admin, billing) only; 404 when Stripe is not configured or the invoice is not theirs.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireTenant(request, "invoices:pay");
  await readForm(request);
  const result = await payByCard(await getDb(), { orgId: user.orgId, invoiceId: params.invoiceId ?? "" });
  if (result.ok) return redirect(result.url);
  if (result.error === "not_found" || result.error === "not_configured") notFound();
  return json({ message: `stripe.error.${result.error}` as const }, { status: 409 });
}

export function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/app/invoices/${encodeURIComponent(params.invoiceId ?? "")}`);
}
