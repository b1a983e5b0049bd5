// Where a credential comes from (hackatime-behavior.md §2.2). Pure functions of the request.
import { parseAuthorization } from "../lib/authorization";

export type CredentialSource = "bearer" | "basic" | "query";

function decodeBase64Strict(value: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  try {
    const bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

export type ExtractedKey = { key: string } | { failure: "missing" | "malformed_header" };

/**
 * The user key a request presents. Bearer is final (an empty Bearer never falls through to
 * ?api_key); Basic carries base64(key) as wakatime-cli sends it, or base64("key:"); otherwise
 * the api_key query parameter. Says why when there is none.
 */
export function extractUserKey(
  authorization: string | null | undefined,
  queryKey: string | null | undefined,
  allowed: readonly CredentialSource[] = ["bearer", "basic", "query"],
): ExtractedKey {
  const auth = parseAuthorization(authorization);
  if (auth?.scheme === "bearer" && allowed.includes("bearer")) return auth.token ? { key: auth.token } : { failure: "malformed_header" };
  if (auth?.scheme === "basic" && allowed.includes("basic")) {
    const decoded = decodeBase64Strict(auth.token);
    if (!decoded) return { failure: "malformed_header" };
    return { key: decoded.endsWith(":") ? decoded.slice(0, -1) : decoded };
  }
  if (allowed.includes("query") && queryKey) return { key: queryKey };
  return { failure: authorization ? "malformed_header" : "missing" };
}

/** The presented user key, or null (see extractUserKey for why). */
export function userKeyCandidate(
  authorization: string | null | undefined,
  queryKey: string | null | undefined,
  allowed: readonly CredentialSource[] = ["bearer", "basic", "query"],
): string | null {
  const extracted = extractUserKey(authorization, queryKey, allowed);
  return "key" in extracted ? extracted.key : null;
}

/** The token of "Authorization: Bearer <t>" (also Rails' "Token <t>" / 'Token token="<t>"'). */
export function bearerToken(authorization: string | null | undefined): string | null {
  const auth = parseAuthorization(authorization);
  if (!auth || !auth.token) return null;
  if (auth.scheme === "bearer") return auth.token;
  if (auth.scheme === "token") return auth.token.replace(/^token="?([^"]*)"?$/, "$1");
  return null;
}
