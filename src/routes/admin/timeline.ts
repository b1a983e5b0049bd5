import { createRouter } from "../../lib/router";

export const adminTimelineRouter = createRouter();
