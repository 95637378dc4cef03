import { Form, Link } from "@remix-run/react";
import { useFormat, useLocale, useT } from "~/components/i18n";

export interface VersionRow {
  id: string;
  kind: string;
  name_fr: string;
  name_en: string;
  quantity: number;
  valid_from: string;
  valid_to: string | null;
}

export interface PendingAmendment {
  id: string;
  effectiveOn: string;
  lines: { kind: string; quantity_before: number; quantity: number }[];
}

/**
 * A contract's quantities over time ("Puissance 2 → 4 kW à partir du 15 mars"), and what the tenant
 * may do about it: ask for a change, or withdraw the one that waits. Shown on the tenant's contract
 * page; the operators' contract page shows the history alone.
 */
export function ContractVersions({ versions, pending, changeUrl, canAmend }: { versions: VersionRow[]; pending?: PendingAmendment | null; changeUrl?: string; canAmend?: boolean }) {
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const name = (v: { kind: string }) => {
    const row = versions.find((x) => x.kind === v.kind);
    return row ? (locale === "en" ? row.name_en : row.name_fr) : tr(`requests.kind.${v.kind}` as never);
  };
  // A change is a version that follows another of the same kind.
  const changes = versions.filter((v) => versions.some((p) => p.kind === v.kind && p.valid_to !== null && p.valid_from < v.valid_from && p.valid_to < v.valid_from));
  const before = (v: VersionRow) => versions.filter((p) => p.kind === v.kind && p.valid_from < v.valid_from).sort((a, b) => b.valid_from.localeCompare(a.valid_from))[0];
  return (
    <section className="card">
      <h2>{tr("amendments.versions.title")}</h2>
      {changes.length ? (
        <ul className="list">
          {changes
            .sort((a, b) => a.valid_from.localeCompare(b.valid_from))
            .map((v) => (
              <li key={v.id}>
                {tr("amendments.versions.change", { kind: name(v), before: format.number(before(v)?.quantity ?? 0), after: format.number(v.quantity), date: format.date(v.valid_from) })}
              </li>
            ))}
        </ul>
      ) : (
        <p className="muted">{tr("amendments.versions.none")}</p>
      )}
      {pending ? (
        <>
          <p>{tr("amendments.pending", { date: format.date(pending.effectiveOn) })}</p>
          <ul className="plain small">
            {pending.lines.map((l) => (
              <li key={l.kind}>{tr("amendments.versions.change", { kind: name(l), before: format.number(l.quantity_before), after: format.number(l.quantity), date: format.date(pending.effectiveOn) })}</li>
            ))}
          </ul>
          {canAmend && changeUrl ? (
            <Form method="post" action={changeUrl}>
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="changeId" value={pending.id} />
              <button className="btn btn--ghost btn--block">{tr("amendments.withdraw")}</button>
            </Form>
          ) : null}
        </>
      ) : canAmend && changeUrl ? (
        <Link className="btn btn--primary btn--block" to={changeUrl}>
          {tr("amendments.change")}
        </Link>
      ) : null}
    </section>
  );
}
