// Copies the npm-package files listed in src/web/assets.ts and the web app's own files
// (src/web/static) into dist/public, the Workers static
// assets directory (wrangler.toml [assets]), and writes its _headers file. Run by wrangler's
// [build] command before `wrangler dev` / `wrangler deploy`, and by vitest.config.ts.
// Files are only rewritten when their content changed, each through a rename, so a dev server
// already serving the folder never sees a half-written file.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OWN_ASSETS, OWN_ASSETS_BASE, PACKAGE_ASSETS, packageAssetBase } from "../src/web/assets";

export const assetsDir = path.resolve(import.meta.dirname, "..", "dist", "public");
const staticDir = path.resolve(import.meta.dirname, "..", "src", "web", "static");
const require = createRequire(import.meta.url);

function writeIfChanged(file: string, content: Buffer) {
  try {
    if (readFileSync(file).equals(content)) return false;
  } catch {
    /* new file */
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
  return true;
}

/** Removes whatever under `dir` is not in `keep` (absolute paths), e.g. an older package version. */
function prune(dir: string, keep: Set<string>) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && [...keep].some((k) => k.startsWith(full + path.sep))) prune(full, keep);
    else if (!keep.has(full)) rmSync(full, { recursive: true, force: true });
  }
}

export function buildAssets(): { dir: string; written: number } {
  const files = new Map<string, Buffer>();
  const headers: string[] = [];
  for (const [pkg, { version, files: names }] of Object.entries(PACKAGE_ASSETS)) {
    const pkgDir = path.dirname(require.resolve(`${pkg}/package.json`));
    const installed = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
    if (installed !== version) throw new Error(`${pkg}: installed ${installed}, expected ${version}; run npm install`);
    const base = packageAssetBase(pkg as keyof typeof PACKAGE_ASSETS);
    for (const name of names) files.set(path.join(assetsDir, base, name), readFileSync(path.join(pkgDir, name)));
    // The URL carries the package version, so a browser or edge cache never has to revalidate.
    headers.push(`${base}/*`, "  Cache-Control: public, max-age=31536000, immutable");
  }
  for (const name of OWN_ASSETS) files.set(path.join(assetsDir, OWN_ASSETS_BASE, name), readFileSync(path.join(staticDir, name)));
  // Unversioned URLs: revalidated on every use (ETag → 304), so a deploy is seen at once.
  headers.push(`${OWN_ASSETS_BASE}/*`, "  Cache-Control: no-cache");
  headers.push("/*", "  X-Content-Type-Options: nosniff");
  files.set(path.join(assetsDir, "_headers"), Buffer.from(headers.join("\n") + "\n"));

  mkdirSync(assetsDir, { recursive: true });
  let written = 0;
  for (const [file, content] of files) if (writeIfChanged(file, content)) written++;
  prune(assetsDir, new Set(files.keys()));
  return { dir: assetsDir, written };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { dir, written } = buildAssets();
  if (written > 0) console.log(`assets: wrote ${written} file(s) to ${path.relative(process.cwd(), dir)}`);
}
