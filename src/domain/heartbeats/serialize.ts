// The heartbeat as the API shows it: Hackatime's full attribute set (id, user_id, float time,
// normalised fields, source_type, timestamps), typed for JSON. Every stored column
// (db/heartbeat-fields.ts) but ysws_program; dependencies as a list, is_write as a boolean.
import type { StoredHeartbeat } from "../../db/heartbeat-fields";

export function heartbeatJson(row: StoredHeartbeat) {
  const { ysws_program: _ignored, dependencies, is_write, ...rest } = row;
  return {
    ...rest,
    dependencies: dependencies ? (JSON.parse(dependencies) as string[]) : [],
    is_write: is_write === null || is_write === undefined ? null : is_write === 1,
  };
}

export type HeartbeatJson = ReturnType<typeof heartbeatJson>;
