import { createRouter } from "../lib/router";

export const mySettingsRouter = createRouter();
