/**
 * An attachment as an HTTP answer: the type sniffed when it was stored (never the browser's), a
 * download (`Content-Disposition: attachment`, the stored safe name, RFC 5987 for non-ASCII), no
 * MIME sniffing by the browser, a sandboxing CSP in case it is opened in place, and private caching.
 */
export function attachmentResponse(file: { file_name: string; content_type: string; size_bytes: number; data: Uint8Array }) {
  const ascii = file.file_name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(file.data as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "Content-Type": file.content_type,
      "Content-Length": String(file.size_bytes),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
