import { json } from "@remix-run/node";
import { databaseReachable } from "~/utils/db.server";

export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  return (await databaseReachable())
    ? json({ status: "ok" }, { headers })
    : json({ status: "unavailable" }, { status: 503, headers });
}
