import { createRouter } from "../../lib/router";

export const adminDeletionRequestsRouter = createRouter();
