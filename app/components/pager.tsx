import { Link } from "@remix-run/react";
import { useT } from "./i18n";

export function Pager({ page, total, pageSize }: { page: number; total: number; pageSize: number }) {
  const tr = useT();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={tr("nav.pagination")}>
      {page > 1 ? <Link to={`?page=${page - 1}`}>← {tr("common.previous")}</Link> : <span />}
      <span className="muted">
        {tr("common.page", { page })} / {pages}
      </span>
      {page < pages ? <Link to={`?page=${page + 1}`}>{tr("common.next")} →</Link> : <span />}
    </nav>
  );
}
