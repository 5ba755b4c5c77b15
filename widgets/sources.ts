// The widgets' sources and their hash: the build records it beside the scripts, and `npm
// start` rebuilds when it no longer matches (a source was changed since the last build).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const WIDGETS_DIR = fileURLToPath(new URL(".", import.meta.url));
export const DIST_DIR = join(WIDGETS_DIR, "dist");
export const SOURCE_HASH_FILE = join(DIST_DIR, "sources.sha256");
/** The scripts a build writes, by widget name. */
export const WIDGET_ENTRIES: Record<string, string> = { knowledge: "src/knowledge.ts", "call-log": "src/call-log.ts" };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

export function sourceHash(): string {
  const hash = createHash("sha256");
  const files = [...filesUnder(join(WIDGETS_DIR, "src")), join(WIDGETS_DIR, "build.ts"), join(WIDGETS_DIR, "package.json")].sort();
  for (const f of files) hash.update(relative(WIDGETS_DIR, f)).update("\0").update(readFileSync(f)).update("\0");
  return hash.digest("hex");
}

export function builtHash(): string | null {
  try {
    return readFileSync(SOURCE_HASH_FILE, "utf8").trim();
  } catch {
    return null;
  }
}
