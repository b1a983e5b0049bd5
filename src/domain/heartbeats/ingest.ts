// The ingestion path: normalise → the user's UserActivity object stores in D1 and updates the
// projection → one result per item, in input order.
import { shardFor } from "../../db/shards";
import type { StoredHeartbeat } from "../../db/heartbeats";
import { latestFieldValue } from "../../db/heartbeats";
import type { AuthUser } from "../../auth/user";
import { userActivity } from "../../durable/stub";
import { prepareHeartbeats, type IngestError, type NormalizedHeartbeat, type RequestContext } from "./normalize";

export type IngestOutcome = { ok: true; row: StoredHeartbeat } | { ok: false; error: IngestError };

export async function ingestHeartbeats(env: Env, user: AuthUser, items: unknown[], ctx: Omit<RequestContext, "userId">): Promise<IngestOutcome[]> {
  const prepared = await prepareHeartbeats(items, { ...ctx, userId: user.id }, (field, project) =>
    latestFieldValue(shardFor(env, user).db, user.id, field, project),
  );
  const valid: NormalizedHeartbeat[] = [];
  for (const p of prepared) if (p.ok) valid.push(p.heartbeat);
  const stored = valid.length ? await userActivity(env, user.id).ingest(user.id, user.timezone, valid) : [];
  let next = 0;
  return prepared.map((p) => (p.ok ? { ok: true, row: stored[next++] } : { ok: false, error: p.error }));
}
