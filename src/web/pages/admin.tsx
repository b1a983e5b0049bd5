// /admin: user search, a user's page (info, trust-level change with a reason, audit log) and the
// deletion requests (approve / reject). The signed-in user's admin level is checked with the
// admin API's rules: viewer+ to look (requireAdmin("viewer")), admin+ and canChangeTrustOf to
// change a trust level (convict, levels-policy.ts), superadmin for deletion requests. Below
// viewer, /admin does not exist (404).
import type { Context, MiddlewareHandler } from "hono";
import { atLeast, trustLevelName, TRUST_LEVELS, type TrustLevelName } from "../../auth/levels";
import { fuzzySearchUsers } from "../../db/admin-users";
import type { AdminLevel } from "../../db/schema";
import { approveDeletionRequest, listDeletionRequests, rejectDeletionRequest, scheduleDateText, type AdminDeletionJson } from "../../domain/admin/deletion-requests";
import { canChangeTrustOf } from "../../domain/admin/levels-policy";
import { convict } from "../../domain/admin/trust";
import { findAdminTarget, trustLogs, userInfo } from "../../domain/admin/users";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { pathId, textParam } from "../../routes/admin/params";
import { hm } from "../charts";
import { Csrf, page, PostButton } from "../layout";
import { checkedForm } from "../security";
import { sessionOf, setFlash } from "../session";
import { Card, Head, when } from "../ui";

/** Admin pages: viewer+ (as the admin API's requireAdmin("viewer")); others get "not found". */
export const requireAdminLevel =
  (level: AdminLevel): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const s = sessionOf(c);
    if (!atLeast(s.user.adminLevel, "viewer")) throw new AppError("not_found", "There is no page here.");
    if (!atLeast(s.user.adminLevel, level)) throw new AppError("forbidden", `This needs the ${level} admin level.`);
    await next();
  };

export async function adminHome(c: Context<AppEnv>) {
  const s = sessionOf(c);
  const query = (c.req.query("q") ?? "").trim();
  const results = query ? await fuzzySearchUsers(c.env.DB, query) : null;
  return page(
    c,
    { title: "Admin", nav: "admin" },
    <>
      <h1>Admin</h1>
      <p class="muted">
        Signed in as {s.user.username} ({s.user.adminLevel}).
        {atLeast(s.user.adminLevel, "superadmin") ? (
          <>
            {" "}
            <a href="/admin/deletion-requests">Deletion requests</a>
          </>
        ) : null}
      </p>
      <Card id="search" title="Find a user">
        <form method="get" action="/admin" class="form-row" role="search">
          <label>
            Username, e-mail, Slack or GitHub name, or id
            <input type="search" name="q" value={query} required />
          </label>
          <button type="submit">Search</button>
        </form>
        {results === null ? null : results.length === 0 ? (
          <p>No users match (users without an e-mail address are found by id: <code>/admin/users/ID</code>).</p>
        ) : (
          <table>
            <Head cols={["User", "E-mail", "GitHub", "Slack"]} />
            <tbody>
              {results.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/users/${r.id}`}>{r.username}</a> <span class="muted small">#{r.id}</span>
                  </th>
                  <td>{r.email}</td>
                  <td>{r.github_username ?? "—"}</td>
                  <td>{r.slack_username ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>,
  );
}

export async function adminUser(c: Context<AppEnv>) {
  const s = sessionOf(c);
  const target = await findAdminTarget(c.env.DB, pathId(c.req.param("id")) ?? 0);
  const [info, logs] = await Promise.all([userInfo(c.env, target), trustLogs(c.env.DB, target.id)]);
  const u = info.user;
  const actor = { id: s.user.id, adminLevel: s.user.adminLevel };
  const settable = (Object.keys(TRUST_LEVELS) as TrustLevelName[]).filter((level) => canChangeTrustOf(actor, { id: target.id, adminLevel: target.admin_level }, level));
  return page(
    c,
    { title: `Admin: ${u.username}`, nav: "admin" },
    <>
      <p class="small">
        <a href="/admin">Admin</a> /
      </p>
      <h1>
        {u.display_name} <span class="muted small">@{u.username} · #{u.id}</span>
      </h1>
      <div class="grid">
        <Card id="info" title="Account">
          <table>
            <tbody>
              {(
                [
                  ["Trust level", u.trust_level],
                  ["Admin level", u.admin_level],
                  ["Time zone", u.timezone],
                  ["E-mail addresses", u.email_addresses.join(", ") || "—"],
                  ["GitHub", u.github_username ?? "—"],
                  ["Slack", u.slack_username ? `${u.slack_username} (${u.slack_uid})` : "—"],
                  ["Created", when(u.created_at)],
                  ["Last heartbeat", u.last_heartbeat_at ? when(new Date(u.last_heartbeat_at * 1000).toISOString()) : "—"],
                  ["API keys", String(u.api_keys_count)],
                ] as const
              ).map(([k, v]) => (
                <tr>
                  <th scope="row">{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card id="stats" title="Activity">
          <table>
            <tbody>
              <tr>
                <th scope="row">Coding time</th>
                <td>{hm(u.stats.total_coding_time)}</td>
              </tr>
              <tr>
                <th scope="row">Heartbeats</th>
                <td>{u.stats.total_heartbeats}</td>
              </tr>
              <tr>
                <th scope="row">Projects</th>
                <td>{u.stats.projects_worked_on}</td>
              </tr>
              <tr>
                <th scope="row">Languages</th>
                <td>{u.stats.languages_used}</td>
              </tr>
              <tr>
                <th scope="row">Active days</th>
                <td>{u.stats.days_active}</td>
              </tr>
            </tbody>
          </table>
        </Card>
      </div>
      <Card id="trust" title="Change trust level">
        {settable.length === 0 ? (
          <p class="muted">Your admin level does not allow changing this user's trust level.</p>
        ) : (
          <form method="post" action={`/admin/users/${target.id}/trust`}>
            <Csrf session={s} />
            <div class="form-row">
              <label>
                New level
                <select name="trust_level" required>
                  {settable.map((l) => (
                    <option value={l} selected={l === trustLevelName(target.trust_level)}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Reason (required)
                <input type="text" name="reason" required maxlength={500} size={40} />
              </label>
              <label>
                Notes
                <input type="text" name="notes" maxlength={2000} size={30} />
              </label>
              <button type="submit">Change</button>
            </div>
          </form>
        )}
      </Card>
      <Card id="log" title="Trust-level audit log">
        {logs.trust_logs.length === 0 ? (
          <p class="muted">No changes.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <Head cols={["When", "Change", "By", "Reason", "Notes"]} />
              <tbody>
                {logs.trust_logs.map((l) => (
                  <tr>
                    <td class="small">{when(l.created_at)}</td>
                    <td>
                      {l.previous_trust_level} → {l.new_trust_level}
                    </td>
                    <td>{l.changed_by?.display_name ?? "—"}</td>
                    <td>{l.reason ?? ""}</td>
                    <td>{l.notes ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>,
  );
}

export async function changeTrust(c: Context<AppEnv>) {
  const s = sessionOf(c);
  const form = await checkedForm(c, s);
  const id = c.req.param("id") ?? "";
  try {
    const result = await convict(c.env, { id: s.user.id, adminLevel: s.user.adminLevel }, { userId: pathId(id) ?? 0, trustLevel: form.trust_level, reason: textParam(form.reason), notes: textParam(form.notes) || null });
    setFlash(c, { kind: "notice", text: `Trust level set to ${result.user.trust_level}.` });
  } catch (e) {
    if (!(e instanceof AppError) || e.code === "not_found") throw e;
    setFlash(c, { kind: "error", text: e.message });
  }
  return c.redirect(`/admin/users/${encodeURIComponent(id)}`, 303);
}

const DeletionTable = ({ rows, session, actions }: { rows: AdminDeletionJson[]; session: ReturnType<typeof sessionOf>; actions: boolean }) =>
  rows.length === 0 ? (
    <p class="muted">None.</p>
  ) : (
    <div class="table-wrap">
      <table>
        <Head cols={["User", "Requested", "Reason", "Scheduled", ...(actions ? [{ label: "Actions", hidden: true }] : [])]} />
        <tbody>
          {rows.map((r) => (
            <tr data-request-id={String(r.id)}>
              <th scope="row">{r.user ? <a href={`/admin/users/${r.user_id}`}>{r.user.display_name}</a> : `#${r.user_id}`}</th>
              <td class="small">{when(r.requested_at)}</td>
              <td>
                {r.reason ?? "—"}
                {r.reason_details ? <span class="small muted"> · {r.reason_details}</span> : null}
              </td>
              <td class="small">{when(r.scheduled_deletion_at)}</td>
              {actions ? (
                <td>
                  <div class="form-row">
                    {r.status === "pending" ? (
                      <PostButton session={session} action={`/admin/deletion-requests/${r.id}/approve`} kind="danger">
                        Approve
                      </PostButton>
                    ) : null}
                    <PostButton session={session} action={`/admin/deletion-requests/${r.id}/reject`} kind="secondary">
                      Reject
                    </PostButton>
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

export async function deletionRequestsPage(c: Context<AppEnv>) {
  const s = sessionOf(c);
  const lists = await listDeletionRequests(c.env.DB);
  return page(
    c,
    { title: "Deletion requests", nav: "admin" },
    <>
      <p class="small">
        <a href="/admin">Admin</a> /
      </p>
      <h1>Deletion requests</h1>
      <Card id="pending" title={<>Pending ({lists.pending.length})</>}>
        <DeletionTable rows={lists.pending} session={s} actions />
      </Card>
      <Card id="approved" title={<>Approved ({lists.approved.length})</>}>
        <DeletionTable rows={lists.approved} session={s} actions />
      </Card>
      <Card id="done" title="Recently completed">
        <DeletionTable rows={lists.completed} session={s} actions={false} />
      </Card>
    </>,
  );
}

export function decideDeletion(approve: boolean) {
  return async (c: Context<AppEnv>) => {
    const s = sessionOf(c);
    await checkedForm(c, s);
    const id = c.req.param("id") ?? "";
    try {
      if (approve) {
        const r = await approveDeletionRequest(c.env, pathId(id, { leadingZeros: false }), s.user.id);
        setFlash(c, { kind: "notice", text: `Deletion request approved. Scheduled for ${scheduleDateText(r.scheduled_deletion_at!)}` });
      } else {
        await rejectDeletionRequest(c.env, pathId(id, { leadingZeros: false }));
        setFlash(c, { kind: "notice", text: "Deletion request rejected" });
      }
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      setFlash(c, { kind: "error", text: e.message });
    }
    return c.redirect("/admin/deletion-requests", 303);
  };
}
