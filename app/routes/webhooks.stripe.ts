import { json, type ActionFunctionArgs } from "@remix-run/node";
import { readRawBody, receiveStripeWebhook } from "~/modules/payments/stripe.server";
import { getDb } from "~/utils/db.server";

/**
 * POST /webhooks/stripe — Stripe's events (docs/stripe.md). The body is read raw (server.ts parses
 * no body before Remix) and its signature checked with STRIPE_WEBHOOK_SECRET; each event id is
 * applied once. 404 when Stripe is not configured, 400 for a bad signature or event (nothing written).
 */
const MAX_BYTES = 512 * 1024;

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
  const body = await readRawBody(request, MAX_BYTES);
  if (body === null) return json({ error: "too_large" }, { status: 413 });
  const result = await receiveStripeWebhook(await getDb(), body, request.headers.get("Stripe-Signature"));
  if (!result.ok) return json({ error: result.error }, { status: result.error === "not_configured" ? 404 : 400 });
  return json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
}

export function loader() {
  return json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
}
