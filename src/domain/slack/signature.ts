// Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
// X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")),
// with X-Slack-Request-Timestamp no more than 5 minutes from now. Hackatime refuses anything
// else with an empty 401 (hackatime-behavior.md §13).
import { secretsEqual, toHex } from "../../lib/crypto";

/** How far the request timestamp may be from now, in seconds (either way). */
export const SLACK_TIMESTAMP_TOLERANCE = 300;

const encoder = new TextEncoder();

/** "v0=" + the hex HMAC-SHA256 of "v0:{timestamp}:{body}" under `secret`. */
export async function slackSignature(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`v0:${timestamp}:${body}`));
  return `v0=${toHex(new Uint8Array(mac))}`;
}

export interface SignedRequest {
  /** The signing secret; a missing secret refuses every request (fail closed). */
  secret: string | undefined;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  body: string;
  /** Epoch seconds. */
  now: number;
}

/** True when the request carries a fresh timestamp and a signature made with the secret. */
export async function verifySlackSignature(r: SignedRequest): Promise<boolean> {
  if (!r.secret || !r.timestamp || !r.signature) return false;
  if (!/^\d{1,12}$/.test(r.timestamp.trim())) return false;
  if (Math.abs(r.now - Number(r.timestamp.trim())) > SLACK_TIMESTAMP_TOLERANCE) return false;
  const expected = await slackSignature(r.secret, r.timestamp, r.body);
  return secretsEqual(r.signature, expected);
}
