// Keeping each user's UserActivity object in step with D1 for what a key check answers
// (docs/edge-auth.md). Every change to a user's keys, or to the fields a key check returns
// (time zone, privacy, levels, an active deletion request, a daily goal), calls this after its
// D1 write and before it answers, so the next request sees the change.
import { userActivity } from "../durable/stub";

export async function credentialsChanged(env: Env, userId: number): Promise<void> {
  await userActivity(env, userId).credentialsChanged(userId);
}
