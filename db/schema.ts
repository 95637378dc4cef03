import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string | undefined | null, string | null>;

export type OrgKind = "sme" | "agency";
export type OrgStatus = "pending" | "verified" | "suspended";
export type TenantRole = "owner" | "admin" | "billing" | "technical" | "viewer";
export type OperatorRole = "ops_admin" | "ops_noc" | "ops_finance";
export type Locale = "fr" | "en";

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  kind: OrgKind;
  tax_id: string;
  rccm: string | null;
  billing_email: string;
  address: string;
  country: string;
  status: Generated<OrgStatus>;
  is_vat_exempt: Generated<boolean>;
  payment_terms_days: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Language of its invoices and billing e-mails (2026_12_01_1000_invoicing). */
  billing_language: Generated<Locale>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  email_verified_at: Date | null;
  locale: Generated<Locale>;
  operator_role: OperatorRole | null;
  created_at: CreatedAt;
  password_changed_at: Timestamp;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: TenantRole;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  expires_at: Date;
}

export interface UserTokensTable {
  token_hash: string;
  user_id: string;
  purpose: "verify_email" | "reset_password";
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: TenantRole;
  token_hash: string;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

/** A fixed-window counter per key (sign-in, password change, forgot-password, sign-up limits). */
export interface RateLimitsTable {
  key: string;
  window_started_at: Date;
  hits: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_user_id: string | null;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  org_id: string | null;
  before: Json;
  after: Json;
  ip: string | null;
  at: CreatedAt;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  template: string;
  locale: Locale;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  status: Generated<"pending" | "sent" | "failed">;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
  /** The bodies sent over SMTP when `html`/`text` (what the pages show) are redacted; cleared once sent. */
  secret_html: string | null;
  secret_text: string | null;
  /** A stored document sent as the attachment, read at send time (2026_12_01_1300_issuing). */
  attachment_document_id: string | null;
}

export type Currency = "XOF" | "XAF" | "USD" | "EUR" | "CDF";

export interface SitesTable {
  id: Generated<string>;
  code: string;
  name: string;
  country: string;
  time_zone: string;
  currency: Currency;
  vat_rate_bp: number;
  uplink_capacity_mbps: number;
  /** numeric, returned as a string such as "1.50" */
  oversubscription_ratio: ColumnType<string, string | number, string | number>;
  created_at: CreatedAt;
  /** Days before a commitment's end by which the tenant's notice of non-renewal is due (1–90; 2026_12_02_1010). */
  renewal_notice_days: Generated<number>;
  /** Remote hands (2026_12_02_1200): billed time rounds up to this many minutes (a multiple of 3, 3–240). */
  remote_hands_increment_min: Generated<number>;
  /** Service-level targets: minutes until a ticket is taken (standard, urgent). */
  remote_hands_target_standard_min: Generated<number>;
  remote_hands_target_urgent_min: Generated<number>;
  /** Days a received parcel may stay at the site before it is flagged (1–365, default 14; 2026_12_02_1220). */
  parcel_keep_days: Generated<number>;
}

export interface RoomsTable {
  id: Generated<string>;
  site_id: string;
  name: string;
  kind: "data_hall" | "meet_me_room";
}

export interface RacksTable {
  id: Generated<string>;
  room_id: string;
  name: string;
  height_u: number;
  power_capacity_w: number;
  feed_a_capacity_w: number;
  feed_b_capacity_w: number;
  status: Generated<"active" | "maintenance">;
}

export type ProductKind =
  | "rack_unit"
  | "half_rack"
  | "full_rack"
  | "cage"
  | "power_commit_kw"
  | "energy_kwh"
  | "bandwidth_commit_mbps"
  | "bandwidth_overage_mbps"
  | "cross_connect"
  | "remote_hands_hour"
  /** The site's urgent remote-hands hourly rate (2026_12_02_1200). */
  | "remote_hands_urgent_hour";

export interface ProductsTable {
  id: Generated<string>;
  site_id: string;
  kind: ProductKind;
  name_fr: string;
  name_en: string;
  unit_price_minor: number;
  setup_fee_minor: Generated<number>;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
}

type GeneratedAlways<T> = ColumnType<T, never, never>;
/** A calendar date as "YYYY-MM-DD". */
type DateOnly = ColumnType<string, string, string>;

export type RequestableKind = "rack_unit" | "half_rack" | "full_rack" | "cage" | "power_commit_kw" | "bandwidth_commit_mbps" | "cross_connect";
export type RequestStatus = "pending" | "approved" | "rejected" | "cancelled";
export type AllocationKind = "units" | "half_rack" | "full_rack";

export interface CrossConnectPortsTable {
  id: Generated<string>;
  site_id: string;
  room_id: string;
  name: string;
  media: Generated<"smf" | "mmf" | "cat6">;
  status: Generated<"active" | "maintenance">;
}

export interface RequestsTable {
  id: Generated<string>;
  org_id: string;
  site_id: string;
  status: Generated<RequestStatus>;
  desired_start_on: DateOnly;
  term_months: 12 | 24 | 36;
  notes: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
  rejection_reason: string | null;
}

export interface RequestLinesTable {
  request_id: string;
  kind: RequestableKind;
  quantity: number;
}

export interface ContractsTable {
  id: Generated<string>;
  org_id: string;
  site_id: string;
  request_id: string | null;
  start_on: DateOnly;
  /** Last day of service (inclusive); null while open-ended. Active until it has passed. */
  end_on: DateOnly | null;
  term_months: 12 | 24 | 36;
  approved_by: string | null;
  created_at: CreatedAt;
  /** Last day of the commitment in force (start + term − 1 day, moved on by each tacit renewal); filled on insert. */
  commitment_ends_on: ColumnType<string, string | undefined, string>;
}

export interface ContractLinesTable {
  id: Generated<string>;
  contract_id: string;
  product_id: string;
  kind: ProductKind;
  name_fr: string;
  name_en: string;
  quantity: number;
  unit_price_minor: number;
  setup_fee_minor: Generated<number>;
  currency: Currency;
  /** First day this version is in force; defaults to the contract's start (the version signed at approval). */
  valid_from: ColumnType<string, string | undefined, string>;
  /** Last day in force (inclusive); null = until the contract ends. One version per kind a day. */
  valid_to: DateOnly | null;
  /** The amendment (or renewal) that made this version; null for the version signed at approval. */
  change_id: string | null;
  /** The tacit renewal that made this version at the operators' new price (2026_12_02_1010). */
  renewal_id: Generated<string | null>;
}

export interface AllocationsTable {
  id: Generated<string>;
  contract_id: string;
  org_id: string;
  rack_id: string;
  kind: AllocationKind;
  first_u: number;
  last_u: number;
  units: GeneratedAlways<string>;
  start_on: DateOnly;
  end_on: DateOnly | null;
  during: GeneratedAlways<string>;
  power_w: Generated<number>;
  created_at: CreatedAt;
}

export interface PortAllocationsTable {
  id: Generated<string>;
  contract_id: string;
  org_id: string;
  port_id: string;
  start_on: DateOnly;
  end_on: DateOnly | null;
  during: GeneratedAlways<string>;
  /** The cross-connect order this port serves, and which end (2026_12_02_1020); null for a contract's own ports. */
  cross_connect_order_id: string | null;
  cross_connect_side: "a" | "z" | null;
}

export interface ContractChangesTable {
  id: Generated<string>;
  contract_id: string;
  org_id: string;
  kind: "termination" | "amendment";
  requested_end_on: DateOnly | null;
  details: string | null;
  status: Generated<"pending" | "applied" | "rejected">;
  requested_by: string | null;
  requested_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  /** Amendments: first day of the new quantities. */
  effective_on: DateOnly | null;
  /** An amendment giving back capacity before the commitment's end (an operator must accept it). */
  before_commitment_end: Generated<boolean>;
  /** The operator waived the early-release charge of such a downgrade. */
  waive_early_release: Generated<boolean>;
}

/** The quantities an amendment changes: before and after, per product kind. */
export interface ContractChangeLinesTable {
  change_id: string;
  kind: ProductKind;
  quantity_before: number;
  quantity: number;
}

export type Metric = "energy_kwh" | "power_w" | "bw_in_mbps" | "bw_out_mbps";

export interface MetersTable {
  id: Generated<string>;
  site_id: string;
  external_id: string;
  kind: "power" | "bandwidth";
  description: string | null;
  created_at: CreatedAt;
  /** Raised by the database with every statement that stores samples of the meter (usage_month_cache). */
  samples_version: Generated<number>;
}

export interface MeterAttachmentsTable {
  id: Generated<string>;
  meter_id: string;
  contract_id: string;
  attached_on: DateOnly;
  detached_on: DateOnly | null;
  during: GeneratedAlways<string>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  site_id: string;
  name: string;
  scopes: ColumnType<string[], string[], string[]>;
  token_hash: string;
  token_prefix: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface SamplesTable {
  meter_id: string;
  metric: Metric;
  at: ColumnType<Date, Date | string, never>;
  /** numeric(20,6), returned as a string such as "15234.250000" */
  value: ColumnType<string, string | number, never>;
}

/** A contract's month of usage figures and the fingerprint they were computed for (a cache). */
export interface UsageMonthCacheTable {
  contract_id: string;
  month: string;
  fingerprint: string;
  figures: unknown;
  computed_at: Generated<Date>;
}

/** Rollup per meter and 5-minute instant (trigger on samples): the highest reading of each metric. */
export interface UsageInstantsTable {
  meter_id: string;
  at: Date;
  bw_in: string | null;
  bw_out: string | null;
  power_w: string | null;
}

/** Rollup per meter and UTC hour of the energy counter (trigger on samples). */
export interface EnergyHoursTable {
  meter_id: string;
  at: Date;
  readings: number;
  first_at: Date;
  first_value: string;
  last_at: Date;
  last_value: string;
  /** Sum of the positive deltas between the hour's consecutive readings; null with one reading. */
  inner_kwh: string | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  invitations: InvitationsTable;
  rate_limits: RateLimitsTable;
  audit_log: AuditLogTable;
  email_outbox: EmailOutboxTable;
  sites: SitesTable;
  rooms: RoomsTable;
  racks: RacksTable;
  products: ProductsTable;
  cross_connect_ports: CrossConnectPortsTable;
  requests: RequestsTable;
  request_lines: RequestLinesTable;
  contracts: ContractsTable;
  contract_lines: ContractLinesTable;
  allocations: AllocationsTable;
  port_allocations: PortAllocationsTable;
  contract_changes: ContractChangesTable;
  contract_change_lines: ContractChangeLinesTable;
  meters: MetersTable;
  meter_attachments: MeterAttachmentsTable;
  api_tokens: ApiTokensTable;
  samples: SamplesTable;
  usage_instants: UsageInstantsTable;
  usage_month_cache: UsageMonthCacheTable;
  energy_hours: EnergyHoursTable;
  site_issuers: SiteIssuersTable;
  vat_exemption_certificates: VatExemptionCertificatesTable;
  documents: DocumentsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  credit_notes: CreditNotesTable;
  credit_note_lines: CreditNoteLinesTable;
  document_counters: DocumentCountersTable;
  exchange_rates: ExchangeRatesTable;
  jobs: JobsTable;
  one_off_charges: OneOffChargesTable;
  early_termination_waivers: EarlyTerminationWaiversTable;
  payments: PaymentsTable;
  payment_allocations: PaymentAllocationsTable;
  refunds: RefundsTable;
  customer_ledger: CustomerLedgerView;
  stripe_customers: StripeCustomersTable;
  stripe_invoices: StripeInvoicesTable;
  stripe_events: StripeEventsTable;
  statement_sources: StatementSourcesTable;
  statement_imports: StatementImportsTable;
  statement_lines: StatementLinesTable;
  statement_line_suggestions: StatementLineSuggestionsTable;
  reminder_schedules: ReminderSchedulesTable;
  reminder_steps: ReminderStepsTable;
  reminder_pauses: ReminderPausesTable;
  carriers: CarriersTable;
  cross_connect_orders: CrossConnectOrdersTable;
  remote_hands_ref_counters: RemoteHandsRefCountersTable;
  remote_hands_tickets: RemoteHandsTicketsTable;
  remote_hands_ticket_racks: RemoteHandsTicketRacksTable;
  remote_hands_events: RemoteHandsEventsTable;
  remote_hands_attachments: RemoteHandsAttachmentsTable;
  contract_renewals: ContractRenewalsTable;
  renewal_notices: RenewalNoticesTable;
  renewal_opt_outs: RenewalOptOutsTable;
  renewal_prices: RenewalPricesTable;
  visits: VisitsTable;
  visit_racks: VisitRacksTable;
  badge_holders: BadgeHoldersTable;
  badge_reminders: BadgeRemindersTable;
  deliveries: DeliveriesTable;
  delivery_events: DeliveryEventsTable;
}

// ---------------------------------------------------------------------------------------------
// Invoicing (2026_12_01_1000_invoicing; names of billing.md; ADR 012).

/** The legal entity a site bills as. */
export interface SiteIssuersTable {
  site_id: string;
  legal_name: string;
  address: string;
  nif: string;
  rccm: string;
  vat_number: string | null;
  bank_name: string | null;
  /** RIB or IBAN, as printed. */
  bank_account: string | null;
  swift: string | null;
  /** Mobile-money collection numbers, one per line. */
  mobile_money: string | null;
  footer_fr: string | null;
  footer_en: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface VatExemptionCertificatesTable {
  id: Generated<string>;
  org_id: string;
  reference: string;
  valid_from: DateOnly;
  /** Last day covered (inclusive). */
  valid_to: DateOnly;
  created_by: string | null;
  created_at: CreatedAt;
}

export type DocumentKind = "invoice_pdf" | "credit_note_pdf" | "usage_annex_csv" | "statement_pdf";

/** Stored files, never updated; `sha256` and `byte_size` are computed by the database. */
export interface DocumentsTable {
  id: Generated<string>;
  kind: DocumentKind;
  content_type: string;
  filename: string;
  content: ColumnType<Buffer, Buffer | Uint8Array, never>;
  sha256: GeneratedAlways<string>;
  byte_size: GeneratedAlways<number>;
  created_at: CreatedAt;
}

export type InvoiceStatus = "draft" | "issued" | "paid" | "void";
export type InvoiceLineKind = "recurring" | "setup" | "energy" | "bandwidth_overage" | "one_off" | "early_termination";

/**
 * Born a draft (no number, dates or payment reference); issued in one update that sets them all.
 * Once issued only `status` (issued→paid|void, paid→issued) and `updated_at` change, and the
 * document with its hash is set once. At commit `subtotal_minor` must equal the sum of the lines
 * (write an invoice and its lines in one transaction).
 */
export interface InvoicesTable {
  id: Generated<string>;
  /** `LDC-2026-000042`; null while draft. */
  number: string | null;
  status: Generated<InvoiceStatus>;
  org_id: string;
  site_id: string;
  /** "YYYY-MM" */
  period: string;
  currency: Currency;
  subtotal_minor: Generated<number>;
  vat_rate_bp: number;
  vat_minor: Generated<number>;
  total_minor: Generated<number>;
  is_vat_exempt: Generated<boolean>;
  vat_exemption_reference: string | null;
  billing_language: Generated<Locale>;
  flags: ColumnType<string[], string[] | undefined, string[]>;
  issued_on: DateOnly | null;
  due_on: DateOnly | null;
  payment_reference: string | null;
  /** Key of the public verification URL; generated by the database. */
  verify_key: Generated<string>;
  fx_currency: Currency | null;
  /** numeric(18,6) as a string, e.g. "2850.500000" CDF per USD. */
  fx_rate: ColumnType<string | null, string | null | undefined, string | null>;
  fx_rate_on: DateOnly | null;
  document_id: string | null;
  pdf_sha256: string | null;
  /** The usage annex (CSV) frozen at issue (2026_12_01_1300_issuing). */
  annex_document_id: string | null;
  issued_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface InvoiceLinesTable {
  id: Generated<string>;
  invoice_id: string;
  /** Copied from the invoice by the database. */
  org_id: Generated<string>;
  site_id: Generated<string>;
  position: number;
  contract_id: string | null;
  kind: InvoiceLineKind;
  description_fr: string;
  description_en: string;
  /** numeric(20,6) as a string. */
  quantity: ColumnType<string, string | number, string | number>;
  unit_price_minor: number;
  amount_minor: number;
  details: Json;
}

/** Immutable once inserted; lines are added by the transaction that creates it. */
export interface CreditNotesTable {
  id: Generated<string>;
  /** `LDC-AV-2026-000001` */
  number: string;
  invoice_id: string;
  /** Copied from the invoice by the database. */
  org_id: Generated<string>;
  site_id: Generated<string>;
  currency: Generated<Currency>;
  subtotal_minor: number;
  vat_minor: Generated<number>;
  total_minor: number;
  reason: string;
  issued_on: DateOnly;
  verify_key: Generated<string>;
  document_id: string | null;
  pdf_sha256: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  created_txid: GeneratedAlways<number>;
}

export interface CreditNoteLinesTable {
  id: Generated<string>;
  credit_note_id: string;
  position: number;
  invoice_line_id: string | null;
  description_fr: string;
  description_en: string;
  quantity: ColumnType<string, string | number, never>;
  unit_price_minor: number;
  amount_minor: number;
}

export type DocumentSeries = "invoice" | "credit_note";

export interface DocumentCountersTable {
  site_id: string;
  series: DocumentSeries;
  year: number;
  last_value: number;
}

export interface ExchangeRatesTable {
  from_currency: Currency;
  to_currency: Currency;
  rate_on: DateOnly;
  /** numeric(18,6) as a string. */
  rate: ColumnType<string, string, string>;
  source: Generated<"manual" | "csv">;
  created_by: string | null;
  created_at: CreatedAt;
}

// ---------------------------------------------------------------------------------------------
// Jobs (2026_12_01_1100_jobs): the one background job runner.

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface JobsTable {
  id: Generated<string>;
  kind: string;
  /** At most one queued or running job per key; a done or failed key may be enqueued again. */
  key: string;
  payload: ColumnType<unknown, string | undefined, string>;
  status: Generated<JobStatus>;
  run_after: Timestamp;
  lease_owner: string | null;
  lease_until: Date | null;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  progress_done: Generated<number>;
  progress_total: number | null;
  progress_label: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  created_at: CreatedAt;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Timestamp;
}

// ---------------------------------------------------------------------------------------------
// One-off charges and early-termination waivers (2026_12_01_1200_one_off_charges).

export type OneOffKind = "remote_hands" | "other";

export interface OneOffChargesTable {
  id: Generated<string>;
  contract_id: string;
  org_id: string;
  kind: OneOffKind;
  charged_on: DateOnly;
  /** numeric(12,2) as a string (hours for remote hands). */
  quantity: ColumnType<string, string, string>;
  unit_price_minor: number;
  amount_minor: number;
  description: string;
  created_by: string | null;
  created_at: CreatedAt;
  /** The remote-hands ticket whose close recorded this charge (2026_12_02_1200); at most one per ticket. */
  remote_hands_ticket_id: Generated<string | null>;
}

export interface EarlyTerminationWaiversTable {
  contract_id: string;
  org_id: string;
  reason: string;
  waived_by: string | null;
  waived_at: CreatedAt;
}

// ---------------------------------------------------------------------------------------------
// Payments and the customer balance (2026_12_02_0900_payments; names of billing.md; ADR 014).

export type PaymentMethod = "bank_transfer" | "mtn_momo" | "moov_flooz" | "orange_money" | "airtel_money" | "mpesa" | "cash" | "cheque" | "card";
export type PaymentSource = "manual" | "statement" | "stripe";

export interface PaymentsTable {
  id: Generated<string>;
  org_id: string;
  currency: Currency;
  amount_minor: number;
  method: PaymentMethod;
  reference: string;
  payer: string | null;
  received_on: DateOnly;
  source: Generated<PaymentSource>;
  /** The statement line or Stripe object it came from (unique). */
  external_id: string | null;
  reversed_on: DateOnly | null;
  reversal_reason: string | null;
  reversed_by: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

/** Immutable rows; a negative row (`reverses_id`) undoes one positive row whole. */
export interface PaymentAllocationsTable {
  id: Generated<string>;
  payment_id: string;
  invoice_id: string;
  amount_minor: number;
  reverses_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  /** Copied from the payment by the database. */
  org_id: Generated<string>;
  currency: Generated<Currency>;
  amount_minor: number;
  refunded_on: DateOnly;
  method: PaymentMethod;
  reference: string;
  reason: string;
  external_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export type LedgerKind = "invoice" | "credit_note" | "payment" | "payment_reversal" | "refund";

/** View: every movement of an organisation's account; Σ debit − Σ credit = what it owes. */
export interface CustomerLedgerView {
  org_id: string;
  currency: Currency;
  occurred_on: DateOnly;
  kind: LedgerKind;
  invoice_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  credit_note_id: string | null;
  document: string;
  debit_minor: number;
  credit_minor: number;
  created_at: Date;
}

// ---------------------------------------------------------------------------------------------
// Payment reminders (2026_12_02_0930_reminders; app/modules/payments/reminders.server.ts).

/** Days relative to the due date (negative = before), ascending, at most 6, each −60…365. */
export interface ReminderSchedulesTable {
  site_id: string;
  org_kind: OrgKind;
  offsets_days: ColumnType<number[], number[], number[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export type ReminderStepStatus = "sent" | "skipped";

/** One row per invoice and step, never changed: UNIQUE (invoice_id, offset_days). */
export interface ReminderStepsTable {
  id: Generated<string>;
  invoice_id: string;
  org_id: string;
  offset_days: number;
  status: ReminderStepStatus;
  run_on: DateOnly;
  step_on: DateOnly;
  recipients: Generated<number>;
  statement_document_id: string | null;
  job_id: string | null;
  created_at: CreatedAt;
}

/** At most one open pause (resumed_at null) per organisation. */
export interface ReminderPausesTable {
  id: Generated<string>;
  org_id: string;
  reason: string;
  paused_by: string | null;
  paused_at: CreatedAt;
  resumed_by: string | null;
  resumed_at: Date | null;
}

// ---------------------------------------------------------------------------------------------
// The reconciliation inbox (2026_12_02_0910_statements; docs/reconciliation.md).

export type StatementSourceKind = "bank" | "mobile_money";
export type StatementFormat = "csv" | "mt940" | "camt053";
export type StatementDateFormat = "YYYY-MM-DD" | "DD/MM/YYYY" | "MM/DD/YYYY" | "DD.MM.YYYY" | "DD-MM-YYYY";
export type StatementLineStatus = "auto_matched" | "manual_matched" | "suggested" | "unmatched" | "not_ours";
export type SuggestionReason = "amount_exceeds_balance" | "invoice_settled" | "amount_and_name" | "several_organisations" | "reference_recorded";

export interface StatementSourcesTable {
  id: Generated<string>;
  site_id: string;
  name: string;
  kind: StatementSourceKind;
  /** The payment method its lines become. */
  method: Exclude<PaymentMethod, "card">;
  format: StatementFormat;
  csv_delimiter: "," | ";" | "|" | "\t" | null;
  csv_date_column: string | null;
  csv_amount_column: string | null;
  csv_currency_column: string | null;
  csv_label_column: string | null;
  csv_transaction_id_column: string | null;
  csv_payer_column: string | null;
  csv_date_format: StatementDateFormat | null;
  csv_decimal_separator: "." | "," | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StatementImportsTable {
  id: Generated<string>;
  site_id: string;
  source_id: string | null;
  /** csv_plain: the layout of billing.md, without a source. */
  format: StatementFormat | "csv_plain";
  file_name: string;
  sha256: string;
  byte_size: number;
  lines_total: number;
  lines_outgoing: number;
  lines_new: number;
  matched: number;
  suggested: number;
  unmatched: number;
  via: "web" | "cli";
  imported_by: string | null;
  created_at: CreatedAt;
}

export interface StatementLinesTable {
  id: Generated<string>;
  site_id: string;
  import_id: string;
  source_id: string | null;
  /** `tx:<transaction id>` or `h:<sha256>`; unique per site. */
  line_key: string;
  transaction_id: string | null;
  booked_on: DateOnly;
  amount_minor: number;
  currency: Currency;
  label: string;
  payer: string | null;
  method: Exclude<PaymentMethod, "card">;
  status: StatementLineStatus;
  suggestion_reason: SuggestionReason | null;
  suggested_org_id: string | null;
  payment_id: string | null;
  not_ours_reason: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: CreatedAt;
}

export interface StatementLineSuggestionsTable {
  line_id: string;
  invoice_id: string;
}

// ---------------------------------------------------------------------------------------------
// Cards through Stripe (2026_12_02_0920_stripe; app/modules/payments/stripe.server.ts; docs/stripe.md).

export interface StripeCustomersTable {
  org_id: string;
  stripe_customer_id: string;
  created_at: CreatedAt;
}

export type StripeMirrorStatus = "pending" | "draft" | "open" | "uncollectible" | "paid" | "void";

/** The Stripe mirror of an issued invoice for one amount; UNIQUE (invoice_id, attempt). */
export interface StripeInvoicesTable {
  id: Generated<string>;
  invoice_id: string;
  /** Copied from the invoice by the database. */
  org_id: Generated<string>;
  currency: Generated<Currency>;
  attempt: number;
  amount_minor: number;
  stripe_invoice_id: string | null;
  hosted_invoice_url: string | null;
  payment_intent_id: string | null;
  /** Only moves forward (the database keeps the further one). */
  status: Generated<StripeMirrorStatus>;
  payment_failures: Generated<number>;
  last_payment_failed_at: Date | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export type StripeEventOutcome = "received" | "applied" | "ignored" | "deferred" | "unmatched" | "refused";

/** Every webhook event, once by its id. */
export interface StripeEventsTable {
  id: string;
  type: string;
  object_id: string | null;
  livemode: Generated<boolean>;
  payload: Json;
  received_at: CreatedAt;
  processed_at: Date | null;
  outcome: Generated<StripeEventOutcome>;
  detail: string | null;
  invoice_id: string | null;
  org_id: string | null;
}

// ---------------------------------------------------------------------------------------------
// Cross-connect orders (2026_12_02_1020_cross_connect_orders; app/modules/crossconnects/).

export type CrossConnectMedia = "smf" | "mmf" | "cat6";
export type CrossConnectStatus = "pending_acceptance" | "ordered" | "rejected" | "installed" | "removal_requested" | "removed" | "cancelled";

/** The carriers present in a site's meet-me room, kept by the operators. */
export interface CarriersTable {
  id: Generated<string>;
  site_id: string;
  name: string;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
}

/** A cross-connect from an organisation's contract (A side) to a carrier or another tenant (Z side). */
export interface CrossConnectOrdersTable {
  id: Generated<string>;
  org_id: string;
  contract_id: string;
  site_id: string;
  z_kind: "carrier" | "tenant";
  carrier_id: string | null;
  z_org_id: string | null;
  /** The Z tenant's contract, named when it accepts. */
  z_contract_id: string | null;
  media: CrossConnectMedia;
  a_position: string;
  z_position: string | null;
  notes: string | null;
  status: CrossConnectStatus;
  product_id: string;
  /** Frozen at order time from the site's active cross_connect product. */
  monthly_price_minor: number;
  setup_fee_minor: number;
  currency: Currency;
  client_key: string | null;
  requested_by: string | null;
  requested_at: CreatedAt;
  accepted_by: string | null;
  accepted_at: Date | null;
  rejected_side: "z" | "operator" | null;
  rejected_by: string | null;
  rejected_at: Date | null;
  rejection_reason: string | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  ports_assigned_on: DateOnly | null;
  ports_assigned_by: string | null;
  /** First billed day. */
  installed_on: DateOnly | null;
  installed_by: string | null;
  test_result: string | null;
  removal_requested_side: "a" | "z" | null;
  removal_requested_by: string | null;
  removal_requested_at: Date | null;
  /** Last billed day (inclusive); the ports are free after it. */
  removed_on: DateOnly | null;
  removed_by: string | null;
  updated_at: Generated<Date>;
}

// ---------------------------------------------------------------------------------------------
// Renewals (2026_12_02_1010_renewals; app/modules/renewals/).

/** A tacit renewal: the commitment after `previous_ends_on`, from the next day for the same term. */
export interface ContractRenewalsTable {
  id: Generated<string>;
  contract_id: string;
  previous_ends_on: DateOnly;
  starts_on: DateOnly;
  ends_on: DateOnly;
  term_months: number;
  /** Line versions created at the operators' new prices. */
  repriced: Generated<number>;
  job_id: string | null;
  created_at: CreatedAt;
}

/** A 90/60/30-day renewal notice, recorded once per contract, commitment and step. Immutable. */
export interface RenewalNoticesTable {
  id: Generated<string>;
  contract_id: string;
  org_id: string;
  commitment_ends_on: DateOnly;
  days_before: 90 | 60 | 30;
  status: "sent" | "skipped";
  run_on: DateOnly;
  recipients: Generated<number>;
  with_prices: Generated<boolean>;
  job_id: string | null;
  created_at: CreatedAt;
}

/** The tenant's notice of non-renewal of one commitment. */
export interface RenewalOptOutsTable {
  contract_id: string;
  org_id: string;
  commitment_ends_on: DateOnly;
  given_on: DateOnly;
  deadline_on: DateOnly;
  given_by: string | null;
  given_by_email: string;
  given_at: CreatedAt;
  change_id: string;
}

/** The operators' price for a kind at the renewal that follows `commitment_ends_on`. */
export interface RenewalPricesTable {
  contract_id: string;
  commitment_ends_on: DateOnly;
  kind: ProductKind;
  unit_price_minor: number;
  currency: Currency;
  set_by: string | null;
  set_at: Generated<Date>;
}

// ---------------------------------------------------------------------------------------------
// Deliveries (2026_12_02_1220_deliveries; app/modules/deliveries/; ADR 023).

export type DeliveryStatus = "announced" | "received" | "stored" | "delivered" | "collected" | "cancelled";
export type DeliveryCondition = "good" | "damaged";

/** An inbound shipment announced by a tenant and handled by the site's operators. */
export interface DeliveriesTable {
  id: Generated<string>;
  org_id: string;
  site_id: string;
  /** The tenant's rack it is for (held on the expected day), or null. */
  rack_id: string | null;
  carrier: string;
  tracking_number: string;
  parcels_announced: number;
  expected_on: DateOnly;
  purpose: string;
  status: Generated<DeliveryStatus>;
  client_key: string | null;
  announced_by: string | null;
  announced_at: Generated<Date>;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  received_by: string | null;
  received_at: Date | null;
  /** The site's local day of receipt (the keeping period counts from it). */
  received_on: DateOnly | null;
  parcels_received: number | null;
  condition: DeliveryCondition | null;
  damage_note: string | null;
  stored_by: string | null;
  stored_at: Date | null;
  storage_location: string | null;
  delivered_by: string | null;
  delivered_at: Date | null;
  collected_by: string | null;
  collected_at: Date | null;
  updated_at: Generated<Date>;
}

/** A delivery's timeline, written by the database's triggers. */
export interface DeliveryEventsTable {
  id: Generated<string>;
  /** The order the steps were recorded in. */
  seq: GeneratedAlways<string>;
  delivery_id: string;
  org_id: string;
  kind: "announced" | DeliveryStatus;
  at: Date;
  by_user: string | null;
}

// ---------------------------------------------------------------------------------------------
// Site access (2026_12_02_1210_site_access; ADR 022).

export type IdDocType = "national_id" | "passport" | "driving_licence" | "other";
export type VisitStatus = "requested" | "approved" | "refused" | "cancelled";

/** A visitor registered by a tenant for one day and window (site local time) at a site. */
export interface VisitsTable {
  id: Generated<string>;
  org_id: string;
  site_id: string;
  registered_by: string | null;
  registered_at: CreatedAt;
  visitor_name: string;
  company: string;
  id_doc_type: IdDocType;
  /** NULL once purged (`id_purged_at` set). */
  id_doc_number: string | null;
  id_purged_at: Date | null;
  visit_on: DateOnly;
  /** `HH:MM[:SS]` in the site's time zone. */
  window_start: string;
  window_end: string;
  escort_needed: Generated<boolean>;
  status: Generated<VisitStatus>;
  decided_by: string | null;
  decided_at: Date | null;
  refusal_reason: string | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  checked_in_at: Date | null;
  checked_in_by: string | null;
  checked_out_at: Date | null;
  checked_out_by: string | null;
  client_key: string | null;
  updated_at: Generated<Date>;
}

export interface VisitRacksTable {
  visit_id: string;
  rack_id: string;
}

/** Standing access: a tenant's permanent staff at a site, until a date. */
export interface BadgeHoldersTable {
  id: Generated<string>;
  org_id: string;
  site_id: string;
  name: string;
  company: string;
  id_doc_type: IdDocType;
  id_doc_number: string | null;
  id_purged_at: Date | null;
  valid_until: DateOnly;
  created_by: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: string | null;
  updated_at: Generated<Date>;
}

/** One renewal reminder of a badge holder's expiry, sent once. */
export interface BadgeRemindersTable {
  id: Generated<string>;
  badge_holder_id: string;
  org_id: string;
  expires_on: DateOnly;
  days_before: 30 | 7;
  run_on: DateOnly;
  recipients: Generated<number>;
  job_id: string | null;
  created_at: CreatedAt;
}

// ---------------------------------------------------------------------------------------------
// Remote hands (2026_12_02_1200; ADR 021).

export type RemoteHandsKind = "reboot" | "cabling" | "inspection" | "media_swap" | "other";
export type RemoteHandsUrgency = "standard" | "urgent";
export type RemoteHandsStatus = "open" | "taken" | "closed" | "cancelled";
export type RemoteHandsEventKind = "created" | "taken" | "update" | "time" | "closed" | "cancelled";

export interface RemoteHandsRefCountersTable {
  site_id: string;
  year: number;
  last_number: number;
}

export interface RemoteHandsTicketsTable {
  id: Generated<string>;
  org_id: string;
  contract_id: string;
  site_id: string;
  /** RH-LDC-2026-0001, set by the insert trigger (per site and year). */
  ref: Generated<string>;
  kind: RemoteHandsKind;
  urgency: RemoteHandsUrgency;
  description: string;
  status: Generated<RemoteHandsStatus>;
  target_minutes: number;
  client_key: string | null;
  opened_by: string | null;
  opened_at: Generated<Date>;
  taken_by: Generated<string | null>;
  taken_at: Generated<Date | null>;
  closed_by: Generated<string | null>;
  closed_at: Generated<Date | null>;
  result: Generated<string | null>;
  cancelled_by: Generated<string | null>;
  cancelled_at: Generated<Date | null>;
  logged_minutes: Generated<number | null>;
  billed_minutes: Generated<number | null>;
  charged_on: ColumnType<string | null, string | null | undefined, string | null>;
  unit_price_minor: Generated<number | null>;
  amount_minor: Generated<number | null>;
  currency: Generated<Currency | null>;
  tenant_seen_at: Generated<Date | null>;
  updated_at: Generated<Date>;
}

export interface RemoteHandsTicketRacksTable {
  ticket_id: string;
  org_id: string;
  allocation_id: string;
}

export interface RemoteHandsEventsTable {
  id: Generated<string>;
  ticket_id: string;
  org_id: string;
  kind: RemoteHandsEventKind;
  body: string | null;
  minutes: number | null;
  author_id: string | null;
  at: Generated<Date>;
}

export interface RemoteHandsAttachmentsTable {
  id: Generated<string>;
  ticket_id: string;
  org_id: string;
  file_name: string;
  content_type: "image/jpeg" | "image/png" | "image/webp" | "application/pdf";
  size_bytes: number;
  data: Uint8Array;
  uploaded_by: string | null;
  uploaded_at: Generated<Date>;
}
