import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { checkInVisit, checkOutVisit, securityList, siteByCode, type Result } from "~/modules/siteaccess/visits.server";
import { DayParam } from "~/modules/siteaccess/schemas.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { IdDoc } from "~/modules/siteaccess/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * GET/POST /ops/desk/:siteCode/security-list?day=YYYY-MM-DD — the guard's list: exactly the approved
 * visitors of that day at that site, with check-in and check-out, and the valid standing badges.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await siteByCode(db, params.siteCode);
  if (!site) notFound();
  const day = new URL(request.url).searchParams.get("day") ?? site.today;
  const parsed = parseForm(DayParam, { day });
  if (!parsed.ok) throw json({ message: parsed.errors.day ?? "siteaccess.error.day" }, { status: 400 });
  const list = await securityList(db, { siteId: site.id, day: parsed.data.day, role: user.operatorRole });
  return json({ site, day: parsed.data.day, ...list, canAct: operatorCan(user.operatorRole, "visits:manage") });
}

type ActionData = { visitId?: string; formError?: MessageKey; notice?: MessageKey };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "visits:manage");
  const site = await siteByCode(await getDb(), params.siteCode);
  if (!site) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context), operatorRole: user.operatorRole };
  const visitId = values.visitId ?? "";
  let result: Result;
  if (values.intent === "checkIn") result = await inTransactionOrRollback((trx) => checkInVisit(trx, { actor, visitId, siteId: site.id }));
  else if (values.intent === "checkOut") result = await inTransactionOrRollback((trx) => checkOutVisit(trx, { actor, visitId, siteId: site.id }));
  else return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  if (!result.ok) {
    const r = refusal(result.error);
    if (r.status === 404) notFound();
    return json<ActionData>({ visitId, formError: r.key }, { status: r.status });
  }
  return json<ActionData>({ visitId, notice: values.intent === "checkIn" ? "siteaccess.done.checkIn" : "siteaccess.done.checkOut" });
}

export default function SecurityList() {
  const { site, day, visits, badges, canAct } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const format = useFormat();
  const time = (at: string) => new Intl.DateTimeFormat("en-GB", { timeZone: site.time_zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(at));
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}/visits`}>← {tr("siteaccess.ops.visits")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.list.title", { site: `${site.code} · ${site.name}` })}</h1>
          <p className="muted">
            {format.date(day)} · {tr("siteaccess.list.dayHint", { tz: site.time_zone })}
          </p>
        </div>
        <a className="btn btn--secondary" href={`/ops/desk/${site.code}/security-list.pdf?day=${day}`}>
          {tr("siteaccess.list.pdf")}
        </a>
      </div>
      <Alert kind="warning">{tr("siteaccess.list.rule")}</Alert>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <section className="card">
        <Form method="get" className="inline-form">
          <label htmlFor="f-day">{tr("siteaccess.field.day")}</label> <input id="f-day" type="date" name="day" defaultValue={day} />{" "}
          <button className="btn btn--small btn--secondary">{tr("siteaccess.list.show")}</button>
        </Form>
      </section>
      <section className="card" aria-labelledby="visitors-title">
        <h2 id="visitors-title">{tr("siteaccess.list.visitors", { count: visits.length })}</h2>
        {visits.length === 0 ? (
          <p className="muted">{tr("siteaccess.list.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("siteaccess.detail.window")}</th>
                  <th>{tr("siteaccess.col.visitor")}</th>
                  <th>{tr("siteaccess.col.org")}</th>
                  <th>{tr("siteaccess.col.racks")}</th>
                  <th>{tr("siteaccess.col.escort")}</th>
                  <th>{tr("siteaccess.col.id")}</th>
                  <th>{tr("siteaccess.col.presence")}</th>
                </tr>
              </thead>
              <tbody>
                {visits.map((v) => (
                  <tr key={v.id} className={data?.visitId === v.id ? "row-highlight" : undefined}>
                    <td className="nowrap">{tr("siteaccess.window", { start: v.window_start, end: v.window_end })}</td>
                    <td>
                      <Link to={`/ops/desk/visits/${v.id}`}>
                        <strong>{v.visitor_name}</strong>
                      </Link>
                      <br />
                      <span className="muted">{v.company}</span>
                    </td>
                    <td>{v.org_name}</td>
                    <td>{v.racks.map((r) => r.name).join(", ")}</td>
                    <td>{v.escort_needed ? tr("siteaccess.escort.yes") : tr("siteaccess.escort.no")}</td>
                    <td>
                      <IdDoc type={v.id_doc_type} number={v.id_doc_number} masked={v.idMasked} />
                    </td>
                    <td className="nowrap">
                      {v.checked_in_at ? <div>{tr("siteaccess.list.in", { time: time(v.checked_in_at) })}</div> : null}
                      {v.checked_out_at ? <div>{tr("siteaccess.list.out", { time: time(v.checked_out_at) })}</div> : null}
                      {!v.racks_held && !v.checked_in_at ? <span className="badge badge--rejected">{tr("siteaccess.list.released")}</span> : null}
                      {canAct && !v.checked_in_at && v.racks_held ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="checkIn" />
                          <input type="hidden" name="visitId" value={v.id} />
                          <button className="btn btn--small" disabled={busy} aria-label={`${tr("siteaccess.checkIn.submit")} — ${v.visitor_name}`}>
                            {tr("siteaccess.checkIn.submit")}
                          </button>
                        </Form>
                      ) : null}
                      {canAct && v.actions.checkOut ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="checkOut" />
                          <input type="hidden" name="visitId" value={v.id} />
                          <button className="btn btn--small btn--secondary" disabled={busy} aria-label={`${tr("siteaccess.checkOut.submit")} — ${v.visitor_name}`}>
                            {tr("siteaccess.checkOut.submit")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="badges-title">
        <h2 id="badges-title">{tr("siteaccess.list.badges", { count: badges.length })}</h2>
        {badges.length === 0 ? (
          <p className="muted">{tr("siteaccess.list.noBadges")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("siteaccess.col.name")}</th>
                  <th>{tr("siteaccess.col.org")}</th>
                  <th>{tr("siteaccess.col.id")}</th>
                  <th>{tr("siteaccess.col.validUntil")}</th>
                </tr>
              </thead>
              <tbody>
                {badges.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <strong>{b.name}</strong>
                      <br />
                      <span className="muted">{b.company}</span>
                    </td>
                    <td>{b.org_name}</td>
                    <td>
                      <IdDoc type={b.id_doc_type} number={b.id_doc_number} />
                    </td>
                    <td>{format.date(b.valid_until)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
