// Goals (WakaTime's coding goals), one function per statement. Drizzle throughout (typed rows from
// schema.ts), except the account-deletion statement, which joins a raw D1 batch.
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "./client";
import { goals, type GoalRow } from "./schema";
import { NOW_ISO } from "./sql";

export type NewGoal = typeof goals.$inferInsert;
export type GoalChanges = Partial<Omit<NewGoal, "id" | "userId" | "createdAt" | "updatedAt">>;

/** A user's goals, oldest first (goals_user). */
export async function goalsOf(d1: D1Database, userId: number): Promise<GoalRow[]> {
  return getDb(d1).select().from(goals).where(eq(goals.userId, userId)).orderBy(asc(goals.createdAt), asc(goals.id)).all();
}

export async function goalOf(d1: D1Database, userId: number, id: string): Promise<GoalRow | undefined> {
  return getDb(d1)
    .select()
    .from(goals)
    .where(and(eq(goals.id, id), eq(goals.userId, userId)))
    .get();
}

/** The goal the status bar shows: the user's oldest enabled daily goal (goals_user). */
export async function dailyGoalOf(d1: D1Database, userId: number): Promise<GoalRow | undefined> {
  return getDb(d1)
    .select()
    .from(goals)
    .where(and(eq(goals.userId, userId), eq(goals.delta, "day"), eq(goals.isEnabled, true)))
    .orderBy(asc(goals.createdAt), asc(goals.id))
    .limit(1)
    .get();
}

export async function insertGoal(d1: D1Database, goal: NewGoal): Promise<GoalRow> {
  return getDb(d1).insert(goals).values(goal).returning().get();
}

/** Applies changes to one of the user's goals; undefined when it is not theirs or not there. */
export async function updateGoal(d1: D1Database, userId: number, id: string, changes: GoalChanges): Promise<GoalRow | undefined> {
  return getDb(d1)
    .update(goals)
    .set({ ...changes, updatedAt: sql.raw(NOW_ISO) })
    .where(and(eq(goals.id, id), eq(goals.userId, userId)))
    .returning()
    .get();
}

/** Deletes one of the user's goals; false when it is not theirs or not there. */
export async function deleteGoal(d1: D1Database, userId: number, id: string): Promise<boolean> {
  const deleted = await getDb(d1)
    .delete(goals)
    .where(and(eq(goals.id, id), eq(goals.userId, userId)))
    .returning({ id: goals.id })
    .all();
  return deleted.length > 0;
}

/** Every goal of a user, as a statement for the account-deletion batch. */
