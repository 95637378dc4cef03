import { pdfText } from "../../../test/support/pdf";
import { pdfAccessibility, readingOrder } from "../../../test/support/pdf-accessibility";
import { renderLoaPdf, type LoaModel } from "./loa.server";

/** A letter as the A side (Kossi Digital) downloads it: cross-connect to a carrier at LDC. */
const letter = (language: LoaModel["language"]): LoaModel => ({
  language,
  ref: "XC-3F9A21C0",
  issuedOn: "2026-12-02",
  orderedOn: "2026-11-20",
  status: "installed",
  site: { code: "LDC", name: "Lomé Data Centre" },
  issuer: { legalName: "Lomé Data Center SA", addressLines: ["Boulevard du 13 Janvier", "BP 8124 Lomé, Togo"], nif: "1000123456", rccm: "TG-LFW-01-2019-B13-00427" },
  media: "smf",
  zKind: "carrier",
  a: { name: "Kossi Digital SARL", taxId: "1000987654", contractRef: "CT-1A2B3C4D", position: "A01 U10", port: { name: "MMR-01", room: "Salle A" } },
  z: { name: "Togocom", taxId: null, contractRef: null, position: "ODF-2", port: { name: "MMR-02", room: "Salle A" } },
  installedOn: "2026-11-28",
  testResult: "−3,1 dB",
});

describe("the LOA's PDF tells a screen reader what it is (docs/decisions/024-accessible-pdfs.md)", () => {
  test.each([
    ["fr", "fr-FR", "Lettre d'autorisation (LOA) XC-3F9A21C0", "Interconnexion XC-3F9A21C0 au site LDC (Lomé Data Centre) : autorisation de Kossi Digital SARL pour Togocom"],
    ["en", "en-GB", "Letter of authorisation (LOA) XC-3F9A21C0", "Cross-connect XC-3F9A21C0 at the LDC (Lomé Data Centre) site: authorisation from Kossi Digital SARL to Togocom"],
  ] as const)("%s: /Lang %s, title, author, subject", async (language, lang, title, subject) => {
    expect(await pdfAccessibility(await renderLoaPdf(letter(language)))).toEqual({
      language: lang,
      title,
      author: "Lomé Data Center SA",
      subject,
      displayDocTitle: true,
      marked: false,
      structTreeRoot: false,
    });
  });

  test("reads in the order of the page: issuer, title and reference, the line, both sides, the authorisation, signatures, footer", async () => {
    const { text } = await pdfText(await renderLoaPdf(letter("fr")));
    expect(
      readingOrder(text, ["Lomé Data Center SA", "LETTRE D'AUTORISATION", "XC-3F9A21C0", "Kossi Digital SARL", "MMR-01", "Togocom", "MMR-02", "autorise", "Togocom"]),
    ).toEqual([]);
  });
});
