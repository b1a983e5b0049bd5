// `npm run deploy`: applies pending migrations to the remote main database and every shard
// database declared in wrangler.toml, then deploys the Worker.
import { d1Bindings, wranglerSync } from "./wrangler";

for (const binding of d1Bindings()) {
  const r = wranglerSync(["d1", "migrations", "apply", binding, "--remote"]);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const r = wranglerSync(["deploy"]);
process.exit(r.status ?? 1);
