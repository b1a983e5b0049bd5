// `npm run shard:move -- --user ID --to K [--url http://localhost:8787] [--admin-key hka_…]`
// Moves one user's heartbeats to shard K on a running Tally (local `npm start` by default, or a
// deployment) while the user keeps posting: queues the move through the admin API, then follows
// it until the user is on shard K with no stale copy left. Needs a superadmin key (--admin-key or
// TALLY_ADMIN_KEY).
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { user: { type: "string" }, to: { type: "string" }, url: { type: "string", default: "http://localhost:8787" }, "admin-key": { type: "string" } },
});
const key = values["admin-key"] ?? process.env.TALLY_ADMIN_KEY;
if (!key) throw new Error("a superadmin key is needed: --admin-key hka_… or TALLY_ADMIN_KEY");
const userId = Number(values.user);
const to = Number(values.to);
if (!Number.isInteger(userId) || userId <= 0 || !Number.isInteger(to) || to < 0) throw new Error("say --user ID --to K (a shard index)");

const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
const queued = await fetch(`${values.url}/api/admin/v1/shards/move`, { method: "POST", headers, body: JSON.stringify({ user_id: userId, to }) });
console.log(queued.status, await queued.text());
if (!queued.ok) process.exit(1);

// The move runs in the queue consumer; the user leaves the "moving" list once it is done.
for (let waited = 0; ; waited++) {
  await new Promise((r) => setTimeout(r, 1000));
  const res = await fetch(`${values.url}/api/admin/v1/shards?user_id=${userId}`, { headers });
  const { user } = (await res.json()) as { user: { shard: number; stale_shard: number | null } };
  if (user.stale_shard === null) {
    // Not moving any more: on shard K (the server log has the verified counts and total), or the
    // check failed and the user stayed where they were (the log says why).
    console.log(user.shard === to ? `user ${userId}: on shard ${to}` : `user ${userId}: still on shard ${user.shard}; the move failed (see the server log)`);
    process.exit(user.shard === to ? 0 : 1);
  }
  if (waited % 10 === 0) console.log(`user ${userId}: moving, reads from shard ${user.shard}`);
}
