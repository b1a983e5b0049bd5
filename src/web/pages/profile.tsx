// /@username: a user's public profile (what they made public; private users are 404 to
// everyone else), shareable, with their badges.
import type { Context } from "hono";
import { publicProfile } from "../../domain/public-profile";
import type { AppEnv } from "../../env";
import { Breakdown, Heatmap, hm } from "../charts";
import { page } from "../layout";
import { originOf } from "./public";
import { currentSession } from "../session";

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
        <div class="tile">
          <span class="label">All time</span>
          <span class="value" data-testid="total" data-seconds={String(s.total_seconds)}>
            {hm(s.total_seconds)}
          </span>
        </div>
        <div class="tile">
          <span class="label">Daily average</span>
          <span class="value">{hm(s.daily_average)}</span>
        </div>
        <div class="tile">
          <span class="label">Streak</span>
          <span class="value">
            {s.streak} {s.streak === 1 ? "day" : "days"}
          </span>
        </div>
      </section>
      <section class="card" aria-labelledby="year-h">
        <h2 id="year-h">The last year</h2>
        <Heatmap days={p.year.days} fromDate={p.year.fromDate} toDate={p.year.toDate} linkFor={() => base} />
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="langs-h">
          <h2 id="langs-h">Languages</h2>
          <Breakdown items={s.languages} label="Languages" />
        </section>
        <section class="card" aria-labelledby="projects-h">
          <h2 id="projects-h">Projects (last year)</h2>
          {p.projects.length ? (
            <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Project</th>
                  <th scope="col" class="num">
                    Time
                  </th>
                  <th scope="col">Languages</th>
                </tr>
              </thead>
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
        </section>
        <section class="card" aria-labelledby="editors-h">
          <h2 id="editors-h">Editors</h2>
          <Breakdown items={s.editors} label="Editors" />
        </section>
      </div>
      <section class="card badge-preview" aria-labelledby="badges-h">
        <h2 id="badges-h">Badges</h2>
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
      </section>
    </>,
  );
}
