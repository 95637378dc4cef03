import { readAmount, readDate } from "./fields";
import { parseMt940 } from "./mt940";
import { parseCamt053 } from "./camt053";
import { parseStatement } from "./index";

const opts = { siteCurrency: "XOF" as const, latestOn: "2026-12-03" };

describe("statement amounts, exactly (never through a float)", () => {
  test.each([
    ["1 345 200", ",", "XOF", 1_345_200, false],
    ["1.345.200,00", ",", "XOF", 1_345_200, false],
    ["-15 000,00", ",", "XOF", 15_000, true],
    ["250,00-", ",", "XOF", 250, true],
    ["(100)", ",", "XOF", 100, true],
    ["+1,234.56", ".", "USD", 123_456, false],
    ["0.10", ".", "USD", 10, false],
    ["1740", ".", "USD", 174_000, false],
    ["25\u202f000", ",", "XOF", 25_000, false],
  ] as const)("%j (%s) in %s → %d", (raw, decimal, currency, minor, negative) => {
    expect(readAmount(raw, decimal, currency)).toEqual({ ok: true, minor, negative });
  });

  test.each([
    ["1 000,50", ",", "XOF", "amount"],
    ["1.5", ",", "XOF", "amount"],
    ["12.34.5", ".", "USD", "amount"],
    ["1e5", ".", "USD", "amount"],
    ["NaN", ".", "USD", "amount"],
    ["99999999999999999", ".", "XOF", "amountTooLarge"],
    ["0.001", ".", "USD", "amount"],
  ] as const)("%j (%s) in %s is refused (%s)", (raw, decimal, currency, problem) => {
    expect(readAmount(raw, decimal, currency)).toEqual({ ok: false, problem });
  });
});

describe("statement dates", () => {
  test("formats, a time after the date, real days only, 2000 to the latest day", () => {
    expect(readDate("20/11/2026", "DD/MM/YYYY", opts.latestOn)).toEqual({ ok: true, on: "2026-11-20" });
    expect(readDate("11/20/2026", "MM/DD/YYYY", opts.latestOn)).toEqual({ ok: true, on: "2026-11-20" });
    expect(readDate("2026-11-20 14:32:05", "YYYY-MM-DD", opts.latestOn)).toEqual({ ok: true, on: "2026-11-20" });
    expect(readDate("1.2.2026", "DD.MM.YYYY", opts.latestOn)).toEqual({ ok: true, on: "2026-02-01" });
    expect(readDate("30/02/2026", "DD/MM/YYYY", opts.latestOn)).toEqual({ ok: false, problem: "date" });
    expect(readDate("31/12/9999", "DD/MM/YYYY", opts.latestOn)).toEqual({ ok: false, problem: "dateRange" });
    expect(readDate("04/12/2026", "DD/MM/YYYY", opts.latestOn)).toEqual({ ok: false, problem: "dateRange" });
    expect(readDate("2026-11-20", "DD/MM/YYYY", opts.latestOn)).toEqual({ ok: false, problem: "date" });
  });
});

describe("MT940", () => {
  const wrap = (body: string) => `:20:STMT\n:25:ACC/XOF\n:28C:1/1\n:60F:C261101XOF0,\n${body}\n:62F:C261130XOF0,\n-}`;

  test("credits kept, debits and reversed credits counted; references; multi-line :86:", () => {
    const r = parseMt940(
      wrap(
        [
          ":61:2611200120C118000,NTRFNONREF//FT1",
          ":86:VIR KOSSI",
          "LDC-7K3Q9X SUITE",
          ":61:2611210121D500,NCHGREF2//FT2",
          ":86:FRAIS",
          ":61:2611220122RC1000,NTRFREF3//FT3",
          ":86:ANNULATION",
          ":61:2611230123C7000,NTRFCUSTREF",
          ":86:?20DEPOT?21 CASH?32JEAN?33 DUPONT",
        ].join("\n"),
      ),
      opts,
    );
    expect(r).toEqual({
      ok: true,
      total: 4,
      outgoing: 2,
      entries: [
        { line: 5, bookedOn: "2026-11-20", amountMinor: 118_000, currency: "XOF", label: "VIR KOSSI LDC-7K3Q9X SUITE", payer: null, transactionId: "FT1" },
        { line: 12, bookedOn: "2026-11-23", amountMinor: 7000, currency: "XOF", label: "DEPOT CASH", payer: "JEAN DUPONT", transactionId: "CUSTREF" },
      ],
    });
  });

  test("a bad :61:, a file that is not MT940, an unknown currency: refused with the line", () => {
    expect(parseMt940(wrap(":61:26XX20C1,NTRF"), opts)).toEqual({ ok: false, issues: [{ line: 5, problem: "mt940", field: ":61:" }] });
    expect(parseMt940("hello\nworld", opts)).toEqual({ ok: false, issues: [{ line: null, problem: "empty" }] });
    expect(parseMt940(wrap(":61:2611200120C1,NTRFX").replace("XOF0,", "EUR0,"), opts)).toMatchObject({ ok: false, issues: [{ problem: "currency" }] });
  });
});

describe("CAMT.053", () => {
  const doc = (entries: string) => `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>${entries}</Stmt></BkToCstmrStmt></Document>`;
  test("one entry (newer version: Dbtr/Pty/Nm), amounts with a dot, reversal of a credit is outgoing", () => {
    const r = parseCamt053(
      doc(
        `<Ntry><Amt Ccy="XOF">1345200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-11-20T10:00:00</DtTm></BookgDt><NtryDtls><TxDtls><Refs><TxId>TX-9</TxId></Refs><RltdPties><Dbtr><Pty><Nm>ANSI &amp; Co</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>LDC-7K3Q9X</Ustrd><Ustrd>OCT</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>` +
          `<Ntry><Amt Ccy="XOF">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><BookgDt><Dt>2026-11-21</Dt></BookgDt></Ntry>`,
      ),
      opts,
    );
    expect(r).toEqual({
      ok: true,
      total: 2,
      outgoing: 1,
      entries: [{ line: 1, bookedOn: "2026-11-20", amountMinor: 1_345_200, currency: "XOF", label: "LDC-7K3Q9X OCT", payer: "ANSI & Co", transactionId: "TX-9" }],
    });
  });
  test("not XML, not CAMT, a DOCTYPE: refused", () => {
    expect(parseCamt053("<Document><x></Document>", opts)).toMatchObject({ ok: false, issues: [{ problem: "xml" }] });
    expect(parseCamt053("<Document><Other/></Document>", opts)).toMatchObject({ ok: false, issues: [{ problem: "camt" }] });
    expect(parseCamt053('<!DOCTYPE x [<!ENTITY a "b">]><Document/>', opts)).toMatchObject({ ok: false, issues: [{ problem: "xml" }] });
  });
});

describe("files", () => {
  test("binary, Windows-1252 and too-large files", () => {
    expect(parseStatement(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]), { format: "csv_plain" }, opts)).toEqual({ ok: false, issues: [{ line: null, problem: "notText" }] });
    // "Dépôt" in Windows-1252 (é = 0xE9, ô = 0xF4): read, not refused.
    const latin = new Uint8Array([...new TextEncoder().encode("date,amount,currency,label,transaction_id\n2026-11-20,100,XOF,D"), 0xe9, 0x70, 0xf4, 0x74, ...new TextEncoder().encode(",T1\n")]);
    expect(parseStatement(latin, { format: "csv_plain" }, opts)).toMatchObject({ ok: true, entries: [{ label: "Dépôt", amountMinor: 100 }] });
    expect(parseStatement(new Uint8Array(3 * 1024 * 1024).fill(0x41), { format: "csv_plain" }, opts)).toEqual({ ok: false, issues: [{ line: null, problem: "tooLarge" }] });
  });
});
