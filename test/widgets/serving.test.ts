// The API serves the widget scripts: a stable loader URL with a short cache that loads the
// content-hashed script, which is cached for good; a new build changes the hash at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi, type Api } from "../api/support/api-harness.ts";

let api: Api;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fd-widgets-"));
  writeFileSync(join(dir, "knowledge.js"), "window.knowledgeVersion = 1;\n");
  writeFileSync(join(dir, "call-log.js"), "window.callLogVersion = 1;\n");
  api = await startApi({ widgetsDir: dir });
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string) {
  const r = await fetch(api.url + path);
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const hashedName = (loader: string) => /"((?:knowledge|call-log)\.[0-9a-f]{12}\.js)"/.exec(loader)?.[1];

describe("widget scripts", () => {
  it("the stable loader is cached briefly and names the hashed script, which is cached for good", async () => {
    for (const name of ["knowledge", "call-log"]) {
      const loader = await get(`/widgets/v1/${name}.js`);
      expect(loader.status).toBe(200);
      expect(loader.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(loader.headers.get("cache-control")).toBe("public, max-age=300");
      const file = hashedName(loader.text);
      expect(file, loader.text).toBeDefined();
      const script = await get(`/widgets/v1/${file}`);
      expect(script.status).toBe(200);
      expect(script.text).toContain(name === "knowledge" ? "knowledgeVersion = 1" : "callLogVersion = 1");
      expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(script.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    }
  });

  it("a new build is a new hashed URL; the old one is gone and the loader moves on", async () => {
    const before = hashedName((await get("/widgets/v1/knowledge.js")).text)!;
    writeFileSync(join(dir, "knowledge.js"), "window.knowledgeVersion = 2; // rebuilt\n");
    const after = hashedName((await get("/widgets/v1/knowledge.js")).text)!;
    expect(after).not.toBe(before);
    expect((await get(`/widgets/v1/${after}`)).text).toContain("knowledgeVersion = 2");
    const old = await get(`/widgets/v1/${before}`);
    expect(old.status).toBe(404);
    expect(old.headers.get("cache-control")).toBe("no-store");
  });

  it("unknown widgets and paths are 404", async () => {
    expect((await get("/widgets/v1/nope.js")).status).toBe(404);
    expect((await get("/widgets/v1/../package.json")).status).toBe(404);
    expect((await get("/widgets/v1/knowledge.0123456789ab.js")).status).toBe(404);
  });
});
