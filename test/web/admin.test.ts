// /admin: the admin API's level rules for a signed-in user.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createUser, uniqueName } from "../helpers";
import { signedIn } from "./helpers";

describe("/admin", () => {
  it("does not exist for a non-admin: every admin page and form is 404 and nothing changes", async () => {
    const u = await createUser();
    const target = await createUser();
    const b = await signedIn(u.apiKey);
    const home = await b.get("/dashboard");
    expect(await home.text()).not.toContain('href="/admin"');
    for (const path of ["/admin", `/admin/users/${target.id}`, "/admin/deletion-requests"]) expect((await b.get(path)).status, path).toBe(404);
    const token = await b.csrf("/dashboard");
    expect((await b.post(`/admin/users/${target.id}/trust`, { _csrf: token, trust_level: "red", reason: "x" })).status).toBe(404);
    expect((await env.DB.prepare("SELECT trust_level FROM users WHERE id = ?").bind(target.id).first<any>()).trust_level).toBe(0);
  });

  it("lets a viewer search and look, not change trust levels or see deletion requests", async () => {
    const viewer = await createUser({ adminLevel: "viewer" });
    const email = `${uniqueName("findme")}@example.com`;
    const target = await createUser({ email });
    const b = await signedIn(viewer.apiKey);
    const search = await (await b.get(`/admin?q=${encodeURIComponent(email)}`)).text();
    expect(search).toContain(`href="/admin/users/${target.id}"`);
    const page = await (await b.get(`/admin/users/${target.id}`)).text();
    expect(page).toContain(email);
    expect(page).toContain("does not allow changing");
    const res = await b.post(`/admin/users/${target.id}/trust`, { _csrf: await b.csrf("/admin"), trust_level: "green", reason: "x" });
    expect(res.status).toBe(303);
    expect(await (await b.get(`/admin/users/${target.id}`)).text()).toContain("no perms lmaooo");
    expect((await b.get("/admin/deletion-requests")).status).toBe(403);
  });

  it("lets an admin change a trust level with a reason, written to the audit log", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const target = await createUser();
    const b = await signedIn(admin.apiKey);
    const page = await (await b.get(`/admin/users/${target.id}`)).text();
    expect(page).toContain('<option value="green"');
    expect(page).not.toContain('<option value="red"'); // red needs superadmin
    const token = await b.csrf(`/admin/users/${target.id}`);
    expect((await b.post(`/admin/users/${target.id}/trust`, { _csrf: token, trust_level: "green", reason: "" })).status).toBe(303);
    expect(await (await b.get(`/admin/users/${target.id}`)).text()).toContain("you cant punish a mortal and not justify your actions");
    expect((await b.post(`/admin/users/${target.id}/trust`, { _csrf: token, trust_level: "green", reason: "<i>known</i> good" })).status).toBe(303);
    const after = await (await b.get(`/admin/users/${target.id}`)).text();
    expect(after).toContain("Trust level set to green.");
    expect(after).toContain("blue → green");
    expect(after).toContain("&lt;i&gt;known&lt;/i&gt; good");
  });

  it("lets a superadmin approve and reject deletion requests", async () => {
    const sa = await createUser({ adminLevel: "superadmin" });
    const a = await createUser();
    const bUser = await createUser();
    for (const u of [a, bUser]) {
      const s = await signedIn(u.apiKey);
      expect((await s.post("/settings/deletion", { _csrf: await s.csrf() })).status).toBe(303);
    }
    const ids = async (u: { id: number }) => (await env.DB.prepare("SELECT id FROM deletion_requests WHERE user_id = ? AND status = 'pending'").bind(u.id).first<any>()).id;
    const [ra, rb] = [await ids(a), await ids(bUser)];
    const b = await signedIn(sa.apiKey);
    const html = await (await b.get("/admin/deletion-requests")).text();
    expect(html).toContain(`data-request-id="${ra}"`);
    const token = await b.csrf("/admin/deletion-requests");
    expect((await b.post(`/admin/deletion-requests/${ra}/approve`, { _csrf: token })).status).toBe(303);
    expect((await b.post(`/admin/deletion-requests/${rb}/reject`, { _csrf: token })).status).toBe(303);
    const status = async (id: number) => (await env.DB.prepare("SELECT status FROM deletion_requests WHERE id = ?").bind(id).first<any>()).status;
    expect([await status(ra), await status(rb)]).toEqual(["approved", "cancelled"]);
    expect(await (await b.get("/admin/deletion-requests")).text()).toContain("Deletion request rejected");
  });
});
