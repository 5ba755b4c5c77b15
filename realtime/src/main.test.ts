import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";

describe("npm run start -w realtime", () => {
  it("refuses to start without DATABASE_URL and says why", () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, ["--import", "tsx", "realtime/src/main.ts"], { env, encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Invalid configuration");
    expect(r.stderr).toContain("DATABASE_URL");
  });
});
