import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * What a PDF says about itself to a reader's software (docs/decisions/024-accessible-pdfs.md), read
 * from its bytes: the document language (/Lang in the catalog), the Info dictionary's title, author
 * and subject (decoded by pdf.js, UTF-16 included), whether viewers show the title instead of the
 * file name (/DisplayDocTitle), and whether it is tagged (/MarkInfo /Marked and a /StructTreeRoot).
 */
export interface PdfAccessibility {
  language: string | null;
  title: string | null;
  author: string | null;
  subject: string | null;
  displayDocTitle: boolean;
  marked: boolean;
  structTreeRoot: boolean;
}

export async function pdfAccessibility(bytes: Uint8Array): Promise<PdfAccessibility> {
  const raw = Buffer.from(bytes).toString("latin1");
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  try {
    const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> };
    const markInfo = (await doc.getMarkInfo()) as { Marked?: boolean } | null;
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    return {
      language: text(info.Language),
      title: text(info.Title),
      author: text(info.Author),
      subject: text(info.Subject),
      displayDocTitle: /\/DisplayDocTitle\s+true\b/.test(raw),
      marked: Boolean(markInfo?.Marked),
      structTreeRoot: /\/StructTreeRoot\b/.test(raw),
    };
  } finally {
    await doc.destroy();
  }
}

/**
 * The pieces appear in this order in the text as extracted (content stream order, what a screen
 * reader reads from an untagged PDF): fails naming the first piece found out of place.
 */
export function readingOrder(text: string, pieces: string[]): string[] {
  const problems: string[] = [];
  let at = -1;
  let previous = "(start)";
  for (const piece of pieces) {
    const found = text.indexOf(piece, at + 1);
    if (found < 0) problems.push(text.includes(piece) ? `"${piece}" comes before "${previous}"` : `"${piece}" is missing`);
    else {
      at = found;
      previous = piece;
    }
  }
  return problems;
}
