// `npm run aggregates:rebuild -- --user ID | --all [--url http://localhost:8787] [--admin-key hka_…]`
// Operator repair: asks a running Tally (local `npm start` by default, or a deployment) to
// rebuild derived duration data from heartbeats. Needs a superadmin key (--admin-key or
// TALLY_ADMIN_KEY); the work runs in the queue consumer, one user per message.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { user: { type: "string" }, all: { type: "boolean", default: false }, url: { type: "string", default: "http://localhost:8787" }, "admin-key": { type: "string" } },
});
const key = values["admin-key"] ?? process.env.TALLY_ADMIN_KEY;
if (!key) throw new Error("a superadmin key is needed: --admin-key hka_… or TALLY_ADMIN_KEY");
if (!values.all && !values.user) throw new Error("say --user ID or --all");
const body = values.all ? { all: true } : { user_id: Number(values.user) };
const res = await fetch(`${values.url}/api/admin/v1/aggregates/rebuild`, {
  method: "POST",
  headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  body: JSON.stringify(body),
});
console.log(res.status, await res.text());
process.exit(res.ok ? 0 : 1);
