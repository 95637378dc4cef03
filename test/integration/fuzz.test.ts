/**
 * The fuzz suite: every route module with an `action` (found on disk, so a new one is covered or
 * this test fails) and the usage API, fed a FIXED corpus of hostile values, field by field, plus
 * wrong content types and intents. No answer may be a 5xx (nor an exception escaping the action),
 * and a 4xx must leave the database unchanged.
 *
 * Each route has a hand-kept spec below: who calls it, its params, and for each intent a "near
 * valid" baseline (the fields its form sends). A field is fuzzed by replacing its baseline value
 * with each hostile value in turn. The test also fails when a route's source names a form field
 * (`name="…"`) that its spec does not list, so new fields are fuzzed too.
 *
 * "Unchanged" is checked cheaply: the next transaction id (a read never assigns one) — when it did
 * not move, nothing was written; when it moved, a per-table fingerprint (row count + sum of xmin,
 * which an insert, update or delete changes) must equal the one before. Tables that a refused
 * request legitimately writes (sessions sliding, sign-in attempt counters) are left out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import type { ActionFunctionArgs } from "@remix-run/node";
import { createTestDb, type TestDb } from "../support/db";
import { BASE } from "../support/http";
import { createContract, createOrg, createRequestRow, createUser, signedIn, siteWithRacks } from "../support/factories";
import { approveRequest } from "~/modules/requests/approve.server";
import { requestTermination } from "~/modules/requests/contracts.server";
import { requestAmendment } from "~/modules/contracts/amendments.server";
import { createMeter } from "~/modules/metering/meters.server";
import { createApiToken } from "~/modules/metering/tokens.server";
import Stripe from "stripe";
import { resetEnvCache } from "#db/env.server";
import { signedEvent, TEST_SECRET_KEY, TEST_WEBHOOK_SECRET } from "../support/fake-stripe";
import { recordPayment } from "~/modules/payments/payments.server";
import { issuedInvoice } from "../support/payments-world";
import { orderCrossConnect } from "~/modules/crossconnects/orders.server";
import { openTicket } from "~/modules/remotehands/tickets.server";
import { registerVisit } from "~/modules/siteaccess/visits.server";
import { addBadgeHolder } from "~/modules/siteaccess/badges.server";
import { announceDelivery } from "~/modules/deliveries/deliveries.server";
import { dayIn } from "~/utils/dates";

const ROUTES_DIR = join(process.cwd(), "app/routes");

// ---------------------------------------------------------------------------------------------
// The corpus

const LONG = "x".repeat(20_000);
/** Sent in every field. */
const COMMON = ["", "a\u0000b", LONG, "<script>alert(1)</script>", "\ud800", "。"];
/** Sent in fields whose baseline is a date. */
const DATES = ["0000-01-01", "9999-12-31", "2026-02-30", "+020000-01-01", "2026-1-1", "1999-12-31"];
/** Sent in fields whose baseline is a number. */
const NUMBERS = ["1e400", "-1", "99999999999", "9".repeat(400), "NaN", "1.5", "１２", "0"];
/** Sent in fields whose baseline is an id (plus the other tenant's ids). */
const IDS = ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "'; DROP TABLE users; --"];
/** Sent in the other (text) fields. */
const TEXTS = ["   ", "\u0001\u0008\u001b\u007f", "line\r\nbreak\ttab", "'; DROP TABLE users; --", "../../etc/passwd", "99999999999", "9999-12-31"];
const CORPUS = [...new Set([...COMMON, ...DATES, ...NUMBERS, ...IDS, ...TEXTS])];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The corpus for a field, chosen from the kind of its baseline value. */
function corpusFor(baseline: string) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(baseline)) return [...COMMON, ...DATES];
  if (/^\d+([.,]\d+)?$/.test(baseline)) return [...COMMON, ...NUMBERS];
  if (UUID.test(baseline)) return [...COMMON, ...IDS, ...otherIds];
  return [...COMMON, ...TEXTS];
}
/** Values that only make sense as ids: filled in with the other tenant's ids once the world exists. */
let otherIds: string[] = [];

// ---------------------------------------------------------------------------------------------
// The world

let t: TestDb;
type World = Awaited<ReturnType<typeof buildWorld>>;
let w: World;

async function buildWorld() {
  const db = t.db;
  const { site, racks } = await siteWithRacks(db, "LDC");
  const rack = racks.find((r) => r.status === "active")!;
  const rooms = await db.selectFrom("rooms").select(["id", "kind"]).where("site_id", "=", site.id).execute();
  const room = rooms.find((r) => r.kind === "data_hall") ?? rooms[0];
  const mmr = rooms.find((r) => r.kind === "meet_me_room") ?? rooms[0];
  const port = await db.insertInto("cross_connect_ports").values({ site_id: site.id, room_id: mmr.id, name: "MMR-FUZZ" }).returning("id").executeTakeFirstOrThrow();
  const product = await db.selectFrom("products").select("id").where("site_id", "=", site.id).executeTakeFirstOrThrow();

  const orgA = await createOrg(db, { name: "Fuzz A" });
  const orgB = await createOrg(db, { name: "Fuzz B" });
  const owner = await signedIn(db, { orgId: orgA.id, role: "owner", email: "owner@fuzz-a.test" });
  const viewer = await createUser(db, { orgId: orgA.id, role: "viewer", email: "viewer@fuzz-a.test" });
  const ownerB = await createUser(db, { orgId: orgB.id, role: "owner", email: "owner@fuzz-b.test" });
  const admin = await signedIn(db, { operatorRole: "ops_admin", email: "admin@fuzz-dc.test" });
  const actor = { id: admin.id, email: admin.email, ip: null };

  const pendingRequest = await createRequestRow(db, { orgId: orgA.id, siteId: site.id, createdBy: owner.id, lines: [{ kind: "rack_unit", quantity: 2 }], startOn: "2099-01-01" });
  const toApprove = await createRequestRow(db, { orgId: orgA.id, siteId: site.id, createdBy: owner.id, lines: [{ kind: "rack_unit", quantity: 1 }], startOn: "2099-01-01" });
  const requestB = await createRequestRow(db, { orgId: orgB.id, siteId: site.id, createdBy: ownerB.id, lines: [{ kind: "rack_unit", quantity: 1 }], startOn: "2099-01-01" });

  const approved = await db.transaction().execute((trx) =>
    approveRequest(trx, {
      requestId: toApprove,
      startOn: "2099-01-01",
      placements: [{ rackId: rack.id, kind: "units", firstU: 40, lastU: 40, powerW: 0 }],
      portIds: [],
      actor,
      baseUrl: BASE,
    }),
  );
  if (!approved.ok) throw new Error(`world: approval failed (${approved.error})`);
  const contractId = approved.contractId;
  const change = await db.transaction().execute((trx) =>
    requestTermination(trx, { orgId: orgA.id, contractId, endOn: "2099-12-31", actor: { id: owner.id, email: owner.email }, baseUrl: BASE }),
  );
  if (!change.ok) throw new Error(`world: termination request failed (${change.error})`);
  // A pending amendment (one more unit from 1 June 2099), for the operators' amendment page.
  const amendment = await db.transaction().execute((trx) =>
    requestAmendment(trx, {
      orgId: orgA.id,
      contractId,
      effectiveOn: "2099-06-01",
      quantities: { rack_unit: 2, half_rack: 0, full_rack: 0, power_commit_kw: 0, bandwidth_commit_mbps: 0, cross_connect: 0 },
      actor: { id: owner.id, email: owner.email },
      baseUrl: BASE,
    }),
  );
  if (!amendment.ok) throw new Error(`world: amendment request failed (${amendment.error})`);

  const meter = await db.transaction().execute((trx) => createMeter(trx, { siteId: site.id, externalId: "FUZZ-M1", kind: "power", actor }));
  if (!meter.ok) throw new Error("world: meter");
  const token = await db.transaction().execute((trx) => createApiToken(trx, { siteId: site.id, name: "fuzz", scopes: ["usage:write", "usage:read"], actor }));
  const invitation = await db
    .insertInto("invitations")
    .values({ org_id: orgA.id, email: "invitee@fuzz-a.test", role: "viewer", token_hash: "0".repeat(64), invited_by: owner.id, expires_at: new Date(Date.now() + 86_400_000) } as never)
    .returning("id")
    .executeTakeFirst()
    .catch(() => undefined);

  // A draft invoice of tenant A (one line), for the operator invoice page's actions.
  const invoice = await db.transaction().execute(async (trx) => {
    const inv = await trx
      .insertInto("invoices")
      .values({ org_id: orgA.id, site_id: site.id, period: "2099-01", currency: "XOF", subtotal_minor: 100_000, vat_rate_bp: 1800, vat_minor: 18_000, total_minor: 118_000 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const line = await trx
      .insertInto("invoice_lines")
      .values({ invoice_id: inv.id, position: 0, contract_id: contractId, kind: "recurring", description_fr: "Baie", description_en: "Rack", quantity: "1", unit_price_minor: 100_000, amount_minor: 100_000 })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: inv.id, lineId: line.id };
  });

  // An issued invoice of tenant A and a payment from it (allocated) with credit left, for the payments pages.
  const issued = await issuedInvoice(db, { orgId: orgA.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
  const paid = await db.transaction().execute((trx) =>
    recordPayment(trx, { orgId: orgA.id, currency: "XOF", amountMinor: 50_000, method: "bank_transfer", reference: "FUZZ-PAY-1", receivedOn: "2026-10-10", allocations: [{ invoiceId: issued.id, amountMinor: 40_000 }], actor: null }),
  );
  if (!paid.ok) throw new Error("world: payment");
  const allocationId = (await db.selectFrom("payment_allocations").select("id").where("payment_id", "=", paid.paymentId).executeTakeFirstOrThrow()).id;
  const paymentB = await db.transaction().execute((trx) =>
    recordPayment(trx, { orgId: orgB.id, currency: "XOF", amountMinor: 1_000, method: "cash", reference: "FUZZ-PAY-B", receivedOn: "2026-10-10", actor: null }),
  );
  if (!paymentB.ok) throw new Error("world: payment B");

  // A carrier at LDC and a carrier cross-connect of tenant A, for the cross-connect pages.
  const carrier = await db.insertInto("carriers").values({ site_id: site.id, name: "Fuzz Telecom" }).returning("id").executeTakeFirstOrThrow();
  const crossConnect = await db.transaction().execute((trx) =>
    orderCrossConnect(trx, { actor: { id: owner.id, email: owner.email, orgId: orgA.id, role: "owner" }, contractId, zKind: "carrier", carrierId: carrier.id, media: "smf", aPosition: "FZ A03" }),
  );
  if (!crossConnect.ok) throw new Error(`world: cross-connect (${crossConnect.error})`);
  const crossConnectPorts = await db.selectFrom("cross_connect_ports").select("id").where("site_id", "=", site.id).where("media", "=", "smf").where("name", "like", "MMR-0%").orderBy("name").limit(2).execute();

  // The service desk: a contract of tenant A in force today holding two units of the rack, with an
  // open remote-hands ticket, a visitor to approve tomorrow, an announced parcel and a badge holder.
  const today = dayIn(site.time_zone);
  const tomorrow = dayIn(site.time_zone, new Date(Date.now() + 86_400_000));
  const tenantActor = { id: owner.id, email: owner.email, orgId: orgA.id, role: "owner" as const };
  const liveContractId = await createContract(db, { orgId: orgA.id, siteId: site.id, startOn: "2026-01-01" });
  const liveAllocation = await db
    .insertInto("allocations")
    .values({ contract_id: liveContractId, org_id: orgA.id, rack_id: rack.id, kind: "units", first_u: 20, last_u: 21, start_on: "2026-01-01", end_on: null, power_w: 0 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const desk = async <T extends { ok: boolean }>(what: string, write: Promise<T>) => {
    const r = await write;
    if (!r.ok) throw new Error(`world: ${what} (${JSON.stringify(r)})`);
    return r as Extract<T, { ok: true }>;
  };
  const ticket = await desk("ticket", db.transaction().execute((trx) => openTicket(trx, { actor: tenantActor, contractId: liveContractId, allocationIds: [liveAllocation.id], kind: "reboot", urgency: "standard", description: "Redémarrer FZ" })));
  const visit = await desk(
    "visit",
    db.transaction().execute((trx) =>
      registerVisit(trx, { actor: tenantActor, siteId: site.id, visitOn: tomorrow, windowStart: "09:00", windowEnd: "17:00", visitorName: "Afi Fuzz", company: "Fuzz SARL", idDocType: "passport", idDocNumber: "P1234567", escortNeeded: false, rackIds: [rack.id] }),
    ),
  );
  const parcel = await desk("delivery", db.transaction().execute((trx) => announceDelivery(trx, { actor: tenantActor, siteId: site.id, carrier: "DHL", trackingNumber: "FZ123", parcels: 2, expectedOn: today, purpose: "Disques" })));
  const badge = await desk(
    "badge",
    db.transaction().execute((trx) => addBadgeHolder(trx, { actor: tenantActor, siteId: site.id, name: "Kofi Fuzz", company: "Fuzz A", idDocType: "passport", idDocNumber: "P7654321", validUntil: "2027-06-30" })),
  );

  otherIds = [orgB.id, ownerB.id, requestB, paymentB.paymentId];
  return {
    site,
    rack,
    room,
    issuedInvoiceId: issued.id,
    paymentId: paid.paymentId,
    allocationId,
    port,
    product,
    orgA,
    orgB,
    owner,
    viewer,
    admin,
    pendingRequest,
    contractId,
    changeId: change.changeId,
    amendmentId: amendment.changeId,
    meterId: meter.meterId,
    token,
    invitationId: invitation?.id ?? "00000000-0000-4000-8000-000000000001",
    invoice,
    carrierId: carrier.id,
    crossConnectId: crossConnect.orderId,
    crossConnectPorts: crossConnectPorts.map((p) => p.id),
    today,
    tomorrow,
    liveContractId,
    liveAllocationId: liveAllocation.id,
    ticketId: ticket.ticketId,
    visitId: visit.visitId,
    deliveryId: parcel.deliveryId,
    badgeHolderId: badge.holderId,
  };
}

// ---------------------------------------------------------------------------------------------
// The specs: one per route with an action

type Caller = "tenant" | "operator" | "anonymous" | "throwaway";
interface Spec {
  caller: Caller;
  path: (w: World) => string;
  params: (w: World) => Record<string, string>;
  /** intent (or "" for a form without intents) → a near-valid baseline of the fields it sends */
  intents: (w: World) => Record<string, Record<string, string>>;
  /** `name=` attributes of the source that are not form fields of this action (a link's name, …) */
  ignore?: string[];
}

const SPECS: Record<string, Spec> = {
  "app._index.tsx": {
    caller: "tenant",
    path: () => "/app",
    params: () => ({}),
    intents: () => ({ billing_settings: { billingLanguage: "en" } }),
  },
  "app.account.tsx": {
    caller: "tenant",
    path: () => "/app/account",
    params: () => ({}),
    intents: () => ({
      profile: { name: "Ama Mensah", locale: "fr" },
      password: { currentPassword: "not-the-password", password: "Nouveau-mot-2026", passwordConfirm: "Nouveau-mot-2026" },
    }),
    ignore: ["email"],
  },
  "app.members.tsx": {
    caller: "tenant",
    path: () => "/app/members",
    params: () => ({}),
    intents: (w) => ({
      invite: { email: "new@fuzz-a.test", role: "viewer" },
      role: { userId: w.viewer.id, role: "technical" },
      remove: { userId: w.viewer.id },
      revoke: { invitationId: w.invitationId },
    }),
  },
  "app.requests.$requestId.tsx": {
    caller: "tenant",
    path: (w) => `/app/requests/${w.pendingRequest}`,
    params: (w) => ({ requestId: w.pendingRequest }),
    intents: () => ({ cancel: {} }),
  },
  "app.requests.new.tsx": {
    caller: "tenant",
    path: () => "/app/requests/new",
    params: () => ({}),
    intents: (w) => ({
      preview: { siteId: w.site.id, desiredStartOn: "2099-01-01", termMonths: "12", notes: "", qty_rack_unit: "1", qty_power_commit_kw: "", qty_bandwidth_commit_mbps: "" },
      submit: { siteId: w.site.id, desiredStartOn: "2099-01-01", termMonths: "12", notes: "", qty_rack_unit: "1", qty_half_rack: "", qty_full_rack: "", qty_cage: "", qty_cross_connect: "" },
    }),
  },
  "app.services.$contractId.tsx": {
    caller: "tenant",
    path: (w) => `/app/services/${w.contractId}`,
    params: (w) => ({ contractId: w.contractId }),
    intents: () => ({ "": { endOn: "2099-06-30", details: "" } }),
  },
  "app.services.$contractId_.change.tsx": {
    caller: "tenant",
    path: (w) => `/app/services/${w.contractId}/change`,
    params: (w) => ({ contractId: w.contractId }),
    intents: (w) => ({
      "": { effectiveOn: "2099-07-01", details: "", q_rack_unit: "3", q_half_rack: "0", q_full_rack: "0", q_power_commit_kw: "0", q_bandwidth_commit_mbps: "0", q_cross_connect: "0" },
      withdraw: { changeId: w.amendmentId },
    }),
  },
  "app.services.$contractId.renewal.tsx": {
    caller: "tenant",
    path: (w) => `/app/services/${w.contractId}/renewal`,
    params: (w) => ({ contractId: w.contractId }),
    intents: () => ({ "": { commitmentEndsOn: "2099-12-31" } }),
  },
  "ops.contracts.renewals.tsx": {
    caller: "operator",
    path: () => "/ops/contracts/renewals",
    params: () => ({}),
    intents: (w) => ({ "": { contractId: w.contractId, commitmentEndsOn: "2099-12-31", kind: "rack_unit", price: "30000" } }),
  },
  "ops.amendments.$changeId.tsx": {
    caller: "operator",
    path: (w) => `/ops/amendments/${w.amendmentId}`,
    params: (w) => ({ changeId: w.amendmentId }),
    intents: (w) => ({
      "": { "placements.0.rackId": w.rack.id, "placements.0.kind": "units", "placements.0.firstU": "40", "placements.0.lastU": "41", "placements.0.powerW": "0", note: "", waive: "on" },
      reject: { reason: "Non" },
    }),
    ignore: ["portIds"],
  },
  "forgot-password.tsx": {
    caller: "anonymous",
    path: () => "/forgot-password",
    params: () => ({}),
    intents: () => ({ "": { email: "owner@fuzz-a.test" } }),
  },
  "invite.$token.tsx": {
    caller: "anonymous",
    path: () => "/invite/abc",
    params: () => ({ token: "abc" }),
    intents: () => ({ "": { name: "Invité", password: "Invite-2026-ok", passwordConfirm: "Invite-2026-ok" } }),
    ignore: ["email"],
  },
  "ops.contracts.$contractId.tsx": {
    caller: "operator",
    path: (w) => `/ops/contracts/${w.contractId}`,
    params: (w) => ({ contractId: w.contractId }),
    intents: (w) => ({
      apply: { changeId: w.changeId, endOn: "2099-12-31", details: "" },
      decline: { changeId: w.changeId, reason: "Non" },
      remote_hands: { rhOn: "2099-01-05", rhHours: "1.5", rhNote: "Redémarrage" },
      other_charge: { otherOn: "2099-01-05", otherDescription: "Badge", otherAmount: "15000" },
      waive: { waiveReason: "Geste commercial" },
    }),
  },
  "ops.billing._index.tsx": {
    caller: "operator",
    path: () => "/ops/billing",
    params: () => ({}),
    intents: () => ({ run: { site: "LDC", period: "2026-10" }, issue: { site: "LDC", period: "2026-10" } }),
  },
  "ops.billing.invoices.$invoiceId.tsx": {
    caller: "operator",
    path: (w) => `/ops/billing/invoices/${w.invoice.id}`,
    params: (w) => ({ invoiceId: w.invoice.id }),
    intents: (w) => ({
      recompute: {},
      issue: {},
      credit: { mode: "lines", reason: "Geste commercial", [`amount.${w.invoice.lineId}`]: "1000" },
      delete: {},
    }),
  },
  "ops.billing.reminders.tsx": {
    caller: "operator",
    path: () => "/ops/billing/reminders",
    params: () => ({}),
    intents: () => ({
      schedule: { site: "LDC", kind: "sme", offsets: "-3, 7, 15, 30" },
      run: {},
    }),
  },
  "ops.payments.new.tsx": {
    caller: "operator",
    path: () => "/ops/payments/new",
    params: () => ({}),
    intents: (w) => ({
      "": {
        org: w.orgA.id,
        currency: "XOF",
        amount: "1000",
        method: "cash",
        reference: "FUZZ-NEW",
        payer: "",
        receivedOn: "2026-11-02",
        mode: "manual",
        [`alloc.${w.issuedInvoiceId}`]: "1000",
      },
    }),
  },
  "ops.payments.$paymentId.tsx": {
    caller: "operator",
    path: (w) => `/ops/payments/${w.paymentId}`,
    params: (w) => ({ paymentId: w.paymentId }),
    intents: (w) => ({
      reverse: { reason: "", reversedOn: "2026-10-11" },
      undo: { allocation: w.orgB.id },
    }),
  },
  "ops.payments.credit.$orgId.tsx": {
    caller: "operator",
    path: (w) => `/ops/payments/credit/${w.orgA.id}`,
    params: (w) => ({ orgId: w.orgA.id }),
    intents: () => ({
      apply: { currency: "EUR" },
      refund: { currency: "XOF", refundAmount: "99999999", refundedOn: "2026-11-01", refundMethod: "cash", refundReference: "R-1", refundReason: "Trop-perçu" },
    }),
  },
  "ops.billing.rates.tsx": {
    caller: "operator",
    path: () => "/ops/billing/rates",
    params: () => ({}),
    intents: () => ({
      set: { from: "USD", to: "CDF", on: "2099-01-02", rate: "2841.5" },
      import: { pair: "USD-CDF", file: "date,rate\n2099-01-03,2841.5\n" },
    }),
  },
  "ops.billing.issuers.$siteCode.tsx": {
    caller: "operator",
    path: () => "/ops/billing/issuers/LDC",
    params: () => ({ siteCode: "LDC" }),
    intents: () => ({
      "": {
        legalName: "Lomé Data Centre SA",
        address: "Zone portuaire, Lomé",
        nif: "1000234567",
        rccm: "TG-LOM-2019-B-01234",
        vatNumber: "",
        bankName: "Ecobank Togo",
        bankAccount: "TG53 TG05 5010 1234",
        swift: "ECOCTGTG",
        mobileMoney: "T-Money : +228 90 00 00 01",
        footerFr: "Merci.",
        footerEn: "Thank you.",
      },
    }),
  },
  "ops.metering._index.tsx": {
    caller: "operator",
    path: () => "/ops/metering",
    params: () => ({}),
    intents: (w) => ({
      create: { site: "LDC", externalId: "FUZZ-NEW", kind: "power", description: "" },
      attach: { site: "LDC", meterId: w.meterId, contractId: w.contractId, fromOn: "2099-01-01" },
    }),
  },
  "ops.payments.inbox.tsx": {
    caller: "operator",
    path: () => "/ops/payments/inbox",
    params: () => ({}),
    // No statement line exists in this world: the line actions answer 404 after reading every field.
    intents: (w) => ({
      import: { site: "LDC", source: "plain", file: "date,amount,currency,label,transaction_id\n2026-11-20,1000,XOF,VIR FUZZ,FUZZ-1\n" },
      confirm: { site: "LDC", lineId: "00000000-0000-4000-8000-00000000f001", invoiceId: w.issuedInvoiceId },
      split: { site: "LDC", lineId: "00000000-0000-4000-8000-00000000f001", number1: "LDC-2026-000001", amount1: "1000", number2: "", amount2: "", number3: "", amount3: "" },
      assign: { site: "LDC", lineId: "00000000-0000-4000-8000-00000000f001", orgId: w.orgA.id },
      not_ours: { site: "LDC", lineId: "00000000-0000-4000-8000-00000000f001", reason: "Virement interne" },
    }),
  },
  "ops.payments.sources.tsx": {
    caller: "operator",
    path: () => "/ops/payments/sources",
    params: () => ({}),
    intents: () => ({
      "": {
        id: "",
        site: "LDC",
        name: "Banque fuzz",
        kind: "bank",
        method: "bank_transfer",
        format: "csv",
        delimiter: "semicolon",
        dateColumn: "Date",
        amountColumn: "Montant",
        currencyColumn: "",
        labelColumn: "Libellé",
        transactionIdColumn: "",
        payerColumn: "",
        dateFormat: "DD/MM/YYYY",
        decimalSeparator: "comma",
      },
    }),
  },
  "ops.metering.import.tsx": {
    caller: "operator",
    path: () => "/ops/metering/import",
    params: () => ({}),
    intents: () => ({ "": { site: "LDC", file: "meter,metric,at,value\nFUZZ-M1,power_w,2099-01-01T00:00:00Z,1\n" } }),
  },
  "ops.metering.tokens.tsx": {
    caller: "operator",
    path: () => "/ops/metering/tokens",
    params: () => ({}),
    intents: (w) => ({
      create: { site: "LDC", name: "collector", scopes: "usage:write" },
      revoke: { tokenId: w.token.id },
    }),
  },
  "ops.organisations.$orgId.tsx": {
    caller: "operator",
    path: (w) => `/ops/organisations/${w.orgB.id}`,
    params: (w) => ({ orgId: w.orgB.id }),
    intents: () => ({
      "": { transition: "verify", reason: "" },
      billing_settings: { billingLanguage: "en", isVatExempt: "on", paymentTermsDays: "45" },
      add_certificate: { reference: "ATT-FUZZ-1", validFrom: "2026-01-01", validTo: "2026-12-31" },
      reminders_pause: { reason: "Bon de commande en cours" },
      reminders_resume: {},
    }),
  },
  "ops.requests.$requestId.tsx": {
    caller: "operator",
    path: (w) => `/ops/requests/${w.pendingRequest}`,
    params: (w) => ({ requestId: w.pendingRequest }),
    intents: (w) => ({
      approve: {
        startOn: "2099-01-01",
        "placements.0.rackId": w.rack.id,
        "placements.0.kind": "units",
        "placements.0.firstU": "1",
        "placements.0.lastU": "2",
        "placements.0.powerW": "0",
        portIds: w.port.id,
      },
      reject: { reason: "Pas de place" },
    }),
  },
  "ops.sites.$siteCode.inventory.tsx": {
    caller: "operator",
    path: () => "/ops/sites/LDC/inventory",
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({
      room: { roomName: "Salle fuzz", roomKind: "data_hall" },
      rack: { rackRoomId: w.room.id, rackName: "FZ-01", heightU: "42", powerCapacityW: "5000", feedAW: "5000", feedBW: "5000" },
      port: { portName: "MMR-FZ2", portRoomId: w.room.id, media: "smf" },
      portStatus: { portId: w.port.id, status: "maintenance" },
      uplink: { uplinkMbps: "10000", ratio: "1.5" },
      remoteHands: { incrementMin: "15", targetStandardMin: "240", targetUrgentMin: "60" },
    }),
  },
  "ops.sites.$siteCode.prices.tsx": {
    caller: "operator",
    path: () => "/ops/sites/LDC/prices",
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({
      update: { productId: w.product.id, nameFr: "Unité", nameEn: "Unit", unitPrice: "15000", setupFee: "0" },
      active: { productId: w.product.id, active: "true" },
    }),
  },
  "app.services.$contractId_.cross-connects.tsx": {
    caller: "tenant",
    path: (w) => `/app/services/${w.contractId}/cross-connects`,
    params: (w) => ({ contractId: w.contractId }),
    intents: (w) => ({ "": { clientKey: "5d7c1b3e-2f4a-4b6c-8d9e-0a1b2c3d4e5f", zKind: "carrier", carrierId: w.carrierId, zOrgId: "", media: "smf", aPosition: "FZ A04", notes: "" } }),
  },
  "app.cross-connects.$orderId.tsx": {
    caller: "tenant",
    path: (w) => `/app/cross-connects/${w.crossConnectId}`,
    params: (w) => ({ orderId: w.crossConnectId }),
    intents: (w) => ({ accept: { zContractId: w.contractId, zPosition: "FZ C07" }, decline: { reason: "Pas de place" }, removal: {}, cancel: {} }),
  },
  "ops.cross-connects.$orderId.tsx": {
    caller: "operator",
    path: (w) => `/ops/cross-connects/${w.crossConnectId}`,
    params: (w) => ({ orderId: w.crossConnectId }),
    intents: (w) => ({
      assign: { aPortId: w.crossConnectPorts[0], zPortId: w.crossConnectPorts[1], zPosition: "ODF 4" },
      install: { installedOn: "2026-01-01", testResult: "0,4 dB" },
      remove: { removedOn: "2099-01-01" },
      reject: { reason: "Opérateur absent" },
    }),
  },
  // The service desk (issue 13)
  "app.desk.tickets.new.tsx": {
    caller: "tenant",
    path: () => "/app/desk/tickets/new",
    params: () => ({}),
    intents: (w) => ({
      "": { clientKey: "6e8d2c4f-3a5b-4c7d-9e0f-1b2c3d4e5f60", contractId: w.liveContractId, allocationIds: w.liveAllocationId, kind: "reboot", urgency: "standard", description: "Redémarrer le serveur", attachment: "" },
    }),
  },
  "app.desk.tickets.$ticketId.tsx": {
    caller: "tenant",
    path: (w) => `/app/desk/tickets/${w.ticketId}`,
    params: (w) => ({ ticketId: w.ticketId }),
    intents: () => ({ cancel: {} }),
  },
  "ops.desk.tickets.$ticketId.tsx": {
    caller: "operator",
    path: (w) => `/ops/desk/tickets/${w.ticketId}`,
    params: (w) => ({ ticketId: w.ticketId }),
    intents: () => ({ take: {}, update: { body: "Serveur redémarré" }, time: { minutes: "20" }, close: { result: "Fait" } }),
  },
  "app.desk.visits.new.tsx": {
    caller: "tenant",
    path: () => "/app/desk/visits/new",
    params: () => ({}),
    intents: (w) => ({
      "": {
        clientKey: "7f9e3d5a-4b6c-4d8e-8f1a-2c3d4e5f6a71",
        siteId: w.site.id,
        visitOn: w.tomorrow,
        windowStart: "09:00",
        windowEnd: "17:00",
        visitorName: "Yao Fuzz",
        company: "Fuzz SARL",
        idDocType: "national_id",
        idDocNumber: "TG-1234",
        escortNeeded: "on",
        rackIds: w.rack.id,
      },
    }),
  },
  "app.desk.visits.$visitId.tsx": {
    caller: "tenant",
    path: (w) => `/app/desk/visits/${w.visitId}`,
    params: (w) => ({ visitId: w.visitId }),
    intents: () => ({ cancel: {} }),
  },
  "ops.desk.visits.$visitId.tsx": {
    caller: "operator",
    path: (w) => `/ops/desk/visits/${w.visitId}`,
    params: (w) => ({ visitId: w.visitId }),
    intents: () => ({ approve: {}, refuse: { reason: "Pièce illisible" }, checkIn: {}, checkOut: {} }),
  },
  "ops.desk.$siteCode.security-list.tsx": {
    caller: "operator",
    path: (w) => `/ops/desk/LDC/security-list?day=${w.tomorrow}`,
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({ checkIn: { visitId: w.visitId, day: w.tomorrow }, checkOut: { visitId: w.visitId, day: w.tomorrow } }),
  },
  "app.desk.badges.tsx": {
    caller: "tenant",
    path: () => "/app/desk/badges",
    params: () => ({}),
    intents: (w) => ({
      add: { siteId: w.site.id, name: "Ama Fuzz", company: "Fuzz A", idDocType: "passport", idDocNumber: "P000111", validUntil: "2027-03-31" },
      renew: { holderId: w.badgeHolderId, validUntil: "2027-09-30" },
      revoke: { holderId: w.badgeHolderId },
    }),
  },
  "ops.desk.$siteCode.badges.tsx": {
    caller: "operator",
    path: () => "/ops/desk/LDC/badges",
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({ "": { holderId: w.badgeHolderId } }),
  },
  "app.desk.deliveries.new.tsx": {
    caller: "tenant",
    path: () => "/app/desk/deliveries/new",
    params: () => ({}),
    intents: (w) => ({
      "": { clientKey: "8a0f4e6b-5c7d-4e9f-9a2b-3d4e5f6a7b82", siteId: w.site.id, rackId: w.rack.id, carrier: "DHL Express", trackingNumber: "JD0146", parcels: "2", expectedOn: w.today, purpose: "Disques" },
    }),
  },
  "app.desk.deliveries.$deliveryId.tsx": {
    caller: "tenant",
    path: (w) => `/app/desk/deliveries/${w.deliveryId}`,
    params: (w) => ({ deliveryId: w.deliveryId }),
    intents: () => ({ cancel: {} }),
  },
  "ops.desk.deliveries.$deliveryId.tsx": {
    caller: "operator",
    path: (w) => `/ops/desk/deliveries/${w.deliveryId}`,
    params: (w) => ({ deliveryId: w.deliveryId }),
    intents: () => ({ receive: { parcelsReceived: "2", condition: "good", damageNote: "" }, store: { storageLocation: "Cage B" }, deliver: {}, collect: {} }),
  },
  "ops.desk.$siteCode.deliveries.tsx": {
    caller: "operator",
    path: () => "/ops/desk/LDC/deliveries",
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({
      keepDays: { parcelKeepDays: "14" },
      unannounced: { orgId: w.orgA.id, carrier: "UPS", trackingNumber: "1Z999", parcelsReceived: "1", condition: "good", damageNote: "", purpose: "Inconnu" },
    }),
    ignore: ["show"],
  },
  "ops.sites.$siteCode.carriers.tsx": {
    caller: "operator",
    path: () => "/ops/sites/LDC/carriers",
    params: () => ({ siteCode: "LDC" }),
    intents: (w) => ({ add: { name: "Liquid Telecom" }, active: { carrierId: w.carrierId, active: "false" } }),
  },
  "ops.sites.$siteCode.racks.$rackId.tsx": {
    caller: "operator",
    path: (w) => `/ops/sites/LDC/racks/${w.rack.id}`,
    params: (w) => ({ siteCode: "LDC", rackId: w.rack.id }),
    intents: (w) => ({ "": { name: w.rack.name, heightU: String(w.rack.height_u), powerCapacityW: String(w.rack.power_capacity_w), feedAW: String(w.rack.feed_a_capacity_w), feedBW: String(w.rack.feed_b_capacity_w), status: "active" } }),
  },
  "reset-password.tsx": {
    caller: "anonymous",
    path: () => "/reset-password",
    params: () => ({}),
    intents: () => ({ "": { token: "abc", password: "Nouveau-mot-2026", passwordConfirm: "Nouveau-mot-2026" } }),
  },
  "set-locale.ts": {
    caller: "anonymous",
    path: () => "/set-locale",
    params: () => ({}),
    intents: () => ({ "": { locale: "en", redirectTo: "/" } }),
  },
  "signin.tsx": {
    caller: "anonymous",
    path: () => "/signin",
    params: () => ({}),
    intents: () => ({ "": { email: "owner@fuzz-a.test", password: "wrong-password-1", redirectTo: "/app" } }),
  },
  "signout.ts": {
    caller: "throwaway",
    path: () => "/signout",
    params: () => ({}),
    intents: () => ({ "": {} }),
  },
  "signup.tsx": {
    caller: "anonymous",
    path: () => "/signup",
    params: () => ({}),
    intents: () => ({
      "": {
        orgName: "Nouvelle SARL",
        orgKind: "sme",
        taxId: "NIF-FUZZ-1",
        rccm: "",
        billingEmail: "billing@nouvelle.test",
        address: "Rue 1, Lomé",
        country: "TG",
        name: "Kodjo",
        email: "owner@fuzz-a.test",
        password: "Inscription-2026",
        passwordConfirm: "Inscription-2026",
      },
    }),
  },
  "app.invoices.$invoiceId.card.ts": {
    caller: "tenant",
    path: (w) => `/app/invoices/${w.invoice.id}/card`,
    params: (w) => ({ invoiceId: w.invoice.id }),
    intents: () => ({ "": {} }),
  },
  // Its hostile bodies, signed and not, are sent by the Stripe webhook test below.
  "webhooks.stripe.ts": { caller: "anonymous", path: () => "/webhooks/stripe", params: () => ({}), intents: () => ({}) },
  // Its own, splat 404s and the API are covered separately.
  "api.v1.usage.ts": { caller: "anonymous", path: () => "/api/v1/usage", params: () => ({}), intents: () => ({}) },
};

// ---------------------------------------------------------------------------------------------
// Calling an action

type Action = (args: ActionFunctionArgs) => unknown;
const modules = new Map<string, { action: Action; source: string }>();

async function routesWithActions() {
  const found: string[] = [];
  for (const file of readdirSync(ROUTES_DIR).sort()) {
    if (!/\.(ts|tsx)$/.test(file) || /\.test\.tsx?$/.test(file)) continue;
    const source = readFileSync(join(ROUTES_DIR, file), "utf8");
    if (!/export\s+(async\s+)?(function|const)\s+action\b/.test(source)) continue;
    const mod = (await import(/* @vite-ignore */ join(ROUTES_DIR, file))) as { action?: Action };
    if (typeof mod.action !== "function") continue;
    modules.set(file, { action: mod.action, source });
    found.push(file);
  }
  return found;
}

let cookies: Record<Caller, string | undefined>;

async function send(file: string, request: Request): Promise<{ status: number; error?: unknown }> {
  const spec = SPECS[file];
  const { action } = modules.get(file)!;
  try {
    const result = await action({ request, params: spec.params(w), context: { nonce: "", ip: "203.0.113.9", requestId: "fuzz" } });
    return { status: result instanceof Response ? result.status : 200 };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status };
    return { status: 599, error: thrown };
  }
}

function headersFor(caller: Caller, contentType?: string) {
  const headers = new Headers({ Origin: BASE });
  if (contentType) headers.set("Content-Type", contentType);
  const cookie = cookies[caller];
  if (cookie) headers.set("Cookie", cookie);
  return headers;
}

function formRequest(file: string, pairs: [string, string][], caller: Caller) {
  const spec = SPECS[file];
  const path = spec.path(w);
  if (file === "ops.metering.import.tsx" || file === "ops.billing.rates.tsx" || file === "ops.payments.inbox.tsx" || file === "app.desk.tickets.new.tsx") {
    const form = new FormData();
    for (const [k, v] of pairs) {
      if (k === "file") form.append("file", new File([v], "fuzz.csv", { type: "text/csv" }));
      // A ticket's attachment: the hostile value as the file's bytes, under a photo's name and type.
      else if (k === "attachment") form.append("attachment", new File([v], "photo.png", { type: "image/png" }));
      else form.append(k, v);
    }
    return new Request(`${BASE}${path}`, { method: "POST", headers: headersFor(caller), body: form });
  }
  return new Request(`${BASE}${path}`, { method: "POST", headers: headersFor(caller, "application/x-www-form-urlencoded"), body: new URLSearchParams(pairs).toString() });
}

// ---------------------------------------------------------------------------------------------
// The fingerprint

let excluded: string[] = [];
let tables: string[] = [];

async function nextXid(): Promise<string> {
  const { rows } = await sql<{ x: string }>`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`.execute(t.db);
  return rows[0].x;
}

async function fingerprint(): Promise<string> {
  const parts = tables.map((name) => sql`SELECT ${name}::text AS t, count(*)::text AS n, coalesce(sum(xmin::text::bigint), 0)::text AS x FROM ${sql.table(name)}`);
  const { rows } = await sql<{ t: string; n: string; x: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(t.db);
  return rows
    .map((r) => `${r.t}:${r.n}:${r.x}`)
    .sort()
    .join(" ");
}

const failures: string[] = [];
let sent = 0;

let known: { xid: string; print: string } | undefined;

/** Send one request; record a 5xx or an escaped exception; on 4xx, check nothing was written. */
async function probe(file: string, label: string, request: () => Request, ignore: string[] = []) {
  const xid = await nextXid();
  // The fingerprint is recomputed only when something was written since it was last taken.
  if (known?.xid !== xid) known = { xid, print: await fingerprint() };
  const before = known.print;
  const result = await send(file, request());
  sent += 1;
  if (result.status >= 500) {
    const detail = result.error instanceof Error ? `${result.error.message.slice(0, 200)}` : String(result.status);
    failures.push(`${file} ${label}: ${result.status} ${detail}`);
    return;
  }
  if (result.status >= 400 && result.status < 500 && (await nextXid()) !== xid) {
    const kept = (print: string) => print.split(" ").filter((part) => !ignore.includes(part.split(":")[0]));
    const after = kept(await fingerprint());
    const b = new Set(kept(before));
    const changed = after.filter((part) => !b.has(part));
    if (changed.length) failures.push(`${file} ${label}: ${result.status} but wrote ${changed.join(", ")}`);
  }
}

const short = (v: string) => JSON.stringify(v.length > 24 ? `${v.slice(0, 12)}…(${v.length})` : v);

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await buildWorld();
  const throwaway = await signedIn(t.db, { orgId: w.orgA.id, role: "viewer", email: "throwaway@fuzz-a.test" });
  cookies = { tenant: w.owner.cookie, operator: w.admin.cookie, anonymous: undefined, throwaway: throwaway.cookie };
  const { rows } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`.execute(t.db);
  // Written by refused requests on purpose: a session slides, a failed sign-in is counted.
  excluded = rows.map((r) => r.name).filter((n) => /session|attempt|rate|limit|kysely|throttle/.test(n));
  tables = rows.map((r) => r.name).filter((n) => !excluded.includes(n));
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

test("every route with an action has a fuzz spec, and every form field of its source is in it", async () => {
  const found = await routesWithActions();
  expect(found.length).toBeGreaterThan(15);
  const missing = found.filter((f) => !SPECS[f]);
  expect(missing, "routes with an action but no spec in fuzz.test.ts").toEqual([]);
  const unlisted: string[] = [];
  for (const file of found) {
    const spec = SPECS[file];
    const listed = new Set(["intent", "transition", ...(spec.ignore ?? []), ...Object.values(spec.intents(w)).flatMap((f) => Object.keys(f))]);
    for (const [, name] of modules.get(file)!.source.matchAll(/name="([A-Za-z0-9_.]+)"/g)) if (!listed.has(name)) unlisted.push(`${file}: ${name}`);
  }
  expect(unlisted, "form fields missing from their route's fuzz spec").toEqual([]);
});

test("hostile values in every field of every form action: never a 5xx, nothing written on a 4xx", async () => {
  if (!modules.size) await routesWithActions();
  failures.length = 0;
  sent = 0;
  const timing: string[] = [];
  for (const [file, spec] of Object.entries(SPECS)) {
    if (!modules.has(file) || file === "api.v1.usage.ts") continue;
    const started = Date.now();
    const sentBefore = sent;
    for (const [intent, baseline] of Object.entries(spec.intents(w))) {
      const base = (): [string, string][] => [...(intent ? ([["intent", intent]] as [string, string][]) : []), ...Object.entries(baseline)];
      const fieldNames = Object.keys(baseline);
      for (const field of fieldNames) {
        for (const value of corpusFor(baseline[field] ?? "")) {
          const pairs = base().map(([k, v]) => [k, k === field ? value : v] as [string, string]);
          await probe(file, `${intent || "-"} ${field}=${short(value)}`, () => formRequest(file, pairs, spec.caller));
        }
        // The field twice (an array), and missing altogether.
        await probe(file, `${intent || "-"} ${field} twice`, () => formRequest(file, [...base(), [field, "x"]], spec.caller));
        await probe(file, `${intent || "-"} ${field} missing`, () => formRequest(file, base().filter(([k]) => k !== field), spec.caller));
      }
      // Every field hostile at once.
      for (const value of ["a\u0000b", LONG, "9999-12-31", "99999999999"]) {
        await probe(file, `${intent || "-"} all=${short(value)}`, () => formRequest(file, base().map(([k]) => [k, value]), spec.caller));
      }
    }
    if (Object.keys(spec.intents(w)).some(Boolean)) {
      for (const intent of ["", "nope", "__proto__", "constructor", "APPROVE"]) {
        await probe(file, `intent=${short(intent)}`, () => formRequest(file, [["intent", intent]], spec.caller));
      }
    }
    timing.push(`${file}: ${sent - sentBefore} requests, ${Date.now() - started} ms`);
  }
  if (process.env.FUZZ_TIMING) console.log(timing.join("\n"));
  expect(failures, `${failures.length} of ${sent} requests failed`).toEqual([]);
}, 240_000);

test("wrong content types and malformed bodies on every form action are a 4xx that writes nothing", async () => {
  if (!modules.size) await routesWithActions();
  failures.length = 0;
  sent = 0;
  const bodies: [string, string | undefined, string][] = [
    ["json", "application/json", '{"intent":"invite","email":"x@y.test"}'],
    ["xml", "application/xml", "<form><intent>invite</intent></form>"],
    ["text", "text/plain", "intent=invite"],
    ["none", undefined, "intent=invite"],
    ["multipart without boundary", "multipart/form-data", "--x\r\n"],
    ["malformed multipart", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\ninvite"],
    ["garbage multipart", "multipart/form-data; boundary=zz", "\u0000\u0001garbage"],
    ["urlencoded garbage", "application/x-www-form-urlencoded", "%E0%A4%A=%%%&&==&intent=%00"],
  ];
  for (const [file, spec] of Object.entries(SPECS)) {
    if (!modules.has(file) || file === "api.v1.usage.ts") continue;
    for (const [label, type, payload] of bodies) {
      await probe(file, label, () => new Request(`${BASE}${spec.path(w)}`, { method: "POST", headers: headersFor(spec.caller, type), body: payload }));
    }
  }
  expect(failures, `${failures.length} of ${sent} requests failed`).toEqual([]);
}, 120_000);

test("the usage API: hostile batches and content types are a 4xx that writes nothing", async () => {
  if (!modules.size) await routesWithActions();
  failures.length = 0;
  sent = 0;
  const file = "api.v1.usage.ts";
  const auth = { Authorization: `Bearer ${w.token.token}` };
  const api = (type: string | undefined, payload: string, headers: Record<string, string> = auth) => () =>
    new Request(`${BASE}/api/v1/usage`, { method: "POST", headers: { ...headers, ...(type ? { "Content-Type": type } : {}) }, body: payload });
  const sample = (over: Record<string, unknown>) => JSON.stringify({ samples: [{ meter: "FUZZ-M1", metric: "power_w", at: "2026-01-01T00:00:00Z", value: 1, ...over }] });
  const cases: [string, () => Request][] = [
    ["no auth", api("application/json", sample({}), {})],
    ["bad token", api("application/json", sample({}), { Authorization: "Bearer pk_nope" })],
    ["xml", api("application/xml", "<samples/>")],
    ["no type", api(undefined, sample({}))],
    ["form", api("application/x-www-form-urlencoded", "a=1")],
    ["bad json", api("application/json", "{")],
    ["json null", api("application/json", "null")],
    ["json array", api("application/json", "[]")],
    ["samples object", api("application/json", '{"samples":{}}')],
    ["sample null", api("application/json", '{"samples":[null]}')],
    ["bad csv", api("text/csv", 'meter,metric,at,value\n"unterminated')],
    ["csv NUL", api("text/csv", "meter,metric,at,value\nFUZZ\u0000,power_w,2026-01-01T00:00:00Z,1\n")],
  ];
  for (const value of CORPUS) {
    cases.push([`meter=${short(value)}`, api("application/json", sample({ meter: value }))]);
    cases.push([`at=${short(value)}`, api("application/json", sample({ at: value }))]);
    cases.push([`metric=${short(value)}`, api("application/json", sample({ metric: value }))]);
  }
  for (const at of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "+020000-01-01T00:00:00Z", "2026-01-01T00:00:00+99:00"]) {
    cases.push([`at=${at}`, api("application/json", sample({ at }))]);
  }
  for (const value of [-1, 1e300, 1e20, 99999999999999.9, "1", null, [], {}, "NaN"]) {
    cases.push([`value=${JSON.stringify(value)}`, api("application/json", sample({ value }))]);
  }
  cases.push(["value=1e400 (text)", api("application/json", sample({}).replace('"value":1', '"value":1e400'))]);
  // A valid token is stamped as used (api_tokens.last_used_at) even when its batch is refused.
  for (const [label, request] of cases) await probe(file, label, request, ["api_tokens"]);
  expect(failures, `${failures.length} of ${sent} requests failed`).toEqual([]);
}, 120_000);

test("the Stripe webhook: hostile bodies, signed or not, are never a 5xx; a 4xx writes nothing", async () => {
  if (!modules.size) await routesWithActions();
  failures.length = 0;
  sent = 0;
  process.env.STRIPE_SECRET_KEY = TEST_SECRET_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  resetEnvCache();
  try {
    const file = "webhooks.stripe.ts";
    const post = (payload: string, signature?: string, type = "application/json") => () =>
      new Request(`${BASE}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": type, ...(signature ? { "Stripe-Signature": signature } : {}) }, body: payload });
    const signed = (type: string, object: unknown) => {
      const e = signedEvent(type, object);
      return post(e.payload, e.signature);
    };
    const cases: [string, () => Request][] = [];
    for (const value of CORPUS) {
      cases.push([`unsigned ${short(value)}`, post(value)]);
      // Only what a header can carry (fetch refuses the rest before it is sent).
      if (/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value)) cases.push([`signature=${short(value)}`, post('{"id":"evt_1","type":"invoice.paid","data":{"object":{}}}', value)]);
    }
    // Signed with the right secret but not an event Stripe would send.
    for (const raw of ["", "{", "null", "[]", '"x"', '{"id":1}', '{"id":"evt_x","type":"invoice.paid"}', '{"id":"evt_y","type":"invoice.paid","data":null}', '{"id":"evt_z","type":"invoice.paid","data":{"object":{"id":"in_\\u0000"}}}', '{"id":"evt_s","type":"invoice.paid","data":{"object":{"id":"in_1","customer_name":"\\ud800"}}}', `{"id":"${"e".repeat(400)}","type":"a","data":{"object":{}}}`]) {
      cases.push([`signed raw ${short(raw)}`, post(raw, Stripe.webhooks.generateTestHeaderString({ payload: raw, secret: TEST_WEBHOOK_SECRET }))]);
    }
    // Signed events of every handled type whose object is hostile.
    const types = ["invoice.paid", "invoice.payment_succeeded", "invoice.finalized", "invoice.updated", "invoice.payment_failed", "invoice.voided", "invoice_payment.paid", "charge.refunded", "nope.nope"];
    const hostile: unknown[] = [-1, 1e300, 1.5, "100", null, [], {}, Number.MAX_SAFE_INTEGER + 2, ...CORPUS];
    for (const type of types) {
      cases.push([`${type} {}`, signed(type, {})]);
      for (const v of hostile) {
        const meta = { invoice_id: w.invoice.id, org_id: w.orgA.id, attempt: "1" };
        cases.push([`${type} id=${short(String(v))}`, signed(type, { id: v, metadata: v, currency: v, amount_paid: v, amount_refunded: v, total: v, invoice: v, payment_intent: v, payment: v, status: v, status_transitions: v, hosted_invoice_url: v, customer_name: v })]);
        cases.push([`${type} amounts=${short(String(v))}`, signed(type, { id: "in_fuzz", object: "invoice", metadata: meta, currency: "xof", amount_paid: v, amount_refunded: v, total: v, status: "paid", hosted_invoice_url: v, payment_intent: "pi_fuzz", status_transitions: { paid_at: v } })]);
        cases.push([`${type} metadata=${short(String(v))}`, signed(type, { id: "in_fuzz2", object: "invoice", metadata: { invoice_id: v, org_id: v, attempt: v }, currency: "usd", amount_paid: 100, total: 100 })]);
      }
    }
    // Stripe events land in stripe_events (a 2xx); a 4xx must write nothing.
    for (const [label, request] of cases) await probe(file, label, request);
  } finally {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    resetEnvCache();
  }
  expect(failures, `${failures.length} of ${sent} requests failed`).toEqual([]);
}, 240_000);
