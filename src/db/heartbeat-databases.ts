// The D1 databases that hold heartbeats (and, next to them, the leaderboard buckets each
// UserActivity keeps): a board build runs its statements once per database in this list.
// Today one, the main DB; sharding heartbeats changes only this function.
export function heartbeatDatabases(env: Env): D1Database[] {
  return [env.DB];
}
