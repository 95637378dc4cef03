import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** Every text item of every page of a PDF, joined, with no-break spaces read as spaces. */
export async function pdfText(bytes: Uint8Array) {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ("str" in i ? i.str + (i.hasEOL ? "\n" : "") : "")).join(""));
  }
  await doc.destroy();
  // Lines that wrap are read as one: "… 78,9 Mbps,\nengagement 50 Mbps" → "… 78,9 Mbps, engagement 50 Mbps".
  return { numPages: pages.length, text: pages.join("\n").replace(/[\u00a0\u202f\s]+/g, " ") };
}
