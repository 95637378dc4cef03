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

/** One page of a PDF as a PNG (pdf.js drawing on @napi-rs/canvas), to look at what was issued. */
export async function pdfPageToPng(bytes: Uint8Array, pageNumber = 1, scale = 1.5): Promise<Buffer> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  try {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale });
    const factory = doc.canvasFactory as { create(width: number, height: number): unknown };
    const { canvas, context } = factory.create(viewport.width, viewport.height) as {
      canvas: HTMLCanvasElement & { toBuffer(type: "image/png"): Buffer };
      context: CanvasRenderingContext2D;
    };
    await page.render({ canvasContext: context, viewport, canvas }).promise;
    return canvas.toBuffer("image/png");
  } finally {
    await doc.destroy();
  }
}
