// /projects and /projects/:name: the list is GET /my/projects's, a project's numbers are the
// stats API's (filtered to it), branches and files come from the data, and the forms change the
// same mapping the API changes.
import { describe, expect, it } from "vitest";
import { cliHeartbeat, createUser, postBulk, request } from "../helpers";
import { signedIn } from "./helpers";

const XSS = "<script>alert(1)</script>";

async function seed(apiKey: string) {
  const start = Math.floor(Date.now() / 1000) - 2 * 86_400;
  const beats = [
    ...Array.from({ length: 20 }, (_, i) => cliHeartbeat(start + i * 60, { project: "gamma", branch: i < 10 ? "main" : "feature/x", entity: `/src/f${i % 2}.ts` })),
    ...Array.from({ length: 5 }, (_, i) => cliHeartbeat(start + 7200 + i * 60, { project: XSS, branch: "main" })),
  ];
  expect((await postBulk(apiKey, beats)).status).toBe(201);
}

describe("/projects", () => {
  it("lists GET /my/projects for the range and archives from the list", async () => {
    const u = await createUser();
    await seed(u.apiKey);
    const b = await signedIn(u.apiKey);
    const html = await (await b.get("/projects?range=last_7_days")).text();
    const api = (await (await request("/my/projects?interval=last_7_days", { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any;
    expect(api.projects.map((p: any) => p.name)).toEqual(["gamma", XSS]);
    expect(html).toContain(`href="/projects/gamma?range=last_7_days"`);
    expect(html).toContain(`· ${api.total_time_label}</h2>`);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain(XSS);

    const token = /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1];
    const res = await b.post("/projects/gamma/archive", { _csrf: token, back: "list" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/projects");
    const after = (await (await request("/my/projects?interval=last_7_days", { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any;
    expect(after.archived_projects.map((p: any) => p.name)).toEqual(["gamma"]);
    expect(await (await b.get("/projects")).text()).toContain("gamma is archived.");
  });

  it("shows one project with the stats API's numbers, its branches and files, and saves its repository", async () => {
    const u = await createUser();
    await seed(u.apiKey);
    const b = await signedIn(u.apiKey);
    const html = await (await b.get("/projects/gamma?range=last_7_days")).text();
    const total = Number(/data-testid="total" data-seconds="(\d+)"/.exec(html)![1]);
    expect(total).toBe(19 * 60);
    expect(html).toContain("feature/x");
    expect(html).toContain("/src/f0.ts");

    const token = /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1];
    expect((await b.post("/projects/gamma/repo", { _csrf: token, repo_url: "javascript:alert(1)" })).status).toBe(303);
    expect(await (await b.get("/projects/gamma")).text()).toContain("Repo url must be a valid http(s) URL");
    expect((await b.post("/projects/gamma/repo", { _csrf: token, repo_url: "https://example.com/gamma" })).status).toBe(303);
    const mapping = (await (await request("/my/project_repo_mappings/gamma", { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any;
    expect(mapping.project_repo_mapping.repo_url).toBe("https://example.com/gamma");
    expect(await (await b.get("/projects/gamma")).text()).toContain(`href="https://example.com/gamma" rel="noopener noreferrer nofollow"`);

    // Another user's files and branches are not in the public stats API.
    const other = await createUser();
    const pub = (await (await request(`/api/v1/users/${u.username}/stats?features=branches,entities,languages&filter_by_project=gamma`, { headers: { Authorization: `Bearer ${other.apiKey}` } })).json()) as any;
    expect(pub.data.branches).toBeUndefined();
    expect(pub.data.entities).toBeUndefined();
    const own = (await (await request(`/api/v1/users/${u.username}/stats?features=branches,entities&filter_by_project=gamma`, { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any;
    expect(own.data.branches.map((x: any) => x.name)).toEqual(["feature/x", "main"]);
  });

  it("a project with an odd name has a working page", async () => {
    const u = await createUser();
    await seed(u.apiKey);
    const b = await signedIn(u.apiKey);
    const res = await b.get(`/projects/${encodeURIComponent(XSS)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain(XSS);
  });
});
