// Hashing and secret comparison. Keys are stored as SHA-256 hex; secrets from env are
// compared in constant time.
import { routedUuid } from "./routed-uuid";

const encoder = new TextEncoder();

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(input));
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Constant-time string equality (length differences are not hidden, contents are). */
export function secretsEqual(a: string, b: string): boolean {
  const ab = encoder.encode(a);
  const bb = encoder.encode(b);
  if (ab.byteLength !== bb.byteLength) {
    // Still spend the comparison so timing does not depend on where the mismatch is.
    crypto.subtle.timingSafeEqual(ab, ab);
    return false;
  }
  return crypto.subtle.timingSafeEqual(ab, bb);
}

/** A new user API key: lowercase UUID v4, the only format wakatime-cli accepts; unroutable. */
export function newUserApiKey(): string {
  return crypto.randomUUID();
}

/**
 * A new key of `userId`: a UUID v4 that carries the user id (90 random bits left), so the key
 * finds its user's object without a database lookup (docs/edge-auth.md).
 */
export const newRoutedUserApiKey = (userId: number): Promise<string> => routedUuid(userId);

/** A new admin API key: "hka_" + 64 lowercase hex. */
export function newAdminApiKey(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `hka_${toHex(bytes)}`;
}

export const USER_API_KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ADMIN_API_KEY_PATTERN = /^hka_[0-9a-f]{64}$/;
