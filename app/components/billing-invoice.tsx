import type { MessageKey } from "~/i18n";
import { useT } from "./i18n";

/** The billing run's flags on a draft (modules/billing/run.server.ts), each a badge. */
const FLAG_BADGE: Record<string, string> = {
  first_invoice: "badge--upcoming",
  overage: "badge--pending",
  energy_jump: "badge--pending",
  exemption_expired: "badge--failed",
  exemption_missing: "badge--failed",
};

export function InvoiceFlags({ flags }: { flags: readonly string[] }) {
  const tr = useT();
  if (!flags.length) return <span className="muted">—</span>;
  return (
    <span className="stack-h billing-flags">
      {flags.map((flag) => (
        <span key={flag} className={`badge ${FLAG_BADGE[flag] ?? ""}`}>
          {flag in FLAG_BADGE ? tr(`billingOps.flag.${flag}` as MessageKey) : flag}
        </span>
      ))}
    </span>
  );
}

const STATUS_BADGE: Record<string, string> = { draft: "badge--pending", issued: "badge--upcoming", paid: "badge--active", void: "badge--cancelled" };

export function InvoiceStatusBadge({ status }: { status: "draft" | "issued" | "paid" | "void" }) {
  const tr = useT();
  return <span className={`badge ${STATUS_BADGE[status]}`}>{tr(`billingOps.status.${status}`)}</span>;
}
