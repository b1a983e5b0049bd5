// A lowercase UUID v4 that carries a small number (a route) next to 90 random bits.
//
//   bytes 0–11   random, with the v4 version nibble and the RFC 4122 variant bits set: 90 bits
//   bytes 12–15  (route << 8 | tag) XOR mask, where d = SHA-256(DOMAIN ‖ hex(bytes 0–11)),
//                mask = d[0..3] and tag = d[4]
//
// The route is any integer in [1, MAX_ROUTE]. The mask only keeps the string from showing the
// route in clear; neither it nor the tag is a secret. The tag tells a routed UUID from a plain
// random one: a random UUID passes with probability 1/256 and then names a random route, so a
// reader must treat the route as a hint and verify the UUID where it leads.

export const MAX_ROUTE = 0xff_ff_ff;
const DOMAIN = "tally-key-route:";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function maskOf(random: Uint8Array): Promise<{ mask: number; tag: number }> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(DOMAIN + toHex(random))));
  return { mask: ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0, tag: d[4] };
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const format = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** A new UUID v4 routed to `route`; a plain random one when the route does not fit. */
export async function routedUuid(route: number): Promise<string> {
  if (!Number.isInteger(route) || route < 1 || route > MAX_ROUTE) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const random = bytes.subarray(0, 12);
  const { mask, tag } = await maskOf(random);
  const word = (((route << 8) | tag) ^ mask) >>> 0;
  bytes[12] = word >>> 24;
  bytes[13] = (word >>> 16) & 0xff;
  bytes[14] = (word >>> 8) & 0xff;
  bytes[15] = word & 0xff;
  return format(toHex(bytes));
}

/** The route a UUID carries, or null (not a lowercase UUID v4, or its tag does not check). */
export async function routeOf(uuid: string): Promise<number | null> {
  if (!UUID_V4.test(uuid)) return null;
  const hex = uuid.replaceAll("-", "");
  const random = new Uint8Array(12);
  for (let i = 0; i < 12; i++) random[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const { mask, tag } = await maskOf(random);
  const word = (parseInt(hex.slice(24), 16) ^ mask) >>> 0;
  if ((word & 0xff) !== tag) return null;
  const route = word >>> 8;
  return route >= 1 ? route : null;
}
