/** The user's UserActivity object (one per user, named by the user id). */
export const userActivity = (env: Env, userId: number) => env.USER_ACTIVITY.getByName(String(userId));
