import jsQR from "jsqr";
import { OPS, getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * The text of every QR code drawn as an image on any page of a PDF, decoded as a phone
 * would: the image's pixels are read from the PDF itself (pdf.js) and decoded with jsQR.
 */
export async function pdfQrCodes(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const found: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const ops = await page.getOperatorList();
      for (const [i, fn] of ops.fnArray.entries()) {
        if (fn !== OPS.paintImageXObject) continue;
        const name = ops.argsArray[i][0] as string;
        const img = await new Promise<{ width: number; height: number; data: Uint8ClampedArray; kind: number }>((resolve) => page.objs.get(name, resolve));
        const code = jsQR(toRgba(img), img.width, img.height);
        if (code) found.push(code.data);
      }
    }
    return found;
  } finally {
    await doc.destroy();
  }
}

/** pdf.js image kinds: 1 = 1 bit grey, 2 = RGB 24 bit, 3 = RGBA 32 bit. */
function toRgba(img: { width: number; height: number; data: Uint8ClampedArray; kind: number }): Uint8ClampedArray {
  const n = img.width * img.height;
  if (img.kind === 3) return img.data;
  const out = new Uint8ClampedArray(n * 4);
  if (img.kind === 2) {
    for (let p = 0; p < n; p++) {
      out[p * 4] = img.data[p * 3];
      out[p * 4 + 1] = img.data[p * 3 + 1];
      out[p * 4 + 2] = img.data[p * 3 + 2];
      out[p * 4 + 3] = 255;
    }
    return out;
  }
  const rowBytes = (img.width + 7) >> 3;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const bit = (img.data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      const v = bit ? 255 : 0;
      out.set([v, v, v, 255], (y * img.width + x) * 4);
    }
  return out;
}
