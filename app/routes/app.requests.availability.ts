import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireTenant } from "~/modules/auth/session.server";
import { availabilityFor, sitesWithPrices } from "~/modules/requests/requests.server";
import { NewRequestForm } from "~/modules/requests/schemas.server";
import type { AvailabilityShortage } from "~/modules/inventory/capacity.server";
import type { CaseByCaseKind } from "~/modules/requests/quote";
import { parseForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { getDb } from "~/utils/db.server";

/**
 * Live availability for the new-request form: GET with the form's values as query string
 * (`siteId`, `desiredStartOn`, `termMonths`, `qty_<kind>`), answered as JSON. Capacity only, no
 * rack names: what fits and, in numbers, what is short.
 */
export type AvailabilityAnswer =
  | {
      ok: boolean;
      shortages: AvailabilityShortage[];
      bandwidthFreeMbps: number;
      /** Kinds asked for that the operators arrange case by case (cages): never "available". */
      caseByCase?: CaseByCaseKind[];
      errors?: undefined;
    }
  | { ok: false; errors: FieldErrors; shortages?: undefined; bandwidthFreeMbps?: undefined };

const noStore = { "Cache-Control": "no-store" };

export async function loader({ request }: LoaderFunctionArgs) {
  // The same right as the form it serves: a viewer cannot probe the site's capacity.
  await requireTenant(request, "requests:create");
  const parsed = parseForm(NewRequestForm, Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) return json<AvailabilityAnswer>({ ok: false, errors: parsed.errors }, { status: 400, headers: noStore });
  const db = await getDb();
  const sites = await sitesWithPrices(db);
  if (!sites.some((s) => s.id === parsed.data.siteId)) {
    return json<AvailabilityAnswer>({ ok: false, errors: { siteId: "requests.error.unknown_site" } }, { status: 400, headers: noStore });
  }
  const result = await availabilityFor(db, parsed.data);
  return json<AvailabilityAnswer>(
    {
      ok: result.ok,
      shortages: result.shortages,
      bandwidthFreeMbps: result.bandwidthFreeMbps,
      ...(result.caseByCase.length ? { caseByCase: result.caseByCase } : {}),
    },
    { headers: noStore },
  );
}
