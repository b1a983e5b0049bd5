import { createRouter } from "../lib/router";

export const slackRouter = createRouter();
