// "Sign in with GitHub" against a fake GitHub (the global fetch, which the Worker's outbound
// calls go through in this isolate): state checking, the code exchange, which account signs in.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { accountForGithub } from "../../src/domain/github-signin";
import { createUser, request, uniqueName } from "../helpers";
import { Browser, setCookies } from "./helpers";

interface FakeGithubUser {
  id: number;
  login: string;
  email?: string;
}

/** GitHub's token endpoint and API: code "good-<n>" is user n's; anything else is refused. */
function fakeGithub(users: Record<string, FakeGithubUser>) {
  const calls: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push(`${init?.method ?? "GET"} ${url.href}`);
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    if (url.href === `${env.GITHUB_OAUTH_BASE_URL}/login/oauth/access_token`) {
      const body = JSON.parse(String(init?.body)) as { code: string; client_secret: string };
      if (body.client_secret !== "test-github-secret" || !users[body.code]) return json({ error: "bad_verification_code" });
      return json({ access_token: `tok-${body.code}`, token_type: "bearer" });
    }
    const token = new Headers(init?.headers).get("authorization")?.replace(/^Bearer tok-/, "") ?? "";
    const user = users[token];
    if (!user) return json({ message: "Bad credentials" }, 401);
    if (url.href === `${env.GITHUB_API_BASE_URL}/user`) return json({ id: user.id, login: user.login, avatar_url: `https://avatars.example/${user.id}` });
    if (url.href === `${env.GITHUB_API_BASE_URL}/user/emails`) return json(user.email ? [{ email: user.email, primary: true, verified: true }] : []);
    return json({ message: "Not Found" }, 404);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

/** Starts the flow in `b` and returns the state GitHub would hand back. */
async function start(b: Browser): Promise<string> {
  const res = await b.get("/auth/github?next=/projects");
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location")!);
  expect(location.origin + location.pathname).toBe(`${env.GITHUB_OAUTH_BASE_URL}/login/oauth/authorize`);
  expect(location.searchParams.get("client_id")).toBe("test-github-client");
  expect(location.searchParams.get("redirect_uri")).toBe("http://tally.test/auth/github/callback");
  const cookie = setCookies(res).get("__Host-tally_oauth")!;
  expect(cookie.attrs).toMatch(/HttpOnly/i);
  expect(cookie.attrs).toMatch(/SameSite=Lax/i);
  return location.searchParams.get("state")!;
}

describe("GitHub sign-in", () => {
  it("signs in the account linked by e-mail, then by GitHub id, and returns to `next`", async () => {
    const email = `${uniqueName("gh")}@example.com`;
    const u = await createUser({ email });
    const gid = Math.floor(Math.random() * 1e9);
    fakeGithub({ one: { id: gid, login: "octo-one", email } });
    const b = new Browser();
    const state = await start(b);
    const res = await b.get(`/auth/github/callback?code=one&state=${state}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/projects");
    expect(b.jar.has("__Host-tally_session")).toBe(true);
    const row = await env.DB.prepare("SELECT github_uid, github_username FROM users WHERE id = ?").bind(u.id).first<any>();
    expect(row).toEqual({ github_uid: String(gid), github_username: "octo-one" });
    const session = await env.DB.prepare("SELECT sign_in_method FROM web_sessions WHERE user_id = ?").bind(u.id).first<any>();
    expect(session.sign_in_method).toBe("github");

    // Again, by the GitHub id alone (the e-mail is gone from GitHub).
    vi.restoreAllMocks();
    fakeGithub({ two: { id: gid, login: "octo-renamed" } });
    const b2 = new Browser();
    const state2 = await start(b2);
    expect((await b2.get(`/auth/github/callback?code=two&state=${state2}`)).status).toBe(303);
    expect((await env.DB.prepare("SELECT github_username FROM users WHERE id = ?").bind(u.id).first<any>()).github_username).toBe("octo-renamed");
  });

  it("refuses a callback with a wrong or missing state, and a refused code", async () => {
    const calls = fakeGithub({ one: { id: 1, login: "x" } });
    const b = new Browser();
    const state = await start(b);
    expect((await b.get(`/auth/github/callback?code=one&state=not-${state}`)).status).toBe(403);
    expect((await new Browser().get(`/auth/github/callback?code=one&state=${state}`)).status).toBe(403);
    expect(calls).toEqual([]); // nothing was exchanged
    const b2 = new Browser();
    const state2 = await start(b2);
    const refused = await b2.get(`/auth/github/callback?code=bad&state=${state2}`);
    expect(refused.status).toBe(401);
    expect(b2.jar.has("__Host-tally_session")).toBe(false);
  });

  it("with sign-ups closed (this test env), an unknown GitHub user gets no account", async () => {
    fakeGithub({ new: { id: 987654321, login: "stranger", email: `${uniqueName("s")}@example.com` } });
    const b = new Browser();
    const state = await start(b);
    const res = await b.get(`/auth/github/callback?code=new&state=${state}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Sign-ups are closed");
    expect(await env.DB.prepare("SELECT id FROM users WHERE github_uid = '987654321'").first()).toBeNull();
  });

  it("with sign-ups open, a first sign-in creates the account with an API key that works", async () => {
    const login = uniqueName("newbie").replace(/_/g, "-");
    const gid = String(Math.floor(Math.random() * 1e9));
    const result = await accountForGithub({ ...env, SIGNUPS: "open" } as unknown as Env, { uid: gid, login, avatarUrl: null, email: `${login}@example.com` }, null);
    expect(result.created?.username).toBe(login);
    const res = await request("/api/v1/authenticated/me", { headers: { Authorization: `Bearer ${result.created!.apiKey}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).emails).toEqual([`${login}@example.com`]);
    // The same login again (another GitHub user): a free variant of the name.
    const other = await accountForGithub({ ...env, SIGNUPS: "open" } as unknown as Env, { uid: `${gid}1`, login, avatarUrl: null, email: null }, null);
    expect(other.created?.username).toBe(`${login}-2`);
  });

  it("started while signed in, links GitHub to that account", async () => {
    const u = await createUser();
    fakeGithub({ link: { id: 55_000_000 + u.id, login: "linker" } });
    const b = new Browser();
    await b.signIn(u.apiKey);
    const state = await start(b);
    const res = await b.get(`/auth/github/callback?code=link&state=${state}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/settings");
    expect((await env.DB.prepare("SELECT github_uid FROM users WHERE id = ?").bind(u.id).first<any>()).github_uid).toBe(String(55_000_000 + u.id));
  });
});
