import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { siteByCode } from "~/modules/siteaccess/visits.server";
import { DayParam } from "~/modules/siteaccess/schemas.server";
import { pdfResponse, securityListPdfFor } from "~/modules/siteaccess/security-list-pdf.server";
import { parseForm } from "~/utils/forms.server";
import { getDb } from "~/utils/db.server";

/** GET /ops/desk/:siteCode/security-list.pdf?day=YYYY-MM-DD — the day's security desk list, one printable page, in the operator's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await siteByCode(db, params.siteCode);
  if (!site) notFound();
  const day = new URL(request.url).searchParams.get("day") ?? site.today;
  const parsed = parseForm(DayParam, { day });
  if (!parsed.ok) throw json({ message: parsed.errors.day ?? "siteaccess.error.day" }, { status: 400 });
  return pdfResponse(await securityListPdfFor(db, { site, day: parsed.data.day, role: user.operatorRole, language: user.locale }));
}
