import { createRouter } from "../lib/router";

export const myDataRouter = createRouter();
