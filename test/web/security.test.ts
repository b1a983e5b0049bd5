// The web app's security rules, through the real Worker entry: headers, the session cookie,
// CSRF refusals, sign-out and revocation, key rotation ending sessions, HTML vs JSON 404s.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createUser, request } from "../helpers";
import { Browser, ORIGIN, setCookies, signedIn } from "./helpers";

describe("web pages: headers", () => {
  it("answer with a strict CSP (no inline script, no framing), nosniff and no caching", async () => {
    for (const path of ["/", "/signin"]) {
      const res = await new Browser().get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      const html = await res.text();
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|style="/); // no inline script or style
    }
  });

  it("leave API responses alone", async () => {
    const res = await request("/up");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answer unknown paths with an HTML 404 for browsers and the JSON one for API clients", async () => {
    const page = await new Browser().get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain("Not found");
    const api = await request("/no/such/page");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: "Not found" });
    const apiPath = await new Browser().get("/api/v1/nothing");
    expect(apiPath.status).toBe(404);
    expect(await apiPath.json()).toEqual({ error: "Not found" });
  });
});

describe("web sessions", () => {
  it("sign in with an API key sets an HttpOnly, Secure, SameSite=Lax, 30-day __Host- cookie; only its hash is stored", async () => {
    const u = await createUser();
    const b = new Browser();
    const token = await b.csrf("/signin");
    const res = await b.post("/signin", { _csrf: token, api_key: u.apiKey, next: "/dashboard" });
    expect(res.status).toBe(303);
    const cookie = setCookies(res).get("__Host-tally_session")!;
    expect(cookie.value).toMatch(/^[0-9a-f]{64}$/);
    expect(cookie.attrs).toMatch(/HttpOnly/i);
    expect(cookie.attrs).toMatch(/Secure/i);
    expect(cookie.attrs).toMatch(/SameSite=Lax/i);
    expect(cookie.attrs).toMatch(/Path=\//i);
    expect(cookie.attrs).toMatch(/Max-Age=2592000/i);
    expect(cookie.attrs).not.toMatch(/Domain=/i);
    const rows = await env.DB.prepare("SELECT token_hash FROM web_sessions WHERE user_id = ?").bind(u.id).all<{ token_hash: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0].token_hash).not.toBe(cookie.value);
    expect(rows.results[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("goes back only to a path of this site after sign-in", async () => {
    const u = await createUser();
    for (const [next, to] of [
      ["/projects?range=today", "/projects?range=today"],
      ["//evil.example/x", "/dashboard"],
      ["/\\evil.example", "/dashboard"],
      ["/\t/evil.example", "/dashboard"],
      ["https://evil.example/", "/dashboard"],
    ]) {
      const b = new Browser();
      const res = await b.post("/signin", { _csrf: await b.csrf("/signin"), api_key: u.apiKey, next });
      expect(res.headers.get("location"), next).toBe(to);
    }
  });

  it("refuses a wrong key with the API's reason and sets no session", async () => {
    const b = new Browser();
    const token = await b.csrf("/signin");
    const res = await b.post("/signin", { _csrf: token, api_key: "00000000-0000-4000-8000-000000000000" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Unauthorized: unknown API key");
    expect(b.jar.has("__Host-tally_session")).toBe(false);
  });

  it("refuses a sign-in post from another site (Origin) or without the double-submitted token", async () => {
    const u = await createUser();
    const b = new Browser();
    const token = await b.csrf("/signin");
    expect((await b.post("/signin", { _csrf: token, api_key: u.apiKey }, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await b.post("/signin", { _csrf: "0".repeat(32), api_key: u.apiKey })).status).toBe(403);
    const noCookie = new Browser();
    expect((await noCookie.post("/signin", { _csrf: token, api_key: u.apiKey })).status).toBe(403);
    expect(b.jar.has("__Host-tally_session")).toBe(false);
  });

  it("refuses state-changing posts without the session's CSRF token or from another origin", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    const token = await b.csrf("/dashboard");
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM web_sessions WHERE user_id = ?").bind(u.id).first<{ n: number }>();
    expect((await b.post("/signout", { _csrf: "f".repeat(64) })).status).toBe(403);
    expect((await b.post("/signout", {})).status).toBe(403);
    expect((await b.post("/signout", { _csrf: token }, { Origin: "https://evil.example" })).status).toBe(403);
    // No Origin and no Referer: refused too.
    const bare = await request("/signout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: b.cookieHeader() },
      body: `_csrf=${token}`,
      redirect: "manual",
    });
    expect(bare.status).toBe(403);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM web_sessions WHERE user_id = ?").bind(u.id).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
    // With the token and our Origin (or only our Referer) it works.
    const ok = await b.post("/signout", { _csrf: token }, { Origin: "", Referer: `${ORIGIN}/dashboard` });
    expect(ok.status).toBe(303);
  });

  it("sign-out ends the session server-side: the old cookie no longer works", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    const cookie = b.cookieHeader();
    expect((await b.get("/dashboard")).status).toBe(200);
    const token = await b.csrf("/dashboard");
    expect((await b.post("/signout", { _csrf: token })).status).toBe(303);
    const replay = await request("/dashboard", { headers: { Accept: "text/html", Cookie: cookie }, redirect: "manual" });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toBe("/signin?next=%2Fdashboard");
  });
});
