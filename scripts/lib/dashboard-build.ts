// The dashboard's production build, redone whenever its sources change: a hash of every source
// file is kept beside the build, and a different hash (or no build) means build again. A lock
// directory keeps two starters (or two test files) from building into the same folder at once.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCommand } from "./run-command.ts";

export const DASHBOARD_DIR = resolve(import.meta.dirname, "../../dashboard");
const BUILD_DIR = join(DASHBOARD_DIR, "build");
const HASH_FILE = join(BUILD_DIR, ".source-hash");
const LOCK_DIR = join(DASHBOARD_DIR, ".build-lock");
const INPUTS = ["src", "static", "package.json", "svelte.config.js", "vite.config.ts", "tsconfig.json"];
// The API types the pages compile against live outside dashboard/.
const EXTRA = [resolve(DASHBOARD_DIR, "../api/src/generated/openapi.ts")];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => filesUnder(join(path, e.name)));
}

export function dashboardSourceHash(): string {
  const h = createHash("sha256");
  for (const file of [...INPUTS.flatMap((p) => filesUnder(join(DASHBOARD_DIR, p))), ...EXTRA.filter(existsSync)]) {
    h.update(file.slice(DASHBOARD_DIR.length)).update("\0").update(readFileSync(file)).update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

export function dashboardBuildIsCurrent(): boolean {
  return existsSync(join(BUILD_DIR, "index.js")) && existsSync(HASH_FILE) && readFileSync(HASH_FILE, "utf8").trim() === dashboardSourceHash();
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // A lock older than 10 minutes is left over from a killed build.
      if (existsSync(LOCK_DIR) && Date.now() - statSync(LOCK_DIR).mtimeMs > 10 * 60_000) rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`waited too long for another dashboard build (${LOCK_DIR})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the dashboard unless the build matches the sources; says whether it built. */
export async function ensureDashboardBuilt(opts: { quiet?: boolean; onBuild?: () => void } = {}): Promise<boolean> {
  if (dashboardBuildIsCurrent()) return false;
  return withLock(async () => {
    if (dashboardBuildIsCurrent()) return false; // built by whoever held the lock
    opts.onBuild?.();
    const hash = dashboardSourceHash();
    // The production build whatever NODE_ENV this process inherited (vitest sets "test", under
    // which Vite would bundle Svelte's development runtime, and npm start would then serve it).
    await runCommand("npm", ["run", "build", "-w", "dashboard"], { quiet: opts.quiet ?? true, env: { ...process.env, NODE_ENV: "production" } });
    writeFileSync(HASH_FILE, hash + "\n");
    return true;
  });
}
