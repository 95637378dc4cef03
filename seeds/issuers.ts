import type { Trx } from "#db/types";
import { saveIssuer, type IssuerFields } from "~/modules/billing/issuers.server";

/**
 * The legal entity each site bills as. FICTIONAL values in the formats of each country (Togo:
 * NIF of 10 digits, UEMOA RIB; DRC: NIF letter-7 digits-letter, RCCM of Kinshasa; Congo: NIU of
 * 17 characters, CEMAC RIB). Banks, accounts and phone numbers are invented.
 * Written once per site: an operator's later edits survive a re-run.
 */
export const ISSUERS: Record<string, IssuerFields> = {
  LDC: {
    legal_name: "Lomé Data Centre SA",
    address: "Zone portuaire, boulevard du Mono, BP 1234, Lomé, Togo",
    nif: "1000123456",
    rccm: "TG-LFW-01-2019-B14-00321",
    vat_number: "1000123456",
    bank_name: "Banque Commerciale du Golfe",
    bank_account: "TG005 01001 012345678901 45",
    swift: "BCGOTGTG",
    mobile_money: "Flooz : +228 99 00 00 01\nT-Money : +228 90 00 00 01",
    footer_fr: "Lomé Data Centre SA, société anonyme au capital de 500 000 000 FCFA. Tout retard de paiement entraîne des pénalités au taux légal.",
    footer_en: "Lomé Data Centre SA, a public limited company with a share capital of XOF 500,000,000. Late payments bear interest at the statutory rate.",
  },
  KIN: {
    legal_name: "Centre National de Données SA",
    address: "12, avenue de la Justice, Gombe, Kinshasa, République démocratique du Congo",
    nif: "A1234567B",
    rccm: "CD/KNG/RCCM/19-B-01234",
    vat_number: "A1234567B",
    bank_name: "Banque du Fleuve Congo",
    bank_account: "CD08 00010 00001 12345678901 23",
    swift: "BFCOCDKI",
    mobile_money: "M-Pesa : +243 81 000 0001\nAirtel Money : +243 99 000 0001\nOrange Money : +243 89 000 0001",
    footer_fr: "Centre National de Données SA. Paiement en dollars américains ; contre-valeur en francs congolais au taux de la Banque centrale du Congo du jour d'émission.",
    footer_en: "Centre National de Données SA. Payment in US dollars; Congolese franc equivalent at the Central Bank of Congo rate of the issue date.",
  },
  BZV: {
    legal_name: "Data Centre de Brazzaville SA",
    address: "Avenue Amilcar Cabral, centre-ville, BP 2045, Brazzaville, République du Congo",
    nif: "M2019110000123456",
    rccm: "CG-BZV-01-2019-B14-00456",
    vat_number: "M2019110000123456",
    bank_name: "Banque Équatoriale du Congo",
    bank_account: "CG39 30011 00020 12345678901 52",
    swift: "BEQCCGCG",
    mobile_money: "MTN MoMo : +242 06 000 00 01\nAirtel Money : +242 05 000 00 01",
    footer_fr: "Data Centre de Brazzaville SA, société anonyme au capital de 300 000 000 FCFA.",
    footer_en: "Data Centre de Brazzaville SA, a public limited company with a share capital of XAF 300,000,000.",
  },
};

/** Inserts the issuer of each seeded site that has none yet; returns how many were written. */
export async function seedIssuers(trx: Trx): Promise<number> {
  const sites = await trx.selectFrom("sites").select(["id", "code"]).where("code", "in", Object.keys(ISSUERS)).execute();
  let written = 0;
  for (const site of sites) {
    if (await saveIssuer(trx, site.id, ISSUERS[site.code], { onlyIfMissing: true })) written++;
  }
  return written;
}
