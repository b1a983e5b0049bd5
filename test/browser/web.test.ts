// The web app in Debian's Chromium against `npm start`: sign in with a key, the dashboard's
// numbers against the API's, the range picker and filters in the URL, new heartbeats after a
// reload, escaping, privacy, admin refusal, key rotation ending sessions, a goal's progress, an
// import's progress bar, every page under the CSP with nothing requested from other hosts; a
// screenshot of each.
import type { Browser, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createUserIn } from "../../scripts/local-server";
import { launchChromium, openLocalPage, screenshot, type LocalPage } from "./browser";

const base = inject("baseUrl");
const XSS = "<img src=x onerror=alert(1)>";
const CLI_UA = "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1";
const NEOVIM_UA = "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 neovim/0.10.2 vim-wakatime/11.2.0";
const DAY = 86_400;

type User = { id: number; username: string; api_key: string };
const createUser = (args: string[] = []) => createUserIn(inject("persistTo"), args) as Promise<User>;

async function api(path: string, key: string, init: RequestInit = {}): Promise<globalThis.Response> {
  return fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, "Rate-Limit-Bypass": inject("rateLimitBypass"), ...(init.headers ?? {}) } });
}

async function postBeats(key: string, beats: Array<Record<string, unknown>>) {
  for (let i = 0; i < beats.length; i += 100) {
    const res = await api("/api/hackatime/v1/users/current/heartbeats.bulk", key, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": CLI_UA },
      body: JSON.stringify(beats.slice(i, i + 100)),
    });
    expect(res.status).toBe(201);
  }
}

/** `n` heartbeats 60 s apart from `start`. */
const run = (start: number, n: number, fields: Record<string, unknown>) =>
  Array.from({ length: n }, (_, i) => ({ entity: `/src/f${i % 3}.ts`, type: "file", category: "coding", time: start + i * 60, user_agent: CLI_UA, ...fields }));

function expectCsp(res: Response) {
  const csp = res.headers()["content-security-policy"] ?? "";
  for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
  expect(csp).not.toContain("unsafe-");
}

async function signIn(tab: LocalPage, key: string) {
  expectCsp(await tab.open("/signin"));
  await tab.page.getByLabel("Your API key").fill(key);
  await tab.page.getByRole("button", { name: "Sign in with API key" }).click();
  await tab.page.waitForURL(/\/dashboard$/);
}

/** Chromium logs the 404 a test navigates to on purpose as a console error: drop that one. */
function expected404(tab: LocalPage) {
  const i = tab.errors.findIndex((e) => e.includes("status of 404"));
  if (i >= 0) tab.errors.splice(i, 1);
}

/** The dashboard's numbers next to the API's for the same query (the page names its API call). */
async function compareWithApi(tab: LocalPage, key: string) {
  const apiPath = ((await tab.page.locator("code.mono").last().textContent()) ?? "").replace(/^GET /, "");
  const apiData = ((await (await api(apiPath, key)).json()) as any).data;
  const total = Number(await tab.page.getByTestId("total").getAttribute("data-seconds"));
  const topLanguage = (await tab.page.getByTestId("top-language").textContent())?.trim();
  const topProject = (await tab.page.getByTestId("top-project").textContent())?.trim();
  expect(total).toBe(apiData.total_seconds);
  expect(topLanguage).toBe(apiData.languages[0]?.name ?? "—");
  expect(topProject).toBe(apiData.projects[0]?.name ?? "—");
  return { apiPath, total, topLanguage, topProject };
}

describe("the web app in Chromium", () => {
  let browser: Browser | undefined;
  let user: User;
  const tabs: LocalPage[] = [];

  const newTab = async (alsoAllowed: string[] = []) => {
    const tab = await openLocalPage(browser!, base, alsoAllowed);
    tab.page.on("dialog", (d) => {
      tab.errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    tabs.push(tab);
    return tab;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    user = await createUser(["--timezone", "UTC"]);
    const now = Math.floor(Date.now() / 1000);
    const day = (n: number) => Math.floor(now / DAY) * DAY - n * DAY + 9 * 3600;
    await postBeats(user.api_key, [
      ...run(day(1), 40, { project: "alpha", language: "TypeScript" }),
      ...run(day(2), 30, { project: "beta", language: "Rust" }),
      ...run(day(2) + 4 * 3600, 10, { project: XSS, language: "Rust" }),
      ...run(day(20), 90, { project: "gamma", language: "Go" }),
    ]);
  });

  afterAll(async () => {
    for (const tab of tabs) {
      expect(tab.blocked, "requests to other hosts").toEqual([]);
      expect(tab.errors, "console errors (CSP violations included), page errors, dialogs").toEqual([]);
      await tab.context.close();
    }
    await browser?.close();
  });

  it("signs in with an API key; the dashboard's total, top language and top project are the API's; range and filter change them and the URL", async () => {
    const tab = await newTab();
    expectCsp(await tab.open("/"));
    await screenshot(tab.page, "landing");
    await tab.open("/signin");
    await screenshot(tab.page, "signin");
    await signIn(tab, user.api_key);
    const cookie = (await tab.context.cookies()).find((c) => c.name === "__Host-tally_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    expect(cookie.expires - Date.now() / 1000).toBeGreaterThan(29 * DAY);

    const week = await compareWithApi(tab, user.api_key);
    // Three runs of 39, 29 and 9 minutes; each break between them counts 120 s (the capped gap).
    expect(week.total).toBe(39 * 60 + 29 * 60 + 9 * 60 + 2 * 120);
    expect(week.topProject).toBe("alpha");
    await screenshot(tab.page, "dashboard");

    await tab.page.getByRole("link", { name: "30 days", exact: true }).click();
    await tab.page.waitForURL(/range=last_30_days/);
    const month = await compareWithApi(tab, user.api_key);
    expect(month.total).toBeGreaterThan(week.total);
    expect(month.topLanguage).toBe("Go");

    await tab.page.getByRole("combobox", { name: "Language", exact: true }).selectOption("Rust");
    await tab.page.getByRole("button", { name: "Apply" }).click();
    await tab.page.waitForURL(/language=Rust/);
    expect(tab.page.url()).toContain("range=last_30_days");
    const rust = await compareWithApi(tab, user.api_key);
    expect(rust.apiPath).toContain("filter_by_language=Rust");
    expect(rust.total).toBe(29 * 60 + 9 * 60 + 120);
    expect(rust.topLanguage).toBe("Rust");

    // A day picked from the chart's table: its timeline.
    await tab.page.getByText("Table: time per day").click();
    await tab.page.locator("figure.chart table a").first().click();
    await tab.page.waitForURL(/range=custom/);
    await tab.page.getByRole("heading", { name: /^Timeline of / }).waitFor();
    await screenshot(tab.page, "dashboard-day");

    // Phone width: nothing wider than the screen (wide charts scroll inside their own box).
    await tab.page.setViewportSize({ width: 390, height: 844 });
    await tab.open("/dashboard?range=last_30_days");
    expect(await tab.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await screenshot(tab.page, "dashboard-phone");
  });

  it("shows a new editor's heartbeats after a reload", async () => {
    const tab = await newTab();
    await signIn(tab, user.api_key);
    const editors = tab.page.locator("section", { has: tab.page.getByRole("heading", { name: "Editors" }) });
    const before = await editors.textContent();
    const now = Math.floor(Date.now() / 1000);
    const res = await api("/api/hackatime/v1/users/current/heartbeats.bulk", user.api_key, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": NEOVIM_UA },
      body: JSON.stringify(run(now - 600, 5, { project: "alpha", language: "Lua", user_agent: NEOVIM_UA })),
    });
    expect(res.status).toBe(201);
    const editor = ((await (await api(`/api/v1/users/${user.username}/stats?features=editors&start_date=${new Date((now - 3600) * 1000).toISOString()}`, user.api_key)).json()) as any).data.editors[0].name;
    expect(before).not.toContain(editor);
    await tab.page.reload();
    await expect.poll(() => editors.textContent()).toContain(editor);
    await compareWithApi(tab, user.api_key);
  });

  it("escapes a project named like an HTML tag (text, no element, no script run)", async () => {
    const tab = await newTab();
    await signIn(tab, user.api_key);
    await tab.page.locator(".breakdown").getByRole("link", { name: XSS, exact: true }).first().waitFor();
    expect(await tab.page.locator('img[src="x"]').count()).toBe(0);
    expectCsp(await tab.open("/projects"));
    await tab.page.getByRole("link", { name: XSS }).waitFor();
    await screenshot(tab.page, "projects");
    expectCsp(await tab.open(`/projects/${encodeURIComponent(XSS)}`));
    await tab.page.getByRole("heading", { level: 1, name: XSS }).waitFor();
    expect(await tab.page.locator('img[src="x"]').count()).toBe(0);
    await tab.open("/projects/alpha");
    await screenshot(tab.page, "project");
  });

  it("shows public profiles and 404s a private user's", async () => {
    const priv = await createUser(["--private"]);
    await postBeats(priv.api_key, run(Math.floor(Date.now() / 1000) - 7200, 10, { project: "secret" }));
    const tab = await newTab();
    const res = await tab.open(`/@${priv.username}`);
    expect(res.status()).toBe(404);
    expected404(tab);
    expectCsp(res);
    await tab.page.getByRole("heading", { name: "Not found" }).waitFor();
    expect(await tab.page.content()).not.toContain("secret");
    await screenshot(tab.page, "not-found");

    const pub = await tab.open(`/@${user.username}`);
    expect(pub.status()).toBe(200);
    expectCsp(pub);
    await tab.page.locator(`img[src="/@${user.username}/badge.svg"]`).waitFor();
    expect(await tab.page.locator(`img[src="/@${user.username}/badge.svg"]`).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await screenshot(tab.page, "profile");

    expectCsp(await tab.open("/leaderboards"));
    await screenshot(tab.page, "leaderboards");
  });

  it("gives a non-admin no admin page, and an admin theirs", async () => {
    const tab = await newTab();
    await signIn(tab, user.api_key);
    expect(await tab.page.getByRole("link", { name: "Admin" }).count()).toBe(0);
    const res = await tab.open("/admin");
    expect(res.status()).toBe(404);
    expected404(tab);

    const admin = await createUser(["--admin-level", "superadmin", "--email", `${Date.now()}@admin.example`]);
    const adminTab = await newTab();
    await signIn(adminTab, admin.api_key);
    await adminTab.page.getByRole("link", { name: "Admin" }).click();
    await adminTab.page.getByLabel(/Username, e-mail/).fill(admin.username);
    await adminTab.page.getByRole("button", { name: "Search" }).click();
    await adminTab.page.getByRole("link", { name: admin.username }).click();
    await adminTab.page.getByRole("heading", { name: "Trust-level audit log" }).waitFor();
    await screenshot(adminTab.page, "admin-user");
    expectCsp(await adminTab.open("/admin/deletion-requests"));
    await screenshot(adminTab.page, "admin-deletions");
  });

  it("rotating the key ends the old key's other sessions and shows the new key once", async () => {
    const u = await createUser();
    const a = await newTab();
    const b = await newTab();
    await signIn(a, u.api_key);
    await signIn(b, u.api_key);
    expectCsp(await a.open("/settings"));
    await screenshot(a.page, "settings");
    await a.page.getByRole("button", { name: "Rotate API key" }).click();
    const key = ((await a.page.locator("#new-key").textContent()) ?? "").trim();
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api("/api/v1/authenticated/me", u.api_key)).status).toBe(401);
    expect((await api("/api/v1/authenticated/me", key)).status).toBe(200);
    await b.open("/dashboard");
    expect(new URL(b.page.url()).pathname).toBe("/signin");
    await a.open("/dashboard");
    expect(new URL(a.page.url()).pathname).toBe("/dashboard");
  });

  it("signs up and then in with GitHub (a fake GitHub): the first sign-in creates the account and shows its key once", async () => {
    const github = inject("githubBase");
    const tab = await newTab([github]);
    await tab.open("/signin");
    await tab.page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await tab.page.getByRole("heading", { name: /^Welcome, octo/ }).waitFor();
    expect(new URL(tab.page.url()).pathname).toBe("/auth/github/callback");
    const snippet = (await tab.page.locator("pre code").textContent()) ?? "";
    const key = /api_key = ([0-9a-f-]{36})/.exec(snippet)![1];
    expect((await api("/api/v1/authenticated/me", key)).status).toBe(200);
    await screenshot(tab.page, "github-welcome");
    await tab.page.getByRole("link", { name: "Go to your dashboard" }).click();
    await tab.page.waitForURL(/\/dashboard$/);

    const again = await newTab([github]);
    await again.open("/signin");
    await again.page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await again.page.waitForURL(/\/dashboard$/);
    expect(tab.blocked.concat(again.blocked).every((u) => !u.startsWith(github))).toBe(true);
  });

  it("creates a daily goal in settings; the dashboard shows the status bar's progress towards it", async () => {
    const u = await createUser(["--timezone", "UTC"]);
    const now = Math.floor(Date.now() / 1000);
    const start = Math.max(Math.floor(now / DAY) * DAY + 1, now - 1200); // today (UTC); at most a few minutes ahead
    await postBeats(u.api_key, run(start, 11, { project: "goal", language: "Go" }));
    const tab = await newTab();
    await signIn(tab, u.api_key);
    expect(await tab.page.locator("[data-tile=goal]").textContent()).toContain("none");
    await tab.open("/settings#goals");
    const form = tab.page.getByRole("form", { name: "Add a goal" });
    await form.getByLabel(/Code at least/).fill("20");
    await form.getByLabel("per").selectOption("day");
    await form.getByLabel("Only languages").fill("go");
    await form.getByRole("button", { name: "Add goal" }).click();
    await tab.page.waitForURL(/\/settings(#goals)?$/);
    await tab.page.getByText("Goal added: Code 20 mins per day in go.").waitFor();
    await screenshot(tab.page, "settings-goals");

    const bar = ((await (await api("/api/hackatime/v1/users/current/statusbar/today", u.api_key, { headers: { "User-Agent": CLI_UA } })).json()) as any).data.goal;
    expect(bar).toMatchObject({ target_seconds: 1200, tracked_seconds: 600, completion_percent: 50, complete: false });
    await tab.open("/dashboard");
    const tile = tab.page.locator("[data-tile=goal]");
    expect(await tile.locator("[data-testid=goal]").getAttribute("data-seconds")).toBe(String(bar.tracked_seconds));
    expect(await tile.locator("progress").getAttribute("value")).toBe(String(bar.completion_percent));
    expect(await tile.textContent()).toContain("Code 20 mins per day in go");
    await screenshot(tab.page, "dashboard-goal");
  });

  it("imports an uploaded dump: the progress bar follows it to done", async () => {
    const u = await createUser();
    const tab = await newTab();
    await signIn(tab, u.api_key);
    await tab.open("/settings");
    const t = Math.floor(Date.now() / 1000) - 3 * DAY;
    const dump = { heartbeats: Array.from({ length: 1500 }, (_, i) => ({ entity: `/x/${i % 9}.ts`, type: "file", time: t + i * 20, project: "imported", language: "TypeScript" })) };
    await tab.page.getByLabel(/A WakaTime or Hackatime dump/).setInputFiles({ name: "dump.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(dump)) });
    await tab.page.getByRole("button", { name: "Upload and import" }).click();
    await tab.page.waitForURL(/\/settings\/imports\/\d+$/);
    const box = tab.page.locator("[data-import-status-url]");
    await expect.poll(() => box.getAttribute("data-state"), { timeout: 45_000, interval: 250 }).toBe("completed");
    expect(await tab.page.locator("progress").getAttribute("value")).toBe("100");
    expect(await tab.page.locator("[data-field=counts]").textContent()).toContain("1500 imported");
    await screenshot(tab.page, "import");
  });
});
