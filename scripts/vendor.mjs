// Copy the pinned third-party browser builds and their licenses from node_modules into
// static/vendor/ (committed), so the page runs offline and under CSP script-src 'self'; and the
// test-only axe-core build into tests/e2e/vendor/ (injected by the accessibility test, never served).
// Usage: npm ci && npm run vendor
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkgJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned = { ...pkgJson.dependencies, ...pkgJson.devDependencies };

// d3-* ESM builds import each other by bare name (no import maps under CSP), so we ship their
// UMD builds, loaded with classic <script> tags in dependency order; uPlot has a real ESM build,
// but only unminified: we minify it here (same file name, so the page's imports stay as they are).
const SERVED = {
  "d3-array": ["dist/d3-array.min.js"],
  "d3-contour": ["dist/d3-contour.min.js"],
  uplot: ["dist/uPlot.esm.js", "dist/uPlot.min.css"],
  // The API docs page (/docs) loads Swagger UI from here, so it works offline too.
  "swagger-ui-dist": ["swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.css", "NOTICE"],
  // Lesson mode and the update-rule view typeset math with KaTeX, imported only when opened. Its
  // ESM build is minified here; of its fonts only the woff2 files (every browser we serve reads
  // them, and the CSS lists woff2 first) are shipped, kept in fonts/ as the CSS expects.
  katex: ["dist/katex.mjs", "dist/katex.min.css", "dist/fonts/*.woff2"],
};
const MINIFY = new Set(["uplot/dist/uPlot.esm.js", "katex/dist/katex.mjs"]);
const TEST_ONLY = { "axe-core": ["axe.min.js", "LICENSE-3RD-PARTY.txt"] };

function installed(name) {
  const src = join(root, "node_modules", name);
  if (!existsSync(src)) throw new Error(`${name} is not installed: run \`npm ci\` first`);
  const meta = JSON.parse(readFileSync(join(src, "package.json"), "utf8"));
  // Refuse to vendor something other than what package.json pins.
  if (meta.version !== pinned[name]) throw new Error(`${name}: installed ${meta.version}, package.json pins ${pinned[name]}`);
  return { src, meta };
}

// uPlot's banner (copyright, licence) is kept; the rest is compressed and mangled as a module.
async function minified(path) {
  const out = await minify(readFileSync(path, "utf8"), {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /Copyright|License|Licensed/i },
  });
  return out.code + "\n";
}

async function vendor(out, packages) {
  const manifest = {};
  rmSync(out, { recursive: true, force: true });
  for (const [name, files] of Object.entries(packages)) {
    const { src, meta } = installed(name);
    const dest = join(out, name);
    mkdirSync(dest, { recursive: true });
    const shipped = [];
    for (const file of [...files, "LICENSE"]) {
      if (file.includes("*")) {
        // "dist/fonts/*.woff2": every file of that folder with that ending, into dest/fonts/.
        const [folder, pattern] = [file.slice(0, file.lastIndexOf("/")), file.split("/").pop()];
        const sub = folder.split("/").pop();
        mkdirSync(join(dest, sub), { recursive: true });
        for (const found of readdirSync(join(src, folder)).filter((f) => f.endsWith(pattern.slice(1))).sort()) {
          copyFileSync(join(src, folder, found), join(dest, sub, found));
        }
        shipped.push(`${sub}/${pattern}`);
        continue;
      }
      const target = join(dest, file.split("/").pop());
      if (MINIFY.has(`${name}/${file}`)) writeFileSync(target, await minified(join(src, file)));
      else copyFileSync(join(src, file), target);
      if (file !== "LICENSE") shipped.push(file.split("/").pop());
    }
    manifest[name] = { version: meta.version, license: meta.license, files: shipped };
    const shrunk = files.filter((f) => MINIFY.has(`${name}/${f}`)).map((f) => f.split("/").pop());
    if (shrunk.length) manifest[name].minified = { files: shrunk, by: `terser ${pinned.terser}` };
  }
  writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`vendored ${Object.keys(manifest).length} packages into ${out.slice(root.length + 1)}/`);
}

await vendor(join(root, "static", "vendor"), SERVED);
await vendor(join(root, "tests", "e2e", "vendor"), TEST_ONLY);
