// /leaderboards: the daily (rolling 24 h) and weekly boards the API serves, paged, the signed-in
// user's row highlighted.
import type { Context } from "hono";
import { leaderboardView } from "../../domain/leaderboard-view";
import type { LeaderboardPeriod } from "../../domain/leaderboards";
import type { AppEnv } from "../../env";
import { hm } from "../charts";
import { page } from "../layout";
import { currentSession } from "../session";
import { Card, Head, when } from "../ui";

const PERIODS: Array<{ key: LeaderboardPeriod; param: string; label: string }> = [
  { key: "daily", param: "daily", label: "Last 24 hours" },
  { key: "last_7_days", param: "weekly", label: "Last 7 days" },
];

export async function leaderboardsPage(c: Context<AppEnv>) {
  const session = currentSession(c);
  const period = PERIODS.find((p) => p.param === c.req.query("period")) ?? PERIODS[0];
  const view = await leaderboardView(c.env, period.key, Number(c.req.query("page") ?? 1), session?.user.id ?? null);
  const link = (p: number) => `/leaderboards?period=${period.param}&page=${p}`;
  return page(
    c,
    { title: "Leaderboards", nav: "leaderboards" },
    <>
      <h1>Leaderboards</h1>
      <nav aria-label="Period">
        <ul class="ranges">
          {PERIODS.map((p) => (
            <li>
              <a href={`/leaderboards?period=${p.param}`} aria-current={p.key === period.key ? "true" : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!view ? (
        <p class="card">This board is being generated. Try again in a minute.</p>
      ) : (
        <Card id="board" title={<>{view.board.date_range} <span class="muted small">· {view.total} ranked · updated {when(view.board.generated_at)}</span></>}>
          {view.viewer ? (
            <p>
              You are <strong>#{view.viewer.rank}</strong> with {hm(view.viewer.total_seconds)}
              {view.viewer.page !== view.page ? (
                <>
                  {" "}
                  · <a href={link(view.viewer.page)}>go to your row</a>
                </>
              ) : null}
              .
            </p>
          ) : session ? (
            <p class="muted">You are not on this board (more than a minute of coding in the window gets you on it).</p>
          ) : null}
          {view.entries.length ? (
            <div class="table-wrap">
              <table>
                <Head cols={[{ label: "Rank", num: true }, "Who", { label: "Time", num: true }]} />
                <tbody>
                  {view.entries.map((e) => {
                    const me = session?.user.id === e.user.id;
                    return (
                      <tr class={me ? "me" : undefined} aria-current={me ? "true" : undefined} data-user-id={String(e.user.id)}>
                        <td class="num">{e.rank}</td>
                        <td>
                          <img class="avatar" src={e.avatar} alt="" width="24" height="24" /> {e.public ? <a href={`/@${e.user.id}`}>{e.user.username}</a> : e.user.username}
                          {me ? <strong> (you)</strong> : null}
                        </td>
                        <td class="num">{hm(e.total_seconds)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">Nobody on this board yet.</p>
          )}
          {view.pages > 1 ? (
            <nav class="pager" aria-label="Pages">
              {view.page > 1 ? <a href={link(view.page - 1)}>Previous</a> : null}
              <span>
                Page {view.page} of {view.pages}
              </span>
              {view.page < view.pages ? <a href={link(view.page + 1)}>Next</a> : null}
            </nav>
          ) : null}
        </Card>
      )}
    </>,
  );
}
