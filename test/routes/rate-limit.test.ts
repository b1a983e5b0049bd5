import { describe, expect, it } from "vitest";
import { bearer, cliHeartbeat, createUser, postBulk, request } from "../helpers";

const WINDOW_SECONDS = 60; // the limiters' period in wrangler.toml
const minute = () => Math.floor(Date.now() / 1000 / WINDOW_SECONDS);

describe("rate limits", () => {
  // Up to half a minute's wait for a fresh window, then the burst.
  it("answers the 301st API request in a minute with 429, Retry-After and X-RateLimit-* headers", { timeout: 90_000 }, async () => {
    // The limiter counts in fixed windows aligned to the clock's minutes: a burst that straddled
    // two would fit under the limit in both. So start in the first half of a window and send the
    // 302 requests 25 at a time; the last check below proves it all happened in that window.
    const into = (Date.now() / 1000) % WINDOW_SECONDS;
    if (into > WINDOW_SECONDS / 2) await new Promise((r) => setTimeout(r, (WINDOW_SECONDS - into) * 1000 + 100));
    const window = minute();

    const u = await createUser();
    const get = () => request("/api/hackatime/v1/users/current/statusbar/today", { headers: bearer(u.apiKey) });
    const answers: Response[] = [];
    for (let i = 0; i < 302; i += 25) answers.push(...(await Promise.all(Array.from({ length: Math.min(25, 302 - i) }, get))));
    expect(answers.map((r) => r.status).filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(300);
    const first429 = answers.find((r) => r.status === 429)!;
    const body = (await first429.json()) as { error: string; retry_after: number; reset_at: string };
    expect(body.error).toBe("Rate limit exceeded");
    expect(body.retry_after).toBeGreaterThan(0);
    expect(first429.headers.get("Retry-After")).toBe(String(body.retry_after));
    expect(first429.headers.get("X-RateLimit-Limit")).toBe("300");
    expect(first429.headers.get("X-RateLimit-Remaining")).toBe("0");
    // Another key is counted separately; heartbeats have their own budget.
    const other = await createUser();
    expect((await request("/api/hackatime/v1/users/current/statusbar/today", { headers: bearer(other.apiKey) })).status).toBe(200);
    expect((await postBulk(u.apiKey, [cliHeartbeat(1_764_000_000)])).status).toBe(201);
    // The operator's bypass token (load tests) skips the limit; a wrong token does not.
    const withBypass = (token: string) => request("/api/hackatime/v1/users/current/statusbar/today", { headers: { ...bearer(u.apiKey), "Rate-Limit-Bypass": token } });
    expect((await withBypass("test-bypass")).status).toBe(200);
    expect((await withBypass("guess")).status).toBe(429);
    expect(minute(), "the burst and the checks after it ran in one window").toBe(window);
  });
});
