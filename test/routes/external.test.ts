import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { slackClient, SlackApiError } from "../../src/domain/slack/client";
import { usernameCandidates } from "../../src/domain/slack/oauth";
import { createUser, request, uniqueName, refused, fakeSlack, bearer } from "../helpers";

const STATS = { Authorization: "Bearer test-stats-key" };
const oauth = async (body: unknown, headers: Record<string, string> = STATS) => {
  const res = await request("/api/v1/external/slack/oauth", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

afterEach(() => vi.restoreAllMocks());

async function userRow(id: number) {
  return env.DB.prepare("SELECT id, username, slack_uid, slack_username, slack_avatar_url, timezone FROM users WHERE id = ?").bind(id).first<any>();
}
async function emails(id: number) {
  return (await env.DB.prepare("SELECT email FROM email_addresses WHERE user_id = ? ORDER BY id").bind(id).all<{ email: string }>()).results.map((r) => r.email);
}

describe("POST /api/v1/external/slack/oauth", () => {
  it("answers 401 without the stats key (a user key is not enough) and 400 without a token", async () => {
    const u = await createUser();
    expect(await oauth({ token: "xoxp-1" }, {})).toEqual({ status: 401, body: refused.stats("missing") });
    expect((await oauth({ token: "xoxp-1" }, bearer(u.apiKey))).status).toBe(401);
    expect(await oauth({})).toEqual({ status: 400, body: { error: "Token is required" } });
    expect(await oauth({ token: "  " })).toEqual({ status: 400, body: { error: "Token is required" } });
  });

  it("answers 400 Invalid Slack token when Slack says ok:false", async () => {
    const { calls } = fakeSlack({});
    expect(await oauth({ token: "xoxp-bad" })).toEqual({ status: 400, body: { error: "Invalid Slack token" } });
    expect(calls).toEqual([{ url: `${env.SLACK_API_BASE_URL}/auth.test`, auth: "Bearer xoxp-bad" }]);
  });

  it("creates a user from the Slack profile: Slack UID, display name, avatar, email, time zone", async () => {
    const uid = uniqueName("U").toUpperCase();
    const handle = uniqueName("ada");
    const { calls } = fakeSlack({
      "xoxp-new": {
        id: uid,
        name: handle,
        tz: "Europe/Berlin",
        profile: { email: `${handle}@Example.com`, display_name_normalized: "Ada L", real_name_normalized: "Ada Lovelace", image_192: "https://avatars.slack-edge.com/a_192.png", image_72: "https://avatars.slack-edge.com/a_72.png" },
      },
    });
    const { status, body } = await oauth({ token: "xoxp-new" });
    expect(status).toBe(200);
    expect(body).toEqual({ user_id: expect.any(Number), username: handle, email: `${handle}@example.com`, created: true });
    expect(calls.map((c) => c.url)).toEqual([`${env.SLACK_API_BASE_URL}/auth.test`, `${env.SLACK_API_BASE_URL}/users.info?user=${uid}`]);
    expect(calls.every((c) => c.auth === "Bearer xoxp-new")).toBe(true);
    expect(await userRow(body.user_id)).toEqual({
      id: body.user_id,
      username: handle,
      slack_uid: uid,
      slack_username: "Ada L",
      slack_avatar_url: "https://avatars.slack-edge.com/a_192.png",
      timezone: "Europe/Berlin",
    });
    expect(await emails(body.user_id)).toEqual([`${handle}@example.com`]);
    // No API key is minted (it could never be shown).
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?").bind(body.user_id).first<{ n: number }>())!.n).toBe(0);

    // The account is visible by its Slack UID.
    const lookup = await request(`/api/v1/users/lookup_slack_uid/${uid}`, { headers: STATS });
    expect(await lookup.json()).toEqual({ user_id: body.user_id, slack_uid: uid });
  });

  it("updates the account that has the Slack UID (created: false), keeping its username and email", async () => {
    const uid = uniqueName("U").toUpperCase();
    const u = await createUser({ slackUid: uid, email: `${uniqueName("x")}@example.com`, timezone: "UTC" });
    fakeSlack({ "xoxp-known": { id: uid, name: "whatever", tz: "America/New_York", profile: { real_name_normalized: "Grace", image_72: "https://avatars.slack-edge.com/g_72.png" } } });
    const { status, body } = await oauth({ token: "xoxp-known" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ user_id: u.id, username: u.username, created: false });
    expect(body.email).toMatch(/@example\.com$/);
    expect(await userRow(u.id)).toMatchObject({ slack_username: "Grace", slack_avatar_url: "https://avatars.slack-edge.com/g_72.png", timezone: "America/New_York" });
  });

  it("links Slack to the account that has the profile's email, and still answers a known UID whose profile Slack refuses", async () => {
    const email = `${uniqueName("mail")}@example.com`;
    const u = await createUser({ email });
    const uid = uniqueName("U").toUpperCase();
    fakeSlack({ "xoxp-mail": { id: uid, name: "m", tz: "Not/AZone", profile: { email: email.toUpperCase() } } });
    const { body } = await oauth({ token: "xoxp-mail" });
    expect(body).toEqual({ user_id: u.id, username: u.username, email, created: false });
    // An unknown zone leaves the user's zone alone.
    expect(await userRow(u.id)).toMatchObject({ slack_uid: uid, timezone: "UTC" });

    vi.restoreAllMocks();
    fakeSlack({ "xoxp-mail": { id: uid } }, { usersInfoError: "missing_scope" });
    expect(await oauth({ token: "xoxp-mail" })).toEqual({ status: 200, body: { user_id: u.id, username: u.username, email, created: false } });
  });

  it("answers 400 for a new account without an email or whose profile cannot be read, creating nothing", async () => {
    const uid = uniqueName("U").toUpperCase();
    fakeSlack({ "xoxp-noemail": { id: uid, name: "noemail", profile: {} } });
    expect(await oauth({ token: "xoxp-noemail" })).toEqual({ status: 400, body: { error: "Email not found" } });
    vi.restoreAllMocks();
    fakeSlack({ "xoxp-noemail": { id: uid } }, { usersInfoError: "missing_scope" });
    expect(await oauth({ token: "xoxp-noemail" })).toEqual({ status: 400, body: { error: "Could not read the Slack profile: missing_scope" } });
    expect(await env.DB.prepare("SELECT id FROM users WHERE slack_uid = ?").bind(uid).first()).toBeNull();
  });

  it("picks a free username when the Slack handle is taken", async () => {
    const taken = await createUser();
    const uid = uniqueName("U").toUpperCase();
    fakeSlack({ "xoxp-dup": { id: uid, name: taken.username, profile: { email: `${uniqueName("d")}@example.com` } } });
    const { status, body } = await oauth({ token: "xoxp-dup" });
    expect(status).toBe(200);
    expect(body.username).toBe(`${taken.username}-${uid.toLowerCase()}`);
    expect(body.user_id).not.toBe(taken.id);
  });

  it("answers 502 when Slack cannot be reached", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network down"));
    expect(await oauth({ token: "xoxp-any" })).toEqual({ status: 502, body: { error: "Slack is unavailable" } });
  });
});

describe("Slack client and username rules", () => {
  it("calls {base}/{method} with a Bearer token and throws SlackApiError on ok:false", async () => {
    const seen: string[] = [];
    const client = slackClient("https://slack.example/api/", async (url, init) => {
      seen.push(`${url} ${new Headers(init?.headers).get("authorization")}`);
      return new Response(JSON.stringify(url.includes("auth.test") ? { ok: true, user_id: "U1" } : { ok: false, error: "user_not_found" }));
    });
    expect(await client.authTest("t")).toMatchObject({ user_id: "U1" });
    await expect(client.usersInfo("t", "U1")).rejects.toEqual(new SlackApiError("users.info", "user_not_found"));
    expect(seen).toEqual(["https://slack.example/api/auth.test Bearer t", "https://slack.example/api/users.info?user=U1 Bearer t"]);
  });

  it("cleans Slack handles into valid usernames", () => {
    expect(usernameCandidates({ id: "U1", name: "ada lovelace!" }).slice(0, 2)).toEqual(["ada-lovelace", "ada-lovelace-u1"]);
    expect(usernameCandidates({ id: "U2", name: "12345" })[0]).toBe("slack-12345");
    expect(usernameCandidates({ id: "U3", name: "my" })[0]).toBe("slack-my");
    expect(usernameCandidates({ id: "U4", name: "☃", profile: { display_name_normalized: "☃" } })[0]).toBe("slack-user");
    for (const c of usernameCandidates({ id: "U5", name: "x".repeat(100) })) expect(c).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });
});
