// Copy the pinned third-party browser builds and their licenses from node_modules into
// static/vendor/ (committed), so the page runs offline and under CSP script-src 'self'.
// Usage: npm ci && npm run vendor
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");

// d3-* ESM builds import each other by bare name (no import maps under CSP), so we ship their
// UMD builds, loaded with classic <script> tags in dependency order; uPlot has a real ESM build.
const FILES = {
  "d3-array": ["dist/d3-array.min.js"],
  "d3-contour": ["dist/d3-contour.min.js"],
  "d3-color": ["dist/d3-color.min.js"],
  "d3-interpolate": ["dist/d3-interpolate.min.js"],
  "d3-scale-chromatic": ["dist/d3-scale-chromatic.min.js"],
  uplot: ["dist/uPlot.esm.js", "dist/uPlot.min.css"],
  // The API docs page (/docs) loads Swagger UI from here, so it works offline too.
  "swagger-ui-dist": [
    "swagger-ui-bundle.js",
    "swagger-ui-bundle.js.LICENSE.txt",
    "swagger-ui.css",
    "NOTICE",
  ],
};

const pkgJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const manifest = {};
rmSync(out, { recursive: true, force: true });
for (const [name, files] of Object.entries(FILES)) {
  const src = join(root, "node_modules", name);
  if (!existsSync(src)) throw new Error(`${name} is not installed: run \`npm ci\` first`);
  const meta = JSON.parse(readFileSync(join(src, "package.json"), "utf8"));
  // Refuse to vendor something other than what package.json pins.
  if (meta.version !== pkgJson.dependencies[name]) {
    throw new Error(`${name}: installed ${meta.version}, package.json pins ${pkgJson.dependencies[name]}`);
  }
  const dest = join(out, name);
  mkdirSync(dest, { recursive: true });
  for (const file of [...files, "LICENSE"]) {
    copyFileSync(join(src, file), join(dest, file.split("/").pop()));
  }
  manifest[name] = { version: meta.version, license: meta.license, files: files.map((f) => f.split("/").pop()) };
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendored ${Object.keys(manifest).length} packages into static/vendor/`);
