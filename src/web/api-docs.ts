// /api-docs: Swagger UI for /api-docs/openapi.json, entirely from this Worker. The page loads
// Swagger UI from our static assets (src/web/assets.ts) and starts it from a script file, so it
// runs under a CSP without inline scripts and without any other host.
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../env";
import { packageAsset } from "./assets";

const INITIALIZER_PATH = "/api-docs/swagger-initializer.js";

// No inline script or style: Swagger UI (5.35) sets styles through the DOM, which CSP allows,
// and its CSS embeds its icons as data: URIs. test/browser/api-docs.test.ts fails on any CSP
// violation, so an upgrade that needs more shows up there.
const API_DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tally API</title>
<link rel="stylesheet" href="${packageAsset("swagger-ui-dist", "swagger-ui.css")}">
<link rel="icon" type="image/png" href="${packageAsset("swagger-ui-dist", "favicon-32x32.png")}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${packageAsset("swagger-ui-dist", "swagger-ui-bundle.js")}"></script>
<script src="${INITIALIZER_PATH}"></script>
</body>
</html>
`;

// validatorUrl: null — by default Swagger UI sends the document's URL to validator.swagger.io.
const initializer = `window.ui = SwaggerUIBundle({
  url: "/api-docs/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
`;

export const apiDocsRouter = new Hono<AppEnv>();

// Both are tiny and change with a deploy (the page names the asset versions): revalidated on
// every load, answered 304 while unchanged.
apiDocsRouter.use("/api-docs", etag());
apiDocsRouter.use(INITIALIZER_PATH, etag());

apiDocsRouter.get("/api-docs", (c) => {
  c.header("Content-Security-Policy", API_DOCS_CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-cache");
  return c.html(page);
});

apiDocsRouter.get(INITIALIZER_PATH, (c) => {
  c.header("Content-Type", "text/javascript; charset=utf-8");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", "no-cache");
  return c.body(initializer);
});
