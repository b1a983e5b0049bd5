import { describe, expect, it } from "vitest";
import { cliHeartbeat, createUser, postBulk, request } from "../helpers";

describe("rate limits", () => {
  it("answers the 301st API request in a minute with 429, Retry-After and X-RateLimit-* headers", async () => {
    const u = await createUser();
    const get = () => request("/api/hackatime/v1/users/current/statusbar/today", { headers: { Authorization: `Bearer ${u.apiKey}` } });
    let first429: Response | null = null;
    let ok = 0;
    for (let i = 0; i < 302 && !first429; i++) {
      const res = await get();
      if (res.status === 429) first429 = res;
      else ok++;
    }
    expect(first429).not.toBeNull();
    expect(ok).toBeGreaterThanOrEqual(250); // a fixed window may have started mid-run
    expect(ok).toBeLessThanOrEqual(300);
    const body = (await first429!.json()) as { error: string; retry_after: number; reset_at: string };
    expect(body.error).toBe("Rate limit exceeded");
    expect(body.retry_after).toBeGreaterThan(0);
    expect(first429!.headers.get("Retry-After")).toBe(String(body.retry_after));
    expect(first429!.headers.get("X-RateLimit-Limit")).toBe("300");
    expect(first429!.headers.get("X-RateLimit-Remaining")).toBe("0");
    // Another key is counted separately; heartbeats have their own budget.
    const other = await createUser();
    expect((await request("/api/hackatime/v1/users/current/statusbar/today", { headers: { Authorization: `Bearer ${other.apiKey}` } })).status).toBe(200);
    expect((await postBulk(u.apiKey, [cliHeartbeat(1_764_000_000)])).status).toBe(201);
    // The operator's bypass token (load tests) skips the limit; a wrong token does not.
    const withBypass = (token: string) => request("/api/hackatime/v1/users/current/statusbar/today", { headers: { Authorization: `Bearer ${u.apiKey}`, "Rate-Limit-Bypass": token } });
    expect((await withBypass("test-bypass")).status).toBe(200);
    expect((await withBypass("guess")).status).toBe(429);
  });
});
