// /@username: a user's public profile (what they made public; private users are 404 to
// everyone else), shareable, with their badges.
import type { Context } from "hono";
import { publicProfile } from "../../domain/public-profile";
import type { AppEnv } from "../../env";
import { Breakdown, Heatmap, hm } from "../charts";
import { page } from "../layout";
import { originOf } from "./public";
import { currentSession } from "../session";
import { Card, Head, Tile } from "../ui";

export async function profilePage(c: Context<AppEnv>) {
  const handle = (c.req.param("handle") ?? "").slice(1);
  const session = currentSession(c);
  const p = await publicProfile(c.env, handle, session?.user ?? null);
  const origin = originOf(c);
  const base = `/@${encodeURIComponent(p.username)}`;
  const s = p.stats;
  return page(
    c,
    { title: p.displayName },
    <>
      <section class="hero">
        <h1>
          <img class="avatar" src={p.avatar} alt="" width="48" height="48" /> {p.displayName}
        </h1>
        <p class="muted">
          @{p.username}
          {p.private ? " · your profile is private: only you can see this page" : null}
        </p>
      </section>
      <section class="tiles" aria-label="Totals">
        <Tile label="All time" testid="total" seconds={s.total_seconds}>{hm(s.total_seconds)}</Tile>
        <Tile label="Daily average">{hm(s.daily_average)}</Tile>
        <Tile label="Streak">{s.streak} {s.streak === 1 ? "day" : "days"}</Tile>
      </section>
      <Card id="year" title="The last year">
        <Heatmap days={p.year.days} fromDate={p.year.fromDate} toDate={p.year.toDate} linkFor={() => base} />
      </Card>
      <div class="grid">
        <Card id="langs" title="Languages">
          <Breakdown items={s.languages} label="Languages" />
        </Card>
        <Card id="projects" title="Projects (last year)">
          {p.projects.length ? (
            <div class="table-wrap">
            <table>
              <Head cols={["Project", { label: "Time", num: true }, "Languages"]} />
              <tbody>
                {p.projects.slice(0, 15).map((r) => (
                  <tr>
                    <th scope="row">
                      {r.repo_url && /^https?:\/\//i.test(r.repo_url) ? (
                        <a href={r.repo_url} rel="noopener noreferrer nofollow">
                          {r.name}
                        </a>
                      ) : (
                        r.name
                      )}
                    </th>
                    <td class="num">{hm(r.total_seconds)}</td>
                    <td class="small">{r.languages.slice(0, 4).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          ) : (
            <p class="muted">No projects in the last year.</p>
          )}
        </Card>
        <Card id="editors" title="Editors">
          <Breakdown items={s.editors} label="Editors" />
        </Card>
      </div>
      <Card id="badges" title="Badges" class="badge-preview">
        {p.private ? (
          <p class="muted">Badges show only while your stats are public.</p>
        ) : (
          <>
            <p>
              <img src={`${base}/badge.svg`} alt={`coding time: ${hm(s.total_seconds)}`} height="20" />
            </p>
            <p class="small">Markdown:</p>
            <pre>
              <code>{`[![coding time](${origin}${base}/badge.svg)](${origin}${base})`}</code>
            </pre>
            <p class="small">
              shields.io endpoint: <code>{`https://img.shields.io/endpoint?url=${encodeURIComponent(`${origin}${base}/badge.json`)}`}</code>. A project's badge:{" "}
              <code>{`${origin}${base}/projects/<project>/badge.svg`}</code>.
            </p>
          </>
        )}
      </Card>
    </>,
  );
}
