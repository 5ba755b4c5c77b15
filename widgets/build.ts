// `npm run build -w widgets`: each widget to one self-contained script (IIFE: a plain
// <script async> works on any page): a custom element (src/shared/element.svelte.ts) that
// mounts the widget's compiled Svelte 5 component, runes only, in its shadow root with its CSS.
// Prints each script's gzipped size against the goal (≤ 15 KB) and its budget (sources.ts).
import { build, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIST_DIR, GZIP_BUDGET_BYTES, SOURCE_HASH_FILE, TARGET_GZIP_BYTES, WIDGET_ENTRIES, WIDGETS_DIR, gzippedBytes, sourceHash } from "./sources.ts";

// The widgets only ever mount() in the browser: they never hydrate server-rendered markup and
// have no legacy (Svelte 4 syntax) or experimental-async components. Svelte's runtime keeps
// those paths behind module-level `let` flags that a bundler cannot prove constant; stating
// them as constants lets the minifier drop every hydration branch (~1 KB gzipped of each
// script). Each rewrite must match, so a Svelte upgrade that moves them fails the build
// instead of silently shipping the full runtime; turning a flag on at run time throws.
const SPECIALISED: Record<string, [RegExp, string][]> = {
  "svelte/src/internal/client/dom/hydration.js": [
    [/export let hydrating = false;/, "export const hydrating = false;"],
    [/hydrating = value;/, 'if (value) throw new Error("frontdesk widgets are built without hydration");'],
  ],
  "svelte/src/internal/flags/index.js": [
    [/export let async_mode_flag = false;/, "export const async_mode_flag = false;"],
    [/export let legacy_mode_flag = false;/, "export const legacy_mode_flag = false;"],
    [/export let tracing_mode_flag = false;/, "export const tracing_mode_flag = false;"],
    [/\{\s*(\w+_flag) = (?:true|false);\s*\}/g, '{ throw new Error("frontdesk widgets are built without $1"); }'],
  ],
};
const mountOnlyRuntime: Plugin = {
  name: "frontdesk-mount-only-svelte-runtime",
  enforce: "pre",
  transform(code, id) {
    const file = Object.keys(SPECIALISED).find((f) => id.replaceAll("\\", "/").endsWith(f));
    if (!file) return;
    for (const [pattern, replacement] of SPECIALISED[file]!) {
      if (!pattern.test(code)) throw new Error(`${file} no longer contains ${pattern}: update build.ts for this Svelte version`);
      pattern.lastIndex = 0;
      code = code.replace(pattern, replacement);
    }
    return { code, map: null };
  },
};

mkdirSync(DIST_DIR, { recursive: true });
const hash = sourceHash();
for (const [name, entry] of Object.entries(WIDGET_ENTRIES)) {
  await build({
    configFile: false,
    root: WIDGETS_DIR,
    logLevel: "warn",
    plugins: [mountOnlyRuntime, svelte({ configFile: false, compilerOptions: { runes: true, discloseVersion: false } })],
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
  const gz = gzippedBytes(file);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const budget = GZIP_BUDGET_BYTES[name]!;
  const note = gz > budget ? `  OVER ITS BUDGET of ${kb(budget)}` : gz > TARGET_GZIP_BYTES ? `  (goal ${kb(TARGET_GZIP_BYTES)}, budget ${kb(budget)})` : "";
  console.log(`widgets/dist/${name}.js  ${kb(bytes.length)}  gzip ${kb(gz)}${note}`);
}
writeFileSync(SOURCE_HASH_FILE, hash + "\n");
