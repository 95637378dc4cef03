import { useFormat, useT } from "./i18n";

export interface AuditRow {
  id: number;
  at: string;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before?: unknown;
  after?: unknown;
}

function summary(value: unknown) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  const tr = useT();
  const format = useFormat();
  if (rows.length === 0) return <p className="muted">{tr("ops.audit.empty")}</p>;
  return (
    <table className="table table--compact">
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
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="nowrap">{format.dateTime(r.at)}</td>
            <td>{r.actor_email ?? tr("common.none")}</td>
            <td>
              <code>{r.action}</code>
            </td>
            <td className="mono small">
              {r.entity_type} {r.entity_id.slice(0, 8)}
            </td>
            <td className="small">
              {r.before ? <span className="before">{summary(r.before)}</span> : null}
              {r.before && r.after ? " → " : null}
              {r.after ? <span className="after">{summary(r.after)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
