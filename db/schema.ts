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

export interface SignInAttemptsTable {
  id: Generated<number>;
  key: string;
  attempted_at: CreatedAt;
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
  | "remote_hands_hour";

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

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  invitations: InvitationsTable;
  sign_in_attempts: SignInAttemptsTable;
  audit_log: AuditLogTable;
  email_outbox: EmailOutboxTable;
  sites: SitesTable;
  rooms: RoomsTable;
  racks: RacksTable;
  products: ProductsTable;
}
