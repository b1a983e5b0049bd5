import { defineConfig } from "drizzle-kit";

// Migrations are flat SQL files in migrations/, applied by `wrangler d1 migrations apply`
// (npm start, deploy) and by the test setup (readD1Migrations).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
