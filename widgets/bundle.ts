// How one widget script is bundled, shared by build.ts (the real scripts) and floor.ts (what
// Svelte itself weighs): Vite in library mode to one IIFE (a plain <script async> works on any
// page), Svelte 5 runes only.
import { build, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { existsSync } from "node:fs";
import { join } from "node:path";

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
export const mountOnlyRuntime: Plugin = {
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

/**
 * Bundles `entry` to `outDir/<name>.js` and returns that file's path. `mountOnly: false` and
 * `customElement: true` give Svelte's standard custom-element build (for floor.ts).
 */
export async function bundleWidget(opts: { root: string; entry: string; outDir: string; name: string; mountOnly?: boolean; customElement?: boolean }): Promise<string> {
  // Always the production runtime: Vite keeps an inherited NODE_ENV (vitest sets "test"), and
  // under it resolves Svelte's development build, ~5 KB gzipped larger, with dev-only checks.
  process.env.NODE_ENV = "production";
  const compilerOptions = { runes: true, discloseVersion: false, customElement: opts.customElement ?? false };
  await build({
    configFile: false,
    root: opts.root,
    logLevel: "warn",
    plugins: [...(opts.mountOnly === false ? [] : [mountOnlyRuntime]), svelte({ configFile: false, compilerOptions })],
    build: {
      outDir: opts.outDir,
      emptyOutDir: false,
      target: "es2022",
      sourcemap: false,
      lib: { entry: opts.entry, formats: ["iife"], name: `frontdesk_${opts.name.replace(/\W/g, "_")}`, fileName: () => `${opts.name}.js` },
    },
  });
  const file = join(opts.outDir, `${opts.name}.js`);
  if (!existsSync(file)) throw new Error(`the build wrote no ${file}`);
  return file;
}
