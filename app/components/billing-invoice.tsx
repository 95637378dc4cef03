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

/** The site picker of the operator billing pages (`name="site"`), with an "all sites" choice when `allLabel` is given. */
export function SiteField({ sites, value, allLabel }: { sites: readonly { code: string; name: string }[]; value: string; allLabel?: boolean }) {
  const tr = useT();
  return (
    <div className="field">
      <label htmlFor="f-site">{tr("billingOps.field.site")}</label>
      <select id="f-site" name="site" defaultValue={value}>
        {allLabel ? <option value="">{tr("billingOps.field.allSites")}</option> : null}
        {sites.map((s) => (
          <option key={s.code} value={s.code}>
            {s.code} — {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A month picker (`YYYY-MM`, 2000-01 to 2100-12). */
export function MonthField({ name, label, value }: { name: string; label: MessageKey; value: string }) {
  const tr = useT();
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{tr(label)}</label>
      <input id={`f-${name}`} name={name} type="month" min="2000-01" max="2100-12" defaultValue={value} />
    </div>
  );
}
