// /settings: time zone (with what changing it does), privacy, the editor setup, key rotation
// (the new key shown once), sessions, imports (upload + progress), exports (download), goals,
// GitHub link, account deletion. Every form posts here with the CSRF token; each action calls
// the domain function the matching API operation calls.
import { subjectOf } from "../../domain/durations/query";
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { accountRestricted } from "../../auth/failures";
import { isRestricted } from "../../auth/user";
import { userById } from "../../db/users";
import { cancelDeletionRequest, createDeletionRequest, userDeletionJson, validateDeletionReason } from "../../domain/deletion";
import { latestRequestOf } from "../../db/deletion-requests";
import { activeImportOf } from "../../db/imports";
import { assertMayExport, createExport, exportDownload, findUserExport, parseExportRange } from "../../domain/exports";
import { githubConfigured } from "../../domain/github-signin";
import { createGoal, deleteGoal, listGoals } from "../../domain/goals";
import { MultipartReader, multipartBoundary } from "../../domain/imports/multipart";
import { importStatus } from "../../domain/imports/requests";
import { serializeImport, type ImportStatus } from "../../domain/imports/runs";
import { startUpload } from "../../domain/imports/start";
import { rotateApiKey } from "../../domain/projects-settings";
import { listSessions, revokeSession, type WebSession } from "../../domain/sessions";
import { changeTimezone, setPublicStats, TIMEZONE_CONSEQUENCES } from "../../domain/users/settings";
import type { AppEnv } from "../../env";
import { GoalInputSchema, type GoalInput } from "../../schemas/wakatime";
import { AppError } from "../../lib/errors";
import { nowSeconds } from "../../lib/time";
import { Csrf, page, PostButton } from "../layout";
import { CSRF_FIELD, checkedForm, requireCsrfToken, requireSameOrigin } from "../security";
import { clearSessionCookie, sessionOf, setFlash, signIn } from "../session";
import { EditorSnippet, originOf } from "./public";
import { hm } from "../charts";
import { Card, Head, when } from "../ui";

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
})();

type GoalJson = Awaited<ReturnType<typeof listGoals>>["data"][number];

/** Goals (the WakaTime goals API's, through domain/goals.ts): each with its current period's progress; add and delete. */
export const GoalsSection: FC<{ goals: GoalJson[]; session: WebSession }> = ({ goals, session }) => (
  <Card id="goals" title="Goals" anchor="goals">
    {goals.length === 0 ? (
      <p>No goals yet. The dashboard and your editor's status bar show your daily goal's progress.</p>
    ) : (
      <div class="table-wrap">
        <table>
          <Head cols={["Goal", "This period", "Status", { label: "Actions", hidden: true }]} />
          <tbody>
            {goals.map((g) => {
              const now = g.chart_data[g.chart_data.length - 1];
              return (
                <tr data-goal-id={g.id}>
                  <th scope="row">
                    {g.title}
                    {g.is_enabled ? null : <span class="small muted"> (disabled)</span>}
                  </th>
                  <td data-seconds={String(now.actual_seconds)}>
                    {hm(now.actual_seconds)} of {hm(g.seconds)} <span class="small muted">({now.range.text})</span>
                  </td>
                  <td>{now.range_status}</td>
                  <td>
                    <PostButton session={session} action={`/settings/goals/${encodeURIComponent(g.id)}/delete`} kind="secondary" label={`Delete goal: ${g.title}`}>
                      Delete
                    </PostButton>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    )}
    <form method="post" action="/settings/goals" aria-label="Add a goal">
      <Csrf session={session} />
      <div class="form-row">
        <label>
          Code at least
          <input type="number" name="minutes" min={1} max={10080} required size={6} /> minutes
        </label>
        <label>
          per
          <select name="delta">
            <option value="day">day</option>
            <option value="week">week</option>
          </select>
        </label>
        <label>
          Title (optional)
          <input type="text" name="custom_title" maxlength={255} size={24} />
        </label>
      </div>
      <div class="form-row">
        <label>
          Only languages
          <input type="text" name="languages" placeholder="Go, TypeScript" size={20} />
        </label>
        <label>
          Only projects
          <input type="text" name="projects" placeholder="tally" size={20} />
        </label>
        <label>
          Only editors
          <input type="text" name="editors" placeholder="VS Code" size={16} />
        </label>
        <button type="submit">Add goal</button>
      </div>
      <p class="small muted">Comma-separated; empty means all. Languages and editors match in any case.</p>
    </form>
  </Card>
);

/** The import's progress: a <progress> that import-progress.js keeps moving (the page refreshes itself without JavaScript). */
export const ImportProgress: FC<{ status: ImportStatus }> = ({ status }) => (
  <div data-import-status-url={`/settings/imports/${status.import_id}/status`} data-state={status.state} aria-live="polite">
    <p>
      <progress max={100} value={status.progress_percent} aria-label="Import progress">
        {status.progress_percent}%
      </progress>{" "}
      <strong data-field="state">{status.state}</strong>
    </p>
    <p data-field="message">{status.message}</p>
    <p class="small muted" data-field="counts">
      {status.processed_count} of {status.total_count} processed, {status.imported_count} imported, {status.skipped_count} skipped, {status.errors_count} errors
    </p>
  </div>
);

async function settingsPage(c: Context<AppEnv>, opts: { newKey?: string } = {}) {
  const session = sessionOf(c);
  const d1 = c.env.DB;
  const u = session.user;
  const [user, sessions, running, deletion, goals] = await Promise.all([
    userById(d1, u.id),
    listSessions(d1, session),
    activeImportOf(d1, u.id),
    latestRequestOf(d1, u.id),
    listGoals(c.env, subjectOf(u)),
  ]);
  const del = deletion ? userDeletionJson(deletion) : null;
  const activeDeletion = del && (del.status === "pending" || del.status === "approved");
  return page(
    c,
    { title: "Settings", nav: "settings", scripts: ["copy.js"] },
    <>
      <h1>Settings</h1>
      {opts.newKey ? (
        <Card id="newkey" title="Your new API key">
          <p role="status">
            This is the only time it is shown. Your old key and every other session have stopped working. Put it into <code>~/.wakatime.cfg</code>:
          </p>
          <div class="keybox">
            <code id="new-key" class="mono">
              {opts.newKey}
            </code>
            <button type="button" data-copy="new-key" hidden>
              Copy
            </button>
          </div>
          <EditorSnippet origin={originOf(c)} apiKey={opts.newKey} id="new-snippet" />
        </Card>
      ) : null}

      <Card id="editor" title="Editor setup" anchor="editor">
        <p>
          Install the WakaTime plugin for your editor and put this into <code>~/.wakatime.cfg</code> (the key is the one you signed in with, or rotate below for a new
          one):
        </p>
        <EditorSnippet origin={originOf(c)} id="snippet" />
        <button type="button" data-copy="snippet" hidden>
          Copy
        </button>
      </Card>

      <div class="grid">
        <Card id="tz" title="Time zone" anchor="timezone">
          <form method="post" action="/settings/timezone">
            <Csrf session={session} />
            <div class="form-row">
              <label>
                Your time zone
                <select name="timezone" aria-describedby="tz-consequences">
                  {(ZONES.includes(u.timezone) ? ZONES : [u.timezone, ...ZONES]).map((z) => (
                    <option value={z} selected={z === u.timezone}>
                      {z}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">Save time zone</button>
            </div>
          </form>
          <div id="tz-consequences" class="small">
            <p>Changing it:</p>
            <ul>
              {TIMEZONE_CONSEQUENCES.map((t) => (
                <li>{t}</li>
              ))}
            </ul>
          </div>
        </Card>

        <Card id="privacy" title="Privacy" anchor="privacy">
          <form method="post" action="/settings/privacy">
            <Csrf session={session} />
            <p>
              <label class="inline">
                <span>
                  <input type="checkbox" name="public" value="1" checked={u.allowPublicStatsLookup} /> Show my stats publicly
                </span>
              </label>
            </p>
            <p class="small muted">
              Public: your profile at <a href={`/@${encodeURIComponent(u.username)}`}>/@{u.username}</a>, your badges and the public stats API show your coding time. Private: they
              answer "not found" to everyone but you. Leaderboards are not affected.
            </p>
            <button type="submit">Save privacy</button>
          </form>
        </Card>
      </div>

      <Card id="key" title="API key" anchor="api-key">
        <p>Rotating makes a new key and stops the old one at once: editors still using it are refused, and every signed-in browser (this one too) is signed out; this browser is signed back in.</p>
        <PostButton session={session} action="/settings/key/rotate" kind="danger">
          Rotate API key
        </PostButton>
      </Card>

      <Card id="sessions" title="Signed-in browsers" anchor="sessions">
        <div class="table-wrap">
          <table>
            <Head cols={["Browser", "Signed in", "Last seen", { label: "Actions", hidden: true }]} />
            <tbody>
              {sessions.map((s) => (
                <tr data-session-id={String(s.id)}>
                  <td class="small">
                    {s.userAgent ?? "unknown"} {s.current ? <strong>(this browser)</strong> : null}
                  </td>
                  <td class="small">
                    {when(s.createdAt)} with {s.signInMethod === "github" ? "GitHub" : "API key"}
                  </td>
                  <td class="small">{when(s.lastSeenAt)}</td>
                  <td>
                    <PostButton session={session} action={`/settings/sessions/${s.id}/revoke`} kind="secondary">
                      {s.current ? "Sign out" : "Revoke"}
                    </PostButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card id="import" title="Import" anchor="imports">
        {running ? (
          <>
            <p>
              An import is running: <a href={`/settings/imports/${running.id}`}>follow it</a>.
            </p>
            <ImportProgress status={serializeImport(running)} />
          </>
        ) : (
          <form method="post" action="/settings/imports" enctype="multipart/form-data">
            {/* The token comes first: the upload is streamed, and the token is checked before the file is read. */}
            <Csrf session={session} />
            <div class="form-row">
              <label>
                A WakaTime or Hackatime dump (JSON, or gzipped JSON)
                <input type="file" name="heartbeat_file" accept=".json,.gz,application/json,application/gzip" required />
              </label>
              <button type="submit">Upload and import</button>
            </div>
            <p class="small muted">Heartbeats you already have are skipped. One import at a time.</p>
          </form>
        )}
      </Card>

      <Card id="export" title="Export" anchor="exports">
        <form method="post" action="/settings/exports">
          <Csrf session={session} />
          <div class="form-row">
            <label>
              <span>
                <input type="checkbox" name="all_data" value="true" checked /> Everything
              </span>
            </label>
            <label>
              or from (UTC)
              <input type="date" name="start_date" />
            </label>
            <label>
              to
              <input type="date" name="end_date" />
            </label>
            <button type="submit">Download export</button>
          </div>
          <p class="small muted">A JSON file in Hackatime's export format, which the import above reads back.</p>
        </form>
      </Card>

      <GoalsSection goals={goals.data} session={session} />

      {githubConfigured(c.env) ? (
        <Card id="gh" title="GitHub" anchor="github">
          {user?.githubUid ? (
            <p>Linked to GitHub as {user.githubUsername}: you can sign in with GitHub.</p>
          ) : (
            <p>
              <a class="button secondary" href="/auth/github?next=/settings">
                Link GitHub
              </a>{" "}
              to sign in with GitHub too.
            </p>
          )}
        </Card>
      ) : null}

      <Card id="del" title="Delete your account" class="danger-zone" anchor="deletion">
        {del && activeDeletion ? (
          <>
            <p role="status">
              Deletion requested on {when(del.requested_at)}: <strong>{del.status_label}</strong>
              {del.scheduled_deletion_at ? `, scheduled for ${when(del.scheduled_deletion_at)} (${del.days_until_deletion} days)` : ", waiting for an admin"}.
            </p>
            {del.can_be_cancelled ? (
              <PostButton session={session} action="/settings/deletion/cancel">
                Cancel the deletion
              </PostButton>
            ) : (
              <p>The deletion is under way and can no longer be cancelled.</p>
            )}
          </>
        ) : (
          <form method="post" action="/settings/deletion">
            <Csrf session={session} />
            <p>An admin approves the request; 30 days later your account is anonymised and your heartbeats deleted. Until then you can cancel it here.</p>
            <div class="form-row">
              <label>
                Reason (optional)
                <input type="text" name="reason" maxlength={100} />
              </label>
              <label>
                Details (optional, with a reason)
                <textarea name="reason_details" maxlength={1000} rows={2}></textarea>
              </label>
            </div>
            <button type="submit" class="danger">
              Request deletion
            </button>
          </form>
        )}
      </Card>
    </>,
  );
}

export const settings = (c: Context<AppEnv>) => settingsPage(c);

/** Runs a settings form's action: its message as a flash, back to the section. */
function action(section: string, run: (c: Context<AppEnv>, session: WebSession, form: Record<string, string>) => Promise<string>) {
  return async (c: Context<AppEnv>) => {
    const session = sessionOf(c);
    const form = await checkedForm(c, session);
    try {
      setFlash(c, { kind: "notice", text: await run(c, session, form) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      setFlash(c, { kind: "error", text: e.message });
    }
    return c.redirect(`/settings#${section}`, 303);
  };
}

export const saveTimezone = action("timezone", async (c, s, form) => {
  await changeTimezone(c.env, s.user.id, form.timezone ?? "");
  return `Time zone set to ${form.timezone}. Your stats are being recounted for the new days.`;
});

export const savePrivacy = action("privacy", async (c, s, form) => {
  const allow = form.public === "1";
  await setPublicStats(c.env, s.user.id, allow);
  return allow ? "Your stats are public." : "Your stats are private.";
});

export const revoke = action("sessions", async (c, s) => {
  const id = Number(c.req.param("id"));
  if (!Number.isSafeInteger(id)) throw new AppError("not_found", "No such session");
  await revokeSession(c.env.DB, s.user.id, id);
  if (id !== s.id) return "That browser is signed out.";
  clearSessionCookie(c);
  return "Signed out.";
});

export const requestDeletion = action("deletion", async (c, s, form) => {
  await createDeletionRequest(c.env, s.user, validateDeletionReason(form.reason, form.reason_details));
  return "Deletion requested. An admin will review it; you can cancel it until it is carried out.";
});

/** The add-goal form as the goals API's body (GoalInputSchema checks it as it checks the API's). */
function goalInput(form: Record<string, string>): GoalInput {
  const list = (v: string | undefined) => (v ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "");
  const minutes = Number(form.minutes);
  const parsed = GoalInputSchema.safeParse({
    delta: form.delta,
    seconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : NaN,
    custom_title: form.custom_title?.trim() || null,
    languages: list(form.languages),
    projects: list(form.projects),
    editors: list(form.editors),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path[0] === "seconds" ? "minutes" : String(issue.path[0] ?? "goal");
    throw new AppError("invalid_parameter", `${field}: ${issue.message}`);
  }
  return parsed.data;
}

export const addGoal = action("goals", async (c, s, form) => {
  const { data } = await createGoal(c.env, subjectOf(s.user), goalInput(form));
  return `Goal added: ${data.title}.`;
});

export const removeGoal = action("goals", async (c, s) => {
  await deleteGoal(c.env, subjectOf(s.user), c.req.param("id") ?? "");
  return "Goal deleted.";
});

export const cancelDeletion = action("deletion", async (c, s) => {
  await cancelDeletionRequest(c.env, s.user.id);
  return "Your deletion request is cancelled.";
});

/** Rotates the key (ending every session, as the API's rotation does) and signs this browser back in. */
export async function rotateKey(c: Context<AppEnv>) {
  const session = sessionOf(c);
  await checkedForm(c, session);
  const key = await rotateApiKey(c.env, session.user.id);
  // The page is rendered with the new session (its CSRF token), not the ended one.
  c.set("webSession", await signIn(c, session.user.id, session.signInMethod));
  return settingsPage(c, { newKey: key });
}

// ---- imports ----

/** POST /settings/imports (multipart, streamed): the CSRF field first, then the file, staged as the API stages it. */
export async function uploadImport(c: Context<AppEnv>) {
  const session = sessionOf(c);
  requireSameOrigin(c);
  if (isRestricted(session.user)) throw accountRestricted();
  const boundary = multipartBoundary(c.req.header("content-type"));
  const body = c.req.raw.body;
  if (!boundary || !body) throw new AppError("invalid_parameter", "pls select a file to import");
  const mp = new MultipartReader(body, boundary);
  let started: { id: number } | null = null;
  try {
    const first = await mp.nextPart();
    if (!first || first.name !== CSRF_FIELD || first.filename !== null) requireCsrfToken(session, undefined);
    requireCsrfToken(session, (await mp.text()).trim());
    for (let part = await mp.nextPart(); part && !started; part = await mp.nextPart()) {
      if (part.name === "heartbeat_file" && part.filename) started = await startUpload(c.env, session.user.id, part.filename, mp.bodyStream());
    }
  } catch (e) {
    if (e instanceof AppError && e.code !== "forbidden") {
      setFlash(c, { kind: "error", text: e.message });
      const id = typeof e.extra.import_id === "string" ? e.extra.import_id : null;
      return c.redirect(id ? `/settings/imports/${id}` : "/settings#imports", 303);
    }
    throw e;
  } finally {
    await mp.close();
  }
  if (!started) {
    setFlash(c, { kind: "error", text: "pls select a file to import" });
    return c.redirect("/settings#imports", 303);
  }
  return c.redirect(`/settings/imports/${started.id}`, 303);
}

/** As GET /my/heartbeat_imports/{id} (importStatus): looking at a stalled run re-queues its open slices. */
const ownImport = (c: Context<AppEnv>) => importStatus(c.env, sessionOf(c).user, c.req.param("id") ?? "");

/** The import's status page: the progress bar, followed by import-progress.js (or a meta refresh without JavaScript). */
export async function importPage(c: Context<AppEnv>) {
  const status = await ownImport(c);
  const done = status.state === "completed" || status.state === "failed";
  return page(
    c,
    {
      title: "Import",
      nav: "settings",
      scripts: ["import-progress.js"],
      head: done ? undefined : (
        <noscript>
          <meta http-equiv="refresh" content="3" />
        </noscript>
      ),
    },
    <Card id="imp" title={<>Import of {status.source_filename ?? "a dump"}</>} level={1}>
      <ImportProgress status={status} />
      <p>
        <a href={`/settings/imports/${status.import_id}`}>Reload</a> · <a href="/settings#imports">Back to settings</a> · <a href="/dashboard">Dashboard</a>
      </p>
    </Card>,
  );
}

/** GET /settings/imports/:id/status: the same JSON as GET /my/heartbeat_imports/{id}, for the session. */
export async function importStatusJson(c: Context<AppEnv>) {
  return c.json(await ownImport(c));
}

// ---- exports ----

export async function requestExport(c: Context<AppEnv>) {
  const session = sessionOf(c);
  const form = await checkedForm(c, session);
  assertMayExport(session.user);
  let range;
  try {
    range = parseExportRange({ all_data: form.all_data, start_date: form.start_date, end_date: form.end_date }, nowSeconds());
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    setFlash(c, { kind: "error", text: e.message });
    return c.redirect("/settings#exports", 303);
  }
  const id = await createExport(c.env.DB, session.user.id, range);
  return c.redirect(`/settings/exports/${id}/download`, 303);
}

export async function downloadExport(c: Context<AppEnv>) {
  const session = sessionOf(c);
  assertMayExport(session.user);
  const exp = await findUserExport(c.env.DB, session.user.id, c.req.param("id") ?? "");
  const download = await exportDownload(c.env, subjectOf(session.user), exp, nowSeconds());
  c.header("Content-Type", "application/json; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${download.filename}"`);
  c.header("Cache-Control", "no-store");
  return c.body(download.stream);
}
