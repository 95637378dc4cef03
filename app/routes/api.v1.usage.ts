import { json, type ActionFunctionArgs } from "@remix-run/node";
import { authenticateBearer } from "~/modules/metering/tokens.server";
import { parseBatch, readBodyLimited, storeBatch } from "~/modules/metering/ingest.server";
import { getDb } from "~/utils/db.server";

/** POST /api/v1/usage — the collectors' ingestion API (shared/api/usage-ingest.md). */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
  const db = await getDb();
  const auth = await authenticateBearer(db, request.headers.get("Authorization"), "usage:write");
  if (!auth.ok) return json({ error: auth.status === 401 ? "unauthorized" : "forbidden" }, { status: auth.status });
  const body = await readBodyLimited(request);
  if (body === null) return json({ error: "too_large" }, { status: 413 });
  const batch = parseBatch(request.headers.get("Content-Type"), body);
  if (!batch.ok) return json(batch.failure.body, { status: batch.failure.status });
  const stored = await storeBatch(db, auth.token.siteId, batch.samples);
  if (!stored.ok) return json(stored.failure.body, { status: stored.failure.status });
  return json({ accepted: stored.accepted, duplicates: stored.duplicates });
}

export function loader() {
  return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
}
