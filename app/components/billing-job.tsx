import { Link, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { MessageKey } from "~/i18n";
import type { JobView } from "~/modules/billing/overview.server";
import { useFormat, useT } from "./i18n";

/** A billing job as the loaders send it (the type is erased: nothing of the server module reaches the browser). */
export type BillingJob = JobView;

export const jobActive = (job: BillingJob | null | undefined) => job?.status === "queued" || job?.status === "running";

/**
 * Reloads the page's data every `ms` while `active` (a job queued or running), without stacking
 * reloads: a tick is skipped while the previous one is still loading or the tab is hidden.
 */
export function usePollWhile(active: boolean, ms = 1500) {
  const { revalidate, state } = useRevalidator();
  const loading = useRef(state);
  loading.current = state;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (loading.current === "idle" && document.visibilityState !== "hidden") revalidate();
    }, ms);
    return () => window.clearInterval(timer);
  }, [active, ms, revalidate]);
}

/** Issued numbers listed one by one up to this many; beyond, the first and the last. */
const MAX_LISTED = 12;

type RunResult = { invoices: number; issued: number };
type IssueResult = { issued: { id: string; number: string }[]; failed: { id: string; orgName: string; code: string }[] };

const ISSUE_ERRORS = new Set(["not_found", "not_draft", "empty", "no_issuer", "period_open", "no_rate"]);
export const issueErrorKey = (code: string, siteCode: string): [MessageKey, Record<string, string>] =>
  [ISSUE_ERRORS.has(code) ? (`billingOps.issueError.${code}` as MessageKey) : "billingOps.issueError.unknown", { site: siteCode }];

/**
 * The state of a run or an issue job: waiting, a progress bar with organisations done / total and
 * the last one billed, then the summary (or the failure). The text sits in a polite live region, so
 * a screen reader hears the progress without being interrupted.
 */
export function BillingJobStatus({ job, kind, siteCode, invoiceHref }: { job: BillingJob | null; kind: "run" | "issue"; siteCode: string; invoiceHref: (id: string) => string }) {
  const tr = useT();
  const format = useFormat();
  if (!job) return <p className="muted" aria-live="polite">{tr(kind === "run" ? "billingOps.job.run.none" : "billingOps.job.issue.none")}</p>;
  const total = job.total ?? 0;
  return (
    <div className="billing-job" aria-live="polite">
      {job.status === "queued" ? <p>{tr("billingOps.job.queued")}</p> : null}
      {job.status === "running" ? (
        <>
          <p>
            {job.total === null
              ? tr("billingOps.job.starting")
              : tr(kind === "run" ? "billingOps.job.run.progress" : "billingOps.job.issue.progress", { done: format.number(job.done), total: format.number(total) })}
            {job.label ? <> — {tr("billingOps.job.current", { name: job.label })}</> : null}
          </p>
          <progress style={{ width: "100%" }} max={Math.max(total, 1)} value={job.done} aria-label={tr(kind === "run" ? "billingOps.job.run.bar" : "billingOps.job.issue.bar")} />
        </>
      ) : null}
      {job.status === "failed" ? (
        <div className="alert alert--error">
          <p>{tr("billingOps.job.failed", { attempts: job.attempts })}</p>
          {job.error ? <p className="muted"><code>{job.error}</code></p> : null}
        </div>
      ) : null}
      {job.status === "done" && kind === "run" ? <RunSummary result={job.result as RunResult} finishedAt={job.finishedAt} /> : null}
      {job.status === "done" && kind === "issue" ? <IssueSummary result={job.result as IssueResult} siteCode={siteCode} invoiceHref={invoiceHref} finishedAt={job.finishedAt} /> : null}
    </div>
  );
}

function RunSummary({ result, finishedAt }: { result: RunResult | null; finishedAt: string | null }) {
  const tr = useT();
  const format = useFormat();
  if (!result) return null;
  return (
    <div className="alert alert--success">
      {tr("billingOps.job.run.done", { drafts: result.invoices, issued: result.issued, at: finishedAt ? format.dateTime(finishedAt) : "" })}
    </div>
  );
}

function IssueSummary({ result, siteCode, invoiceHref, finishedAt }: { result: IssueResult | null; siteCode: string; invoiceHref: (id: string) => string; finishedAt: string | null }) {
  const tr = useT();
  const format = useFormat();
  if (!result) return null;
  return (
    <>
      <div className={`alert alert--${result.failed.length ? "warning" : "success"}`}>
        <p>{tr("billingOps.job.issue.done", { issued: result.issued.length, failed: result.failed.length, at: finishedAt ? format.dateTime(finishedAt) : "" })}</p>
        {result.issued.length > 0 && result.issued.length <= MAX_LISTED ? (
          <p>
            {result.issued.map((inv, i) => (
              <span key={inv.id}>
                {i ? ", " : null}
                <Link to={invoiceHref(inv.id)}>{inv.number}</Link>
              </span>
            ))}
          </p>
        ) : null}
        {result.issued.length > MAX_LISTED ? (
          <p>
            {tr("billingOps.job.issue.range", { count: format.number(result.issued.length) })} <Link to={invoiceHref(result.issued[0].id)}>{result.issued[0].number}</Link> →{" "}
            <Link to={invoiceHref(result.issued[result.issued.length - 1].id)}>{result.issued[result.issued.length - 1].number}</Link>
          </p>
        ) : null}
      </div>
      {result.failed.length ? (
        <ul className="billing-failures">
          {result.failed.map((f) => {
            const [key, vars] = issueErrorKey(f.code, siteCode);
            return (
              <li key={f.id}>
                <Link to={invoiceHref(f.id)}>{f.orgName}</Link> : {tr(key, vars)}
              </li>
            );
          })}
        </ul>
      ) : null}
    </>
  );
}
