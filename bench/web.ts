// `npm run bench:web`: the dashboard's weight in the browser. Builds the dashboard (when its
// sources changed) and, for each main page, adds up the JavaScript a first visit loads: the
// client entry (start + app and their imports) and every layout and page node of the route
// with their imports, as SvelteKit's build manifest lists them (the same files the page's
// <link rel="modulepreload"> tags name). Each file is counted once per page, gzipped (level 9).
// Ends with
//   dashboard: first-load JS X KB gzipped (largest page: /path)
// Target: <= 120 KB.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadavg } from "node:os";
import { DASHBOARD_DIR, ensureDashboardBuilt } from "../scripts/lib/dashboard-build.ts";

const MAIN_PAGES = ["/", "/onboarding", "/calls", "/calls/[id]", "/messages", "/knowledge", "/knowledge/[id]", "/agent", "/agent/test-call", "/developers", "/widgets", "/team", "/settings", "/billing", "/account", "/login", "/signup"];
const SERVER = join(DASHBOARD_DIR, ".svelte-kit/output/server");
const CLIENT = join(DASHBOARD_DIR, "build/client");

function importsOf(file: string): string[] {
  const m = /export const imports = (\[[^\]]*\])/.exec(readFileSync(file, "utf8"));
  return m ? (JSON.parse(m[1]!) as string[]) : [];
}

const gzipped = new Map<string, number>();
function gzipSize(asset: string): number {
  let n = gzipped.get(asset);
  if (n === undefined) gzipped.set(asset, (n = gzipSync(readFileSync(join(CLIENT, asset)), { level: 9 }).length));
  return n;
}

async function main() {
  const t0 = Date.now();
  const built = await ensureDashboardBuilt({ quiet: true });
  console.log(built ? `built the dashboard in ${((Date.now() - t0) / 1000).toFixed(1)} s` : "the dashboard build is current");
  const manifest = readFileSync(join(SERVER, "manifest.js"), "utf8");
  const client = /client: \{[^}]*imports:(\[[^\]]*\])/.exec(manifest);
  if (!client) throw new Error("could not read the client entry from the build manifest");
  const entry = JSON.parse(client[1]!) as string[];
  const routes = new Map<string, number[]>();
  // One block per route, each starting at its id (endpoints have `page: null`).
  for (const block of manifest.split(/\bid: "/).slice(1)) {
    const id = block.slice(0, block.indexOf('"'));
    const m = /page: \{ layouts: \[([^\]]*)\], errors: \[[^\]]*\], leaf: (\d+) \}/.exec(block.split(/\bendpoint:/)[0]!);
    if (!m) continue;
    const layouts = m[1]!.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
    routes.set(id, [...layouts, Number(m[2])]);
  }
  const rows: { page: string; files: number; kb: number }[] = [];
  for (const page of MAIN_PAGES) {
    const nodes = routes.get(page);
    if (!nodes) throw new Error(`no route ${page} in the build`);
    const files = new Set(entry);
    for (const n of nodes) for (const f of importsOf(join(SERVER, "nodes", `${n}.js`))) files.add(f);
    const bytes = [...files].reduce((sum, f) => sum + gzipSize(f), 0);
    rows.push({ page, files: files.size, kb: bytes / 1024 });
  }
  const w = Math.max(...rows.map((r) => r.page.length));
  console.log(`\n${"page".padEnd(w)}  files  first-load JS (gzip)`);
  for (const r of rows) console.log(`${r.page.padEnd(w)}  ${String(r.files).padStart(5)}  ${r.kb.toFixed(1).padStart(8)} KB`);
  const largest = rows.reduce((a, b) => (b.kb > a.kb ? b : a));
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (sizes do not depend on it); target <= 120 KB`);
  console.log(`dashboard: first-load JS ${largest.kb.toFixed(1)} KB gzipped (largest page: ${largest.page})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
