import type { Locale, OperatorRole, OrgKind, OrgStatus, TenantRole } from "#db/schema";

/**
 * Demo organisations and users, for development and demonstrations only.
 * `seed()` refuses to write them when NODE_ENV=production.
 *
 * Every demo account signs in with the same password, DEMO_PASSWORD. All addresses are
 * at `demo.test`, a reserved top-level domain that never delivers mail.
 */

export const DEMO_PASSWORD = "Demo-Colo-2026!";

export interface DemoMember {
  email: string;
  name: string;
  role: TenantRole;
  locale: Locale;
}

export interface DemoOrg {
  /** Natural key for the seed: an organisation with this name is never created twice. */
  name: string;
  kind: OrgKind;
  tax_id: string;
  rccm: string | null;
  billing_email: string;
  address: string;
  country: string;
  status: OrgStatus;
  is_vat_exempt: boolean;
  payment_terms_days: number;
  members: DemoMember[];
}

export interface DemoOperator {
  email: string;
  name: string;
  operator_role: OperatorRole;
  locale: Locale;
}

export const DEMO_ORGS: readonly DemoOrg[] = [
  {
    name: "Kossi Digital SARL",
    kind: "sme",
    // Togo: 10-digit NIF (OTR); OHADA RCCM of the Lomé registry.
    tax_id: "1000847215",
    rccm: "TG-LFW-01-2021-B13-04512",
    billing_email: "facturation@kossi.demo.test",
    address: "25, boulevard du 13 Janvier, Nyékonakpoè, BP 8142, Lomé",
    country: "TG",
    status: "verified",
    is_vat_exempt: false,
    payment_terms_days: 30,
    members: [
      { email: "owner@kossi.demo.test", name: "Kossi Agbodjan", role: "owner", locale: "fr" },
      { email: "admin@kossi.demo.test", name: "Afi Lawson", role: "admin", locale: "fr" },
      { email: "billing@kossi.demo.test", name: "Yawa Amegah", role: "billing", locale: "fr" },
      { email: "technical@kossi.demo.test", name: "Komlan Dossou", role: "technical", locale: "fr" },
      { email: "viewer@kossi.demo.test", name: "Edem Kpodar", role: "viewer", locale: "fr" },
    ],
  },
  {
    name: "Agence nationale des systèmes d'information (ANSI)",
    kind: "agency",
    // DRC: NIF of the DGI (letter, 7 digits, letter). A public body has no RCCM.
    tax_id: "A0912345K",
    rccm: null,
    billing_email: "comptabilite@ansi.demo.test",
    address: "Boulevard du 30 Juin, immeuble du Gouvernement, Gombe, Kinshasa",
    country: "CD",
    status: "verified",
    is_vat_exempt: true,
    payment_terms_days: 60,
    members: [
      { email: "owner@ansi.demo.test", name: "Jean-Pierre Kabeya", role: "owner", locale: "fr" },
      { email: "admin@ansi.demo.test", name: "Chantal Mbuyi", role: "admin", locale: "fr" },
      { email: "billing@ansi.demo.test", name: "Patrick Ilunga", role: "billing", locale: "fr" },
      { email: "technical@ansi.demo.test", name: "Grace Tshibanda", role: "technical", locale: "en" },
      { email: "viewer@ansi.demo.test", name: "Dieudonné Mukendi", role: "viewer", locale: "fr" },
    ],
  },
  {
    // Signed up, waiting for an operator to check its papers.
    name: "Mboka Cloud SARL",
    kind: "sme",
    // Republic of Congo: NIU of the tax administration; OHADA RCCM of the Brazzaville registry.
    tax_id: "M2024110000523817",
    rccm: "CG-BZV-01-2024-B12-00087",
    billing_email: "comptes@mboka.demo.test",
    address: "Avenue Amilcar Cabral, centre-ville, Brazzaville",
    country: "CG",
    status: "pending",
    is_vat_exempt: false,
    payment_terms_days: 30,
    members: [{ email: "owner@mboka.demo.test", name: "Arsène Moukoko", role: "owner", locale: "fr" }],
  },
];

/** The data centre's own staff: an operator role, no organisation. */
export const DEMO_OPERATORS: readonly DemoOperator[] = [
  { email: "admin@ops.demo.test", name: "Mawuli Adjovi", operator_role: "ops_admin", locale: "fr" },
  { email: "noc@ops.demo.test", name: "Serge Nkounkou", operator_role: "ops_noc", locale: "fr" },
  { email: "finance@ops.demo.test", name: "Nadège Mavoungou", operator_role: "ops_finance", locale: "fr" },
];

export interface DemoAccount {
  email: string;
  role: TenantRole | OperatorRole;
  /** Organisation name, or null for operators. */
  org: string | null;
}

/** Every demo sign-in (password DEMO_PASSWORD), for the server's start-up banner and the README. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  ...DEMO_ORGS.flatMap((org) => org.members.map((m) => ({ email: m.email, role: m.role, org: org.name }))),
  ...DEMO_OPERATORS.map((o) => ({ email: o.email, role: o.operator_role, org: null })),
];
