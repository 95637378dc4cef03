import { Link } from "@remix-run/react";
import { auditActionLabel, auditEntityLabel } from "~/modules/audit/actions";
import { useFormat, useT } from "./i18n";

export interface AuditRow {
  id: number | string;
  at: string;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  org_id?: string | null;
  org_name?: string | null;
  ip?: string | null;
  before?: unknown;
  after?: unknown;
  /** Where the object can be seen, and its name (filled by listAudit). */
  entity?: { name: string | null; href: string | null };
}

/** Longest value shown in the row itself; the whole value is in the expandable details. */
const SHORT = 140;
/** Most fields shown in the row itself. */
const FIELDS = 6;

function text(value: unknown): string {
  if (value === null || value === undefined) return "∅";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) return value.join(", ");
  if (Array.isArray(value)) return value.map((v) => text(v)).join(" ; ");
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k} ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Each field of before/after: its old value, its new value (a field only before was removed). */
export function auditChanges(before: unknown, after: unknown) {
  const b = isRecord(before) ? before : before === null || before === undefined ? {} : { value: before };
  const a = isRecord(after) ? after : after === null || after === undefined ? {} : { value: after };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.map((key) => ({
    key,
    before: key in b ? text(b[key]) : undefined,
    after: key in a ? text(a[key]) : undefined,
    changed: key in b && key in a && JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  }));
}

const clip = (s: string) => (s.length > SHORT ? `${s.slice(0, SHORT - 1)}…` : s);

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  const tr = useT();
  const format = useFormat();
  if (rows.length === 0) return <p className="muted">{tr("ops.audit.empty")}</p>;
  return (
    <table className="table table--compact audit-table">
      <thead>
        <tr>
          <th>{tr("ops.audit.when")}</th>
          <th>{tr("ops.audit.who")}</th>
          <th>{tr("ops.audit.action")}</th>
          <th>{tr("ops.audit.entity")}</th>
          <th>{tr("ops.audit.change")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const label = auditActionLabel(r.action);
          const entityLabel = auditEntityLabel(r.entity_type);
          const changes = auditChanges(r.before, r.after);
          const shown = changes.slice(0, FIELDS);
          const clipped = changes.length > FIELDS || changes.some((c) => (c.before ?? "").length > SHORT || (c.after ?? "").length > SHORT);
          const name = r.entity?.name ?? r.entity_id.slice(0, 8);
          return (
            <tr key={r.id}>
              <td className="nowrap audit-when" data-label={tr("ops.audit.when")}>
                <div className="audit-cell">
                <time dateTime={r.at}>{format.dateTime(r.at)}</time>
                </div>
              </td>
              <td className="audit-who" data-label={tr("ops.audit.who")}>
                <div className="audit-cell">
                {r.actor_email ?? <span className="muted">{tr("audit.system")}</span>}
                </div>
              </td>
              <td className="audit-action" data-label={tr("ops.audit.action")}>
                <div className="audit-cell">
                <strong>{label ? tr(label) : r.action}</strong>
                {label ? <code className="audit-code">{r.action}</code> : null}
                </div>
              </td>
              <td className="audit-entity" data-label={tr("ops.audit.entity")}>
                <div className="audit-cell">
                <span className="muted">{entityLabel ? tr(entityLabel) : r.entity_type}</span>{" "}
                {r.entity?.href ? <Link to={r.entity.href}>{name}</Link> : <span className="mono">{name}</span>}
                  {/* The object's short id as well: names change, ids do not. */}
                  {r.entity?.name && r.entity.name.toLowerCase() !== r.entity_id.slice(0, 8).toLowerCase() ? <span className="audit-ref">{r.entity_id.slice(0, 8)}</span> : null}
                {r.org_name && !(r.entity_type === "organisation" && r.org_id === r.entity_id) ? (
                  <div className="audit-org">
                    <Link to={`/ops/organisations/${r.org_id}`}>{r.org_name}</Link>
                  </div>
                ) : null}
                </div>
              </td>
              <td className="audit-change" data-label={tr("ops.audit.change")}>
                <div className="audit-cell">
                {shown.length === 0 ? <span className="muted">{tr("audit.noChange")}</span> : null}
                {shown.length ? (
                  <ul className="audit-fields">
                    {shown.map((c) => (
                      <li key={c.key}>
                        <span className="audit-key">{c.key}</span>{" "}
                        {c.before !== undefined && (c.changed || c.after === undefined) ? <span className="before">{clip(c.before)}</span> : null}
                        {c.changed ? " → " : null}
                        {c.after !== undefined ? <span className="after">{clip(c.after)}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {clipped || r.ip ? (
                  <details className="audit-details">
                    <summary>{tr("audit.details")}</summary>
                    {r.ip ? <p className="small muted">{tr("audit.ip", { ip: r.ip })}</p> : null}
                    {r.before !== null && r.before !== undefined ? (
                      <>
                        <p className="small muted">{tr("audit.before")}</p>
                        <pre className="audit-json" tabIndex={0}>{JSON.stringify(r.before, null, 2)}</pre>
                      </>
                    ) : null}
                    {r.after !== null && r.after !== undefined ? (
                      <>
                        <p className="small muted">{tr("audit.after")}</p>
                        <pre className="audit-json" tabIndex={0}>{JSON.stringify(r.after, null, 2)}</pre>
                      </>
                    ) : null}
                  </details>
                ) : null}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
