import { createRouter } from "../../lib/router";

export const adminAuditLogsRouter = createRouter();
