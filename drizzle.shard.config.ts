import { defineConfig } from "drizzle-kit";

// The shard databases' migrations (src/db/shard-schema.ts → migrations-shard/), applied to every
// SHARD_n binding by `npm start`, the tests and the deploy script. drizzle.config.ts does the
// main database.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/shard-schema.ts",
  out: "./migrations-shard",
});
