// The heartbeat as the API shows it: Hackatime's full attribute set (id, user_id, float time,
// normalised fields, source_type, timestamps), typed for JSON.
import type { StoredHeartbeat } from "../../db/heartbeats";

export function heartbeatJson(row: StoredHeartbeat) {
  const { ysws_program: _ignored, dependencies, is_write, ...rest } = row as StoredHeartbeat & {
    ysws_program?: unknown;
    dependencies: string | null;
    is_write: number | null;
  };
  return {
    ...rest,
    dependencies: dependencies ? (JSON.parse(dependencies) as string[]) : [],
    is_write: is_write === null || is_write === undefined ? null : is_write === 1,
  };
}
