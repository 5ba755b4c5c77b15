// The README's "Running in production" on a fresh, empty database: `npm run db:deploy`,
// `npm run db:seed` (twice: idempotent), then the API start command; the demo owner can log in
// and the seeded knowledge gets indexed and is searchable.
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createEmptyDatabase, dropDatabases } from "./support/databases.ts";
import { productionEnv } from "./support/env.ts";
import { freePort, killAll, runToEnd, startCommand, waitForStatus } from "./support/processes.ts";

afterAll(async () => {
  await killAll();
  await dropDatabases();
});

async function count(url: string, sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
  } finally {
    await c.end();
  }
}

describe("production set-up on a fresh database", () => {
  it("db:deploy, db:seed and `npm run start -w api` give a working demo business", async () => {
    const url = await createEmptyDatabase("setup");
    const env = productionEnv(url);

    const deploy = await runToEnd("npm", ["run", "db:deploy"], env);
    expect(deploy.code, deploy.output).toBe(0);

    const seed = await runToEnd("npm", ["run", "db:seed"], env);
    expect(seed.code, seed.output).toBe(0);
    expect(seed.output).toContain("Created the demo business");
    const again = await runToEnd("npm", ["run", "db:seed"], env);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("already exists");
    expect(await count(url, `SELECT count(*) AS n FROM "Business" WHERE slug = 'sunrise-dental'`)).toBe(1);
    expect(await count(url, `SELECT count(*) AS n FROM "RAGContent"`)).toBe(6);
    expect(await count(url, `SELECT count(*) AS n FROM "PhoneNumber" WHERE e164 = '+15555550100'`)).toBe(1);

    const port = await freePort();
    const api = startCommand("npm", ["run", "start", "-w", "api"], { ...env, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/readyz`, api);

    const login = await fetch(`${base}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "demo@frontdesk.local", password: "frontdesk-demo" }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    // The API's own job worker indexes what the seed queued.
    await expect
      .poll(
        async () => {
          const res = await fetch(`${base}/v1/knowledge/search?q=${encodeURIComponent("where do I park?")}`, { headers: { cookie } });
          const body = (await res.json()) as { data?: { title: string }[] };
          return body.data?.[0]?.title;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe("Location and parking");
    await api.stop(); // npm relays the signal; the drain itself is tested on the entry point
  }, 180_000);
});
