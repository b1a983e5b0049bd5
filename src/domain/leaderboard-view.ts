// The leaderboards page: the API's board (latestBoard, the same snapshot
// GET /api/v1/leaderboard/{daily,weekly} serves), a page of it, where the viewer stands, and
// which entries link to a public profile.
import { publicStatsUserIds } from "../db/users";
import { latestBoard, type LeaderboardBody, type LeaderboardPeriod } from "./leaderboards";
import { identiconDataUri } from "./users/profile";

export const PER_PAGE = 50;

export interface LeaderboardView {
  board: Omit<LeaderboardBody, "entries">;
  entries: Array<LeaderboardBody["entries"][number] & { avatar: string; public: boolean }>;
  page: number;
  pages: number;
  total: number;
  /** The viewer's entry (rank and page), if they are on the board. */
  viewer: { rank: number; page: number; total_seconds: number } | null;
}

export async function leaderboardView(env: Env, period: LeaderboardPeriod, page: number, viewerId: number | null): Promise<LeaderboardView | null> {
  // Every entry of the snapshot (the page finds the viewer's rank in it); avatars are drawn below.
  const board = await latestBoard(env, period, "");
  if (!board) return null;
  const pages = Math.max(1, Math.ceil(board.entries.length / PER_PAGE));
  const p = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const slice = board.entries.slice((p - 1) * PER_PAGE, p * PER_PAGE);
  const visible = await publicStatsUserIds(env.DB, slice.map((e) => e.user.id));
  const me = viewerId === null ? undefined : board.entries.find((e) => e.user.id === viewerId);
  const { entries, ...meta } = board;
  return {
    board: meta,
    // Avatars are drawn here (identicons as data: URIs): the page loads nothing from Slack or GitHub.
    entries: await Promise.all(slice.map(async (e) => ({ ...e, avatar: await identiconDataUri(String(e.user.id)), public: visible.has(e.user.id) }))),
    page: p,
    pages,
    total: entries.length,
    viewer: me ? { rank: me.rank, page: Math.ceil(me.rank / PER_PAGE), total_seconds: me.total_seconds } : null,
  };
}
