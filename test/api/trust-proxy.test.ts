// TRUST_PROXY: behind the dashboard's proxy, per-IP limits count the real client from
// X-Forwarded-For; with it off (the default), a client cannot pick its own address that way.
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { call, startApi } from "./support/api-harness.ts";
import { testConfig } from "../support/services.ts";

const login = (api: { url: string }, forwardedFor?: string) =>
  call(api, "POST", "/v1/auth/login", {
    body: { email: `nobody-${randomBytes(4).toString("hex")}@example.test`, password: "whatever it is" },
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
  });

describe("TRUST_PROXY", () => {
  it("is off by default: X-Forwarded-For does not give a client a fresh per-IP bucket", async () => {
    expect(testConfig({ TRUST_PROXY: undefined }).trustProxy).toBe(false);
    const api = await startApi({ rateLimits: { authPerIp: 2 }, isolated: true, config: testConfig({ TRUST_PROXY: undefined }) });
    try {
      const statuses = [];
      for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) statuses.push((await login(api, ip)).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await api.close();
    }
  });

  it("with a hop count, each client behind the proxy has its own per-IP bucket", async () => {
    const api = await startApi({ rateLimits: { authPerIp: 2 }, isolated: true, config: testConfig({ TRUST_PROXY: "1" }) });
    try {
      expect([(await login(api, "203.0.113.1")).status, (await login(api, "203.0.113.1")).status, (await login(api, "203.0.113.1")).status]).toEqual([401, 401, 429]);
      // Another client through the same proxy is not limited by the first one's attempts.
      expect((await login(api, "203.0.113.2")).status).toBe(401);
      // A client forging an extra hop is still counted by the address the proxy saw.
      expect((await login(api, "198.51.100.7, 203.0.113.1")).status).toBe(429);
    } finally {
      await api.close();
    }
  });

  it("with a list, only the listed proxies are believed", async () => {
    const config = testConfig({ TRUST_PROXY: "127.0.0.1, ::1, ::ffff:127.0.0.1" });
    expect(config.trustProxy).toEqual(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
    const api = await startApi({ rateLimits: { authPerIp: 1 }, isolated: true, config });
    try {
      expect((await login(api, "203.0.113.1")).status).toBe(401);
      expect((await login(api, "203.0.113.2")).status).toBe(401);
      expect((await login(api, "203.0.113.1")).status).toBe(429);
    } finally {
      await api.close();
    }
    const untrusted = await startApi({ rateLimits: { authPerIp: 1 }, isolated: true, config: testConfig({ TRUST_PROXY: "10.0.0.0/8" }) });
    try {
      expect((await login(untrusted, "203.0.113.1")).status).toBe(401);
      expect((await login(untrusted, "203.0.113.2")).status).toBe(429);
    } finally {
      await untrusted.close();
    }
  });

  it("refuses a malformed value", () => {
    expect(() => testConfig({ TRUST_PROXY: "1,,2" })).toThrow(/TRUST_PROXY/);
  });
});
