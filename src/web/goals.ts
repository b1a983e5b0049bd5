// Goals on the dashboard and in settings. The goals feature (WakaTime's goals API, table `goals`)
// is built separately; until it is wired in here, every user has no goals and the pages say so.
// The pages only need this list: wiring is replacing the body of goalProgress with the goals
// domain function.
import type { DurationSubject } from "../domain/durations/query";

export interface GoalProgress {
  id: string;
  title: string;
  /** The goal's period. */
  period: "day" | "week";
  targetSeconds: number;
  /** Time so far in the current period (from the same durations as every other number). */
  actualSeconds: number;
}

export async function goalProgress(_env: Env, _user: DurationSubject): Promise<GoalProgress[]> {
  return [];
}
