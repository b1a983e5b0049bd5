// `npm run user:create -- --username NAME [--email E] [--slack-uid U] [--github-username G]
//   [--timezone TZ] [--admin-level viewer|admin|superadmin] [--private] [--persist-to DIR] [--remote]`
// Creates a user and their first API key directly in D1 (local state by default; it works
// while `npm start` runs on the same state) and prints one JSON line with the keys.
import { parseArgs } from "node:util";
import type { AdminLevel } from "../src/db/schema";
import { firstApiKey, inlineStatement, provisionUser } from "../src/domain/users/provision";
import { d1Bindings, persistArgs, wranglerSync } from "./wrangler";

const { values } = parseArgs({
  options: {
    username: { type: "string" },
    email: { type: "string" },
    "slack-uid": { type: "string" },
    "github-username": { type: "string" },
    timezone: { type: "string" },
    "admin-level": { type: "string" },
    private: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    remote: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`user:create: ${message}\n`);
  process.exit(1);
}

/** One line a person can act on, from what wrangler printed (the insert is one transaction: nothing was stored). */
function explainFailure(output: string): string {
  const taken: Record<string, string> = {
    "users.username": `the username "${values.username}" is already taken`,
    "email_addresses.email": `the e-mail "${values.email}" already belongs to another user`,
    "users.slack_uid": `the Slack user id "${values["slack-uid"]}" already belongs to another user`,
  };
  const unique = /UNIQUE constraint failed: ([\w.]+)/.exec(output);
  if (unique && taken[unique[1]]) return `${taken[unique[1]]}; nothing was created`;
  const text = /"text":\s*"([^"]*)"/.exec(output)?.[1];
  return `could not create the user: ${text ?? output.trim().split("\n").slice(-3).join(" ")}`;
}

if (!values.username) fail("--username is required");
let provisioned;
try {
  provisioned = await provisionUser({
    username: values.username,
    email: values.email,
    slackUid: values["slack-uid"],
    githubUsername: values["github-username"],
    timezone: values.timezone,
    adminLevel: values["admin-level"] as AdminLevel | undefined,
    allowPublicStatsLookup: !values.private,
  }, d1Bindings().filter((b) => /^SHARD_\d+$/.test(b)).length);
} catch (e) {
  fail((e as Error).message);
}

const target = values.remote ? ["--remote"] : ["--local", ...persistArgs(values["persist-to"])];
const sql = provisioned.statements.map(inlineStatement).join(";\n");
const r = wranglerSync(["d1", "execute", "DB", ...target, "--json", "--command", sql], { capture: true });
if (r.status !== 0) fail(explainFailure(`${r.stdout}${r.stderr}`));
const results = JSON.parse(r.stdout) as Array<{ results: Array<{ id: number; shard: number }> }>;
const id = results[results.length - 1]?.results?.[0]?.id;
if (typeof id !== "number") fail(`could not read the new user's id:\n${r.stdout}`);

// The first API key carries the user's id (docs/edge-auth.md), so it is stored second.
const key = await firstApiKey(id);
const k = wranglerSync(["d1", "execute", "DB", ...target, "--json", "--command", inlineStatement(key.statement)], { capture: true });
if (k.status !== 0) fail(`user ${id} was created but its API key could not be stored (rotate it in the web app):\n${k.stdout}${k.stderr}`);

const shard = results[results.length - 1]?.results?.[0]?.shard;
const out: Record<string, unknown> = { id, username: values.username, shard, api_key: key.apiKey };
if (provisioned.adminApiKey) out.admin_api_key = provisioned.adminApiKey;
process.stdout.write(`${JSON.stringify(out)}\n`);
