import { createHash, randomBytes } from "node:crypto";

/** A random URL-safe token (for a link or a cookie) and the hash we store instead of it. */
export function newToken(bytes = 32) {
  const token = randomBytes(bytes).toString("base64url");
  return { token, hash: sha256(token) };
}

export function sha256(value: string) {
  return createHash("sha256").update(value).digest("hex");
}
