import { applyD1Migrations, env } from "cloudflare:test";
import { shardDatabases } from "../src/db/shards";

// Setup files may run more than once; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
for (const shard of shardDatabases(env)) await applyD1Migrations(shard, env.TEST_SHARD_MIGRATIONS);
