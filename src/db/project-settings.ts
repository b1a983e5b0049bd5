// A user's per-project settings (project_repo_mappings): repository URL and archived state.
// Drizzle throughout; the upserts rely on the unique index (user_id, project_name).
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "./client";
import { projectRepoMappings } from "./schema";
import { NOW_ISO } from "./sql";

const columns = {
  projectName: projectRepoMappings.projectName,
  repoUrl: projectRepoMappings.repoUrl,
  archivedAt: projectRepoMappings.archivedAt,
  createdAt: projectRepoMappings.createdAt,
  updatedAt: projectRepoMappings.updatedAt,
};

export type MappingRow = Pick<typeof projectRepoMappings.$inferSelect, keyof typeof columns>;

const now = sql.raw(NOW_ISO);

export async function mappingOf(d1: D1Database, userId: number, projectName: string): Promise<MappingRow | undefined> {
  return getDb(d1)
    .select(columns)
    .from(projectRepoMappings)
    .where(and(eq(projectRepoMappings.userId, userId), eq(projectRepoMappings.projectName, projectName)))
    .get();
}

export async function mappingsOf(d1: D1Database, userId: number): Promise<MappingRow[]> {
  return getDb(d1).select(columns).from(projectRepoMappings).where(eq(projectRepoMappings.userId, userId)).all();
}

/** Sets the project's repository URL (null clears it), creating its mapping if needed. */
export async function upsertRepoUrl(d1: D1Database, userId: number, projectName: string, repoUrl: string | null): Promise<MappingRow> {
  return getDb(d1)
    .insert(projectRepoMappings)
    .values({ userId, projectName, repoUrl })
    .onConflictDoUpdate({ target: [projectRepoMappings.userId, projectRepoMappings.projectName], set: { repoUrl, updatedAt: now } })
    .returning(columns)
    .get();
}

/** Archives (archived_at = now) or unarchives the project, creating its mapping if needed. */
export async function upsertArchived(d1: D1Database, userId: number, projectName: string, archived: boolean): Promise<MappingRow> {
  const archivedAt = archived ? now : null;
  return getDb(d1)
    .insert(projectRepoMappings)
    .values({ userId, projectName, archivedAt })
    .onConflictDoUpdate({ target: [projectRepoMappings.userId, projectRepoMappings.projectName], set: { archivedAt, updatedAt: now } })
    .returning(columns)
    .get();
}
