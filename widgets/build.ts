// `npm run build -w widgets`: each widget to one self-contained script (IIFE: a plain
// <script async> works on any page): a custom element (src/shared/element.svelte.ts) that
// mounts the widget's compiled Svelte 5 component, runes only, in its shadow root with its CSS.
// Prints each script's gzipped size against the goal (≤ 15 KB) and its budget (sources.ts).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleWidget } from "./bundle.ts";
import { DIST_DIR, GZIP_BUDGET_BYTES, SOURCE_HASH_FILE, TARGET_GZIP_BYTES, WIDGET_ENTRIES, WIDGETS_DIR, gzippedBytes, sourceHash } from "./sources.ts";

mkdirSync(DIST_DIR, { recursive: true });
const hash = sourceHash();
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
for (const [name, entry] of Object.entries(WIDGET_ENTRIES)) {
  const file = await bundleWidget({ root: WIDGETS_DIR, entry: join(WIDGETS_DIR, entry), outDir: DIST_DIR, name });
  const gz = gzippedBytes(file);
  const budget = GZIP_BUDGET_BYTES[name]!;
  const note = gz > budget ? `  OVER ITS BUDGET of ${kb(budget)}` : gz > TARGET_GZIP_BYTES ? `  (goal ${kb(TARGET_GZIP_BYTES)}, budget ${kb(budget)})` : "";
  console.log(`widgets/dist/${name}.js  ${kb(readFileSync(file).length)}  gzip ${kb(gz)}${note}`);
}
writeFileSync(SOURCE_HASH_FILE, hash + "\n");
