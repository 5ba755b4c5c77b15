// `npm run build -w widgets`: each widget to one self-contained script (IIFE: a plain
// <script async> works on any page), Svelte compiled as custom elements with their CSS inside
// the shadow root. Prints each script's gzipped size; the goal is ≤ 15 KB.
import { build } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { gzipSync } from "node:zlib";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIST_DIR, SOURCE_HASH_FILE, WIDGET_ENTRIES, WIDGETS_DIR, sourceHash } from "./sources.ts";

const TARGET_GZIP_BYTES = 15 * 1024;

mkdirSync(DIST_DIR, { recursive: true });
const hash = sourceHash();
for (const [name, entry] of Object.entries(WIDGET_ENTRIES)) {
  await build({
    configFile: false,
    root: WIDGETS_DIR,
    logLevel: "warn",
    plugins: [svelte({ configFile: false, compilerOptions: { runes: true, discloseVersion: false } })],
    build: {
      outDir: DIST_DIR,
      emptyOutDir: false,
      target: "es2022",
      sourcemap: false,
      lib: { entry: join(WIDGETS_DIR, entry), formats: ["iife"], name: `frontdesk_${name.replace("-", "_")}`, fileName: () => `${name}.js` },
    },
  });
  const file = join(DIST_DIR, `${name}.js`);
  if (!existsSync(file)) throw new Error(`the build wrote no ${file}`);
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`widgets/dist/${name}.js  ${kb(bytes.length)}  gzip ${kb(gz)}${gz > TARGET_GZIP_BYTES ? `  (over the ${kb(TARGET_GZIP_BYTES)} goal)` : ""}`);
}
writeFileSync(SOURCE_HASH_FILE, hash + "\n");
