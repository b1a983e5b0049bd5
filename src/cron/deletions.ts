// Daily at 02:00 UTC (ProcessAccountDeletionsJob): approved deletion requests whose
// scheduled_deletion_at has passed are anonymised and marked completed. Work per run is
// bounded (users and heartbeat rows); what does not fit stays approved for the next run.
import { log } from "../lib/log";
import { anonymizeUser, dueDeletionRequests, markDeletionCompleted } from "../domain/deletion";
import type { CronJob } from "./types";

export const DELETION_CRON = "0 2 * * *";

export interface DeletionRunLimits {
  /** Requests taken per run. */
  maxUsers: number;
  /** Heartbeat rows soft-deleted per run, over all users. */
  maxHeartbeatRows: number;
  batchSize?: number;
}

export const DEFAULT_DELETION_LIMITS: DeletionRunLimits = { maxUsers: 25, maxHeartbeatRows: 1_000_000 };

export interface DeletionRunResult {
  completed: number[]; // request ids
  deferred: number[]; // started, not finished: the row budget ran out
  failed: number[];
}

/** Processes the requests due at `nowMs` (the trigger's scheduled time). */
export async function runDueDeletions(env: Env, nowMs: number, limits: DeletionRunLimits = DEFAULT_DELETION_LIMITS): Promise<DeletionRunResult> {
  const result: DeletionRunResult = { completed: [], deferred: [], failed: [] };
  const due = await dueDeletionRequests(env.DB, nowMs, limits.maxUsers);
  let rowsLeft = limits.maxHeartbeatRows;
  const errors: unknown[] = [];
  for (const request of due) {
    if (rowsLeft <= 0) break; // the rest wait for the next run, untouched
    try {
      const outcome = await anonymizeUser(env, request.userId, { maxHeartbeatRows: rowsLeft, batchSize: limits.batchSize });
      rowsLeft -= outcome.heartbeatsDeleted;
      if (!outcome.done) {
        result.deferred.push(request.id);
        continue;
      }
      await markDeletionCompleted(env, request);
      result.completed.push(request.id);
      log.info("account deleted", { deletion_request_id: request.id, user_id: request.userId, heartbeats: outcome.heartbeatsDeleted });
    } catch (err) {
      // One account failing does not hold up the others; it stays approved and is retried tomorrow.
      result.failed.push(request.id);
      errors.push(err);
      log.error("account deletion failed", { deletion_request_id: request.id, user_id: request.userId, error: String(err) });
    }
  }
  if (errors.length) throw new AggregateError(errors, `${errors.length} account deletion(s) failed`);
  return result;
}

const processDueDeletions: CronJob = async (env, controller) => {
  await runDueDeletions(env, controller.scheduledTime);
};

/** Cron expression → jobs. */
export const deletionJobs: Record<string, CronJob[]> = { [DELETION_CRON]: [processDueDeletions] };
