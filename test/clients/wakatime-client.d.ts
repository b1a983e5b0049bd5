// The wakatime-client package ships no types: the methods the tests call, with the answers
// typed loosely (the tests check them against Tally's own numbers).
declare module "wakatime-client" {
  type Answer = Promise<any>;
  type DateRange = { startDate: string; endDate: string };
  export const RANGE: Readonly<{ LAST_7_DAYS: string; LAST_30_DAYS: string; LAST_6_MONTHS: string; LAST_YEAR: string }>;
  export class WakaTimeClient {
    constructor(apiKey: string, baseURL?: string);
    getUser(userId: string): Answer;
    getMe(): Answer;
    getUserAgents(userId: string): Answer;
    getMyUserAgents(): Answer;
    getUserSummary(params: { userId: string; dateRange: DateRange; projectName?: string; branchNames?: string[] }): Answer;
    getMySummary(params: { dateRange: DateRange; projectName?: string; branchNames?: string[] }): Answer;
    getUserStats(params: { userId: string; range: string; timeout?: number; useWritesOnly?: boolean; projectName?: string }): Answer;
    getMyStats(params: { range: string; timeout?: number; useWritesOnly?: boolean; projectName?: string }): Answer;
    getProjects(userId: string): Answer;
    getMyProjects(): Answer;
    getLeaders(params?: { language?: string; pageNumber?: number }): Answer;
    getHeartbeats(params: { userId: string; date: string }): Answer;
    getMyHeartbeats(date: string): Answer;
    getGoals(userId: string): Answer;
    getMyGoals(): Answer;
    getDurations(params: { userId: string; date: string; projectName?: string; branchNames?: string[] }): Answer;
    getMyDurations(params: { date: string; projectName?: string; branchNames?: string[] }): Answer;
    /** The whole axios response, not its data. */
    getMetadata(): Answer;
  }
}
