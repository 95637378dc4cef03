import { useFetcher } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";

/**
 * "Pay by card" on a tenant invoice (docs/stripe.md): posts to /app/invoices/:id/card, which answers
 * with a redirect to Stripe's hosted page (followed by the browser) or a message shown here.
 * Without JavaScript it is a plain form post and the browser follows the redirect itself.
 */
export function PayByCard({ invoiceId }: { invoiceId: string }) {
  const tr = useT();
  const fetcher = useFetcher<{ message?: MessageKey }>();
  const busy = fetcher.state !== "idle";
  return (
    <fetcher.Form method="post" action={`/app/invoices/${invoiceId}/card`} className="stack">
      <h3>{tr("stripe.pay")}</h3>
      <p className="muted small">{tr("stripe.payHint")}</p>
      {fetcher.data?.message && !busy ? <Alert>{tr(fetcher.data.message)}</Alert> : null}
      <p>
        <button className="btn" disabled={busy}>
          {busy ? tr("stripe.paying") : tr("stripe.pay")}
        </button>
      </p>
    </fetcher.Form>
  );
}
