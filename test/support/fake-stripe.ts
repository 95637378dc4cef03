import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A local stand-in for Stripe's API, enough of it for the portal: customers, invoice items and
 * invoices (create, retrieve, finalize, void). The real `stripe` client talks to it through its
 * `host`/`port`/`protocol` options (STRIPE_API_URL), so tests never reach the network.
 *
 * Like Stripe, a POST that repeats an Idempotency-Key gets the first answer again and creates
 * nothing. Every request is recorded (method, path, params, key), and `failNext` makes the next
 * requests on a path fail (an HTTP error, or a dropped connection after the work is done — the
 * case where only the idempotency key prevents a duplicate on the client's retry).
 */
export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey: string | null;
  /** The answer was a replay of an earlier request with the same key. */
  replayed: boolean;
}

interface FakeInvoice {
  id: string;
  object: "invoice";
  customer: string;
  currency: string;
  status: "draft" | "open" | "paid" | "void";
  total: number;
  amount_due: number;
  amount_paid: number;
  hosted_invoice_url: string | null;
  collection_method: string;
  metadata: Record<string, string>;
  number: string | null;
  customer_name: string | null;
  customer_email: string | null;
  status_transitions: { paid_at: number | null; finalized_at: number | null };
}

export interface FakeStripe {
  url: string;
  requests: FakeRequest[];
  customers: Map<string, Record<string, unknown>>;
  invoices: Map<string, FakeInvoice>;
  items: Map<string, Record<string, unknown>>;
  /** The next `times` requests whose path matches fail: with `status`, or by dropping the connection after doing the work. */
  failNext(match: RegExp, how: { status: number } | "drop", times?: number): void;
  /** Marks an invoice paid (as a card payment on the hosted page would) and returns it. */
  pay(invoiceId: string): FakeInvoice;
  /** Forgets every object, request and recorded answer (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Nested form keys (`metadata[invoice_id]`) as Stripe's client encodes them, flattened back one level. */
function nested(params: Record<string, string>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const m = new RegExp(`^${name}\\[([^\\]]+)\\]$`).exec(k);
    if (m) out[m[1]] = v;
  }
  return out;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: FakeRequest[] = [];
  const customers = new Map<string, Record<string, unknown>>();
  const invoices = new Map<string, FakeInvoice>();
  const items = new Map<string, Record<string, unknown>>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const failures: { match: RegExp; how: { status: number } | "drop"; times: number }[] = [];
  let seq = 0;
  let base = "";
  const next = (prefix: string) => `${prefix}_fake${String(++seq).padStart(6, "0")}`;
  const notFound = (what: string) => ({ status: 404, body: { error: { type: "invalid_request_error", message: `No such ${what}` } } });

  function handle(method: string, path: string, params: Record<string, string>): { status: number; body: unknown } {
    let m: RegExpExecArray | null;
    if (method === "POST" && path === "/v1/customers") {
      const c = { id: next("cus"), object: "customer", name: params.name ?? null, email: params.email ?? null, metadata: nested(params, "metadata") };
      customers.set(c.id, c);
      return { status: 200, body: c };
    }
    if (method === "POST" && path === "/v1/invoices") {
      if (!customers.has(params.customer)) return notFound("customer");
      const customer = customers.get(params.customer)!;
      const inv: FakeInvoice = {
        id: next("in"),
        object: "invoice",
        customer: params.customer,
        currency: params.currency,
        status: "draft",
        total: 0,
        amount_due: 0,
        amount_paid: 0,
        hosted_invoice_url: null,
        collection_method: params.collection_method ?? "charge_automatically",
        metadata: nested(params, "metadata"),
        number: null,
        customer_name: (customer.name as string) ?? null,
        customer_email: (customer.email as string) ?? null,
        status_transitions: { paid_at: null, finalized_at: null },
      };
      invoices.set(inv.id, inv);
      return { status: 200, body: inv };
    }
    if (method === "POST" && path === "/v1/invoiceitems") {
      const inv = invoices.get(params.invoice);
      if (!inv) return notFound("invoice");
      if (inv.status !== "draft") return { status: 400, body: { error: { type: "invalid_request_error", message: "invoice is not a draft" } } };
      if (params.currency !== inv.currency) return { status: 400, body: { error: { type: "invalid_request_error", message: "currency mismatch" } } };
      const item = { id: next("ii"), object: "invoiceitem", invoice: inv.id, amount: Number(params.amount), currency: params.currency, description: params.description ?? null };
      items.set(item.id, item);
      inv.total += item.amount;
      inv.amount_due = inv.total;
      return { status: 200, body: item };
    }
    if ((m = /^\/v1\/invoices\/([A-Za-z0-9_]+)$/.exec(path)) && method === "GET") {
      const inv = invoices.get(m[1]);
      return inv ? { status: 200, body: inv } : notFound("invoice");
    }
    if ((m = /^\/v1\/invoices\/([A-Za-z0-9_]+)\/finalize$/.exec(path)) && method === "POST") {
      const inv = invoices.get(m[1]);
      if (!inv) return notFound("invoice");
      if (inv.status !== "draft") return { status: 400, body: { error: { type: "invalid_request_error", message: "already finalized" } } };
      inv.status = "open";
      inv.number = `FAKE-${String(invoices.size).padStart(4, "0")}`;
      inv.hosted_invoice_url = `${base}/i/${inv.id}`;
      inv.status_transitions.finalized_at = Math.floor(Date.now() / 1000);
      return { status: 200, body: inv };
    }
    if ((m = /^\/v1\/invoices\/([A-Za-z0-9_]+)\/void$/.exec(path)) && method === "POST") {
      const inv = invoices.get(m[1]);
      if (!inv) return notFound("invoice");
      if (inv.status !== "open") return { status: 400, body: { error: { type: "invalid_request_error", message: "only an open invoice is voided" } } };
      inv.status = "void";
      return { status: 200, body: inv };
    }
    return { status: 404, body: { error: { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path})` } } };
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const raw = Buffer.concat(chunks).toString("utf8");
      const params = Object.fromEntries(new URLSearchParams(req.method === "GET" ? url.search : raw));
      const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
      const method = req.method ?? "GET";
      const cacheKey = key ? `${method} ${url.pathname} ${key}` : null;
      const replay = cacheKey ? replies.get(cacheKey) : undefined;
      requests.push({ method, path: url.pathname, params, idempotencyKey: key, replayed: Boolean(replay) });
      const failure = failures.find((f) => f.times > 0 && f.match.test(url.pathname));
      if (failure) failure.times -= 1;
      if (failure && failure.how !== "drop") {
        // Refused before doing anything (a 5xx from Stripe: nothing was created).
        res.writeHead(failure.how.status, { "Content-Type": "application/json", "Stripe-Should-Retry": "false" });
        res.end(JSON.stringify({ error: { type: "api_error", message: "fake failure" } }));
        return;
      }
      const reply = replay ?? handle(method, url.pathname, params);
      if (cacheKey && !replay && reply.status < 500) replies.set(cacheKey, reply);
      if (failure) {
        // The work is done but the answer is lost on the way.
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { "Content-Type": "application/json", "Request-Id": `req_${seq}` });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    customers,
    invoices,
    items,
    failNext(match, how, times = 1) {
      failures.push({ match, how, times });
    },
    pay(invoiceId) {
      const inv = invoices.get(invoiceId)!;
      inv.status = "paid";
      inv.amount_paid = inv.amount_due;
      inv.status_transitions.paid_at = Math.floor(Date.now() / 1000);
      return inv;
    },
    reset() {
      requests.length = 0;
      customers.clear();
      invoices.clear();
      items.clear();
      replies.clear();
      failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const TEST_WEBHOOK_SECRET = "whsec_test_portal_fake";
export const TEST_SECRET_KEY = "sk_test_portal_fake";

let eventSeq = 0;

/** A webhook delivery as Stripe sends it: the JSON body and its Stripe-Signature header. */
export function signedEvent(type: string, object: unknown, opts: { id?: string; secret?: string; created?: number } = {}) {
  const event = {
    id: opts.id ?? `evt_test${String(++eventSeq).padStart(8, "0")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: opts.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    data: { object },
  };
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? TEST_WEBHOOK_SECRET });
  return { id: event.id, payload, signature };
}
