// Static files the Worker serves from npm packages: which files, and the URLs they are served
// at. `scripts/build-assets.ts` copies them into `dist/public` (git-ignored), which wrangler.toml
// deploys as Workers static assets.
//
// Why static assets and not text modules imported into the Worker: the files stay out of the
// Worker bundle (Swagger UI alone is ~1.9 MB that every isolate, Durable Objects included, would
// otherwise load), Cloudflare serves them without running the Worker or counting against its
// rate limits, and the web app gets the same mechanism for its own CSS and JS (OWN_ASSETS).
// The cost is one copy step, run by wrangler's [build] command (`npm start`, `wrangler deploy`)
// and by vitest.config.ts (`npm test`).
import { version as swaggerUiVersion } from "swagger-ui-dist/package.json";

/** Where the copies live in the deployed assets; nothing else is served under it. */
export const ASSETS_PREFIX = "/assets";

/**
 * npm packages whose files are served, each under a URL that carries the version pinned by
 * package-lock.json: a new version is a new URL, so the files can be cached as immutable.
 */
export const PACKAGE_ASSETS = {
  "swagger-ui-dist": {
    version: swaggerUiVersion,
    files: ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"],
  },
} as const;

type Packages = typeof PACKAGE_ASSETS;

/**
 * The URL path of a package's versioned folder, e.g. `/assets/swagger-ui-dist/5.35.0` (not
 * `…@5.35.0`: the assets server redirects `@` to `%40`, which a _headers rule would miss).
 */
export function packageAssetBase(pkg: keyof Packages): string {
  return `${ASSETS_PREFIX}/${pkg}/${PACKAGE_ASSETS[pkg].version}`;
}

/** The URL path of one served file of a package. */
export function packageAsset<P extends keyof Packages>(pkg: P, file: Packages[P]["files"][number]): string {
  return `${packageAssetBase(pkg)}/${file}`;
}

/**
 * The web app's own files (src/web/static/), served under /assets/tally/. Their URL carries no
 * version, so they are served "no-cache": browsers revalidate them (a 304 while unchanged) and
 * a deploy takes effect at once. They are small (the budget: under 100 KB compressed for a
 * first load of /dashboard, bench/web.ts measures it).
 */
export const OWN_ASSETS = ["app.css", "copy.js", "import-progress.js"] as const;
export const OWN_ASSETS_BASE = `${ASSETS_PREFIX}/tally`;

export const ownAsset = (file: (typeof OWN_ASSETS)[number]) => `${OWN_ASSETS_BASE}/${file}`;
