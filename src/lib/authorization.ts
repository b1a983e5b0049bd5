// The Authorization header's two parts. Pure: knows nothing of which credentials we accept
// (auth/credentials.ts decides that).

/** Splits "Scheme token" on the first run of whitespace; the scheme lower-cased, the token trimmed. */
export function parseAuthorization(header: string | null | undefined): { scheme: string; token: string } | null {
  if (!header) return null;
  const m = /^\s*(\S+)(?:\s+(.*))?$/s.exec(header);
  if (!m) return null;
  return { scheme: m[1].toLowerCase(), token: (m[2] ?? "").trim() };
}
