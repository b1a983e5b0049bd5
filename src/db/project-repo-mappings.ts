// Per-user project settings (project_repo_mappings: repository URL, archived state). Raw SQL:
// several names or users are passed as one JSON parameter and expanded with json_each.
// Lookups go through project_repo_mappings_user_project (user_id, project_name).

/** The mapping ids of a user's projects among `names` (a project without a mapping is absent). */
export async function mappingIdsByProject(d1: D1Database, userId: number, names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const { results } = await d1
    .prepare("SELECT id, project_name FROM project_repo_mappings WHERE user_id = ?1 AND project_name IN (SELECT value FROM json_each(?2))")
    .bind(userId, JSON.stringify(names))
    .all<{ id: number; project_name: string }>();
  return new Map(results.map((m) => [m.project_name, m.id]));
}

/** Per user among `userIds`: project name → repository URL. */
export async function repoUrlsByUser(d1: D1Database, userIds: number[]): Promise<Map<number, Map<string, string | null>>> {
  const { results } = await d1
    .prepare("SELECT user_id, project_name, repo_url FROM project_repo_mappings WHERE user_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(userIds))
    .all<{ user_id: number; project_name: string; repo_url: string | null }>();
  const byUser = new Map<number, Map<string, string | null>>();
  for (const m of results) {
    if (!byUser.has(m.user_id)) byUser.set(m.user_id, new Map());
    byUser.get(m.user_id)!.set(m.project_name, m.repo_url);
  }
  return byUser;
}
