// /projects (the GET /my/projects list for a range: time, share, repository, archived apart) and
// /projects/:name (one project: totals, languages, daily chart, branches and files, the
// repository mapping, archive / unarchive). Changes post to forms here and call the same domain
// functions as PATCH /my/project_repo_mappings/…
import { subjectOf } from "../../domain/durations/query";
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { projectOverview, projectsListWindow } from "../../domain/dashboard";
import { myProjects, projectNameParam, setArchived, setRepoUrl, validateRepoUrl } from "../../domain/projects-settings";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { Breakdown, DailyBars, hm } from "../charts";
import { Csrf, page, PostButton } from "../layout";
import { RangePicker, viewQuery, viewUrl } from "../ranges";
import { checkedForm } from "../security";
import { sessionOf, setFlash } from "../session";
import { Card, Head, Tile, when } from "../ui";

export const projectPath = (name: string) => `/projects/${encodeURIComponent(name)}`;

/** Repository links: only http(s) (validateRepoUrl stores nothing else), never with our referrer. */
const RepoLink: FC<{ url: string | null }> = ({ url }) =>
  url && /^https?:\/\//i.test(url) ? (
    <a href={url} rel="noopener noreferrer nofollow">
      {url}
    </a>
  ) : (
    <span class="muted">—</span>
  );

export async function projectsPage(c: Context<AppEnv>) {
  const session = sessionOf(c);
  const q = viewQuery(c);
  const { range, window } = projectsListWindow(q, session.user.timezone);
  const list = await myProjects(c.env, session.user, window);
  const rows = (projects: typeof list.projects, archived: boolean) => (
    <div class="table-wrap">
      <table>
        <Head cols={["Project", { label: "Time", num: true }, { label: "Share of the largest", num: true }, "Repository", { label: "Actions", hidden: true }]} />
        <tbody>
          {projects.map((p) => (
            <tr>
              <th scope="row">{p.project_key ? <a href={viewUrl(projectPath(p.project_key), q, {})}>{p.name}</a> : p.name}</th>
              <td class="num">{hm(p.total_seconds)}</td>
              <td class="num">
                <progress max={100} value={p.duration_percent} aria-label={`${p.duration_percent}%`}>
                  {p.duration_percent}%
                </progress>
              </td>
              <td>
                <RepoLink url={p.repo_url} />
              </td>
              <td>
                {p.project_key ? (
                  <form method="post" action={`${projectPath(p.project_key)}/${archived ? "unarchive" : "archive"}`}>
                    <Csrf session={session} />
                    <input type="hidden" name="back" value="list" />
                    <button type="submit" class="secondary">
                      {archived ? "Unarchive" : "Archive"}
                      <span class="visually-hidden"> {p.name}</span>
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return page(
    c,
    { title: "Projects", nav: "projects" },
    <>
      <h1>Projects</h1>
      <RangePicker range={range} q={q} base="/projects" />
      <Card id="active" title={<>{list.total_projects} {list.total_projects === 1 ? "project" : "projects"} · {range.label} · {list.total_time_label}</>}>
        {list.projects.length ? rows(list.projects, false) : <p class="muted">No time in this range.</p>}
      </Card>
      {list.archived_count ? (
        <Card id="archived" title={<>Archived ({list.archived_count})</>}>
          <p class="small muted">Archived projects are left out of your public project lists.</p>
          {rows(list.archived_projects, true)}
        </Card>
      ) : null}
    </>,
  );
}

export async function projectPage(c: Context<AppEnv>) {
  const session = sessionOf(c);
  const name = projectNameParam(c.req.param("name") ?? "");
  const user = session.user;
  const q = viewQuery(c);
  const o = await projectOverview(c.env, user, subjectOf(user), name, q);
  const s = o.stats;
  const archived = o.mapping?.archived ?? false;
  const base = projectPath(name);
  return page(
    c,
    { title: name, nav: "projects" },
    <>
      <p class="small">
        <a href={viewUrl("/projects", q, {})}>Projects</a> /
      </p>
      <h1>
        {name} {archived ? <span class="muted small">(archived)</span> : null}
      </h1>
      <RangePicker range={o.range} q={q} base={base} />
      <Card id="totals" title={<>{o.range.label}</>}>
        <div class="tiles">
          <Tile label="Total" testid="total" seconds={s.total_seconds}>{hm(s.total_seconds)}</Tile>
          <Tile label="Heartbeats">{o.details?.total_heartbeats ?? 0}</Tile>
          <Tile label="Last activity" small>{when(o.details?.last_heartbeat)}</Tile>
        </div>
        <DailyBars
          days={s.days}
          fromDate={o.range.key === "all_time" ? (s.days[0]?.date ?? o.range.toDate) : o.range.fromDate}
          toDate={o.range.toDate}
          linkFor={(date) => viewUrl(base, q, { range: "custom", from: date, to: date })}
          caption={`Time per day on ${name}, ${o.range.label}`}
        />
        <p class="small">
          <a href={viewUrl("/dashboard", q, { project: name })}>Open the dashboard filtered to this project</a>
        </p>
      </Card>
      <div class="grid">
        <Card id="langs" title="Languages">
          <Breakdown items={s.languages} label="Languages" />
        </Card>
        <Card id="branches" title="Branches">
          {s.branches?.some((b) => b.name !== "Other") ? <Breakdown items={s.branches} label="Branches" /> : <p class="muted">No branch data (the editor plugin did not send branches).</p>}
        </Card>
        <Card id="files" title="Files">
          {s.entities?.length ? <Breakdown items={s.entities} label="Files" limit={15} /> : <p class="muted">No file data in this range.</p>}
        </Card>
        <Card id="editors" title="Editors">
          <Breakdown items={s.editors} label="Editors" />
        </Card>
      </div>
      <Card id="settings" title="Repository and archive">
        <form method="post" action={`${base}/repo`} class="form-row">
          <Csrf session={session} />
          <label>
            Repository URL
            <input type="url" name="repo_url" value={o.mapping?.repo_url ?? ""} placeholder="https://github.com/you/project" size={50} />
          </label>
          <button type="submit">Save</button>
        </form>
        <p class="small muted">
          Currently: <RepoLink url={o.mapping?.repo_url ?? null} />. An empty URL removes it.
        </p>
        <PostButton session={session} action={`${base}/${archived ? "unarchive" : "archive"}`} kind="secondary">
          {archived ? "Unarchive this project" : "Archive this project"}
        </PostButton>
        <p class="small muted">Archived projects stay in your stats but are left out of public project lists.</p>
      </Card>
    </>,
  );
}

export async function saveRepo(c: Context<AppEnv>) {
  const session = sessionOf(c);
  const form = await checkedForm(c, session);
  const name = projectNameParam(c.req.param("name") ?? "");
  try {
    await setRepoUrl(c.env.DB, session.user.id, name, validateRepoUrl(form.repo_url ?? ""));
    setFlash(c, { kind: "notice", text: "Repository saved." });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    setFlash(c, { kind: "error", text: e.message });
  }
  return c.redirect(projectPath(name), 303);
}

export function archive(archived: boolean) {
  return async (c: Context<AppEnv>) => {
    const session = sessionOf(c);
    const form = await checkedForm(c, session);
    const name = projectNameParam(c.req.param("name") ?? "");
    await setArchived(c.env.DB, session.user.id, name, archived);
    setFlash(c, { kind: "notice", text: `${name} is ${archived ? "archived" : "no longer archived"}.` });
    return c.redirect(form.back === "list" ? "/projects" : projectPath(name), 303);
  };
}
