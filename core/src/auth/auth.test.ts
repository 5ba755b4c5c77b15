import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { hashPassword, passwordProblem, verifyPassword, verifyPasswordOfUnknownUser } from "./password.ts";
import { generatePublishableKey, generateSecretKey, hashApiKey, isPublishableKeyShaped, isSecretKeyShaped, keyIsLive, scopesAllow } from "./api-keys.ts";
import { csrfTokenFor, csrfTokenMatches, hashToken, newToken } from "./tokens.ts";
import { createLoginThrottle } from "./login-throttle.ts";
import { createRedisCache } from "../cache/redis-cache.ts";
import { testCache } from "../../../test/support/services.ts";

const cache = testCache();
afterAll(() => cache.close());

describe("passwords", () => {
  it("a password verifies against its own hash and no other", async () => {
    const hash = await hashPassword("correct horse battery staple", 4);
    expect(hash).not.toContain("correct");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPassword("anything", "not-a-bcrypt-hash")).toBe(false);
  });

  it("passphrases longer than 72 bytes count in full", async () => {
    const long = "x".repeat(80);
    const hash = await hashPassword(long + "A", 4);
    expect(await verifyPassword(long + "A", hash)).toBe(true);
    expect(await verifyPassword(long + "B", hash)).toBe(false);
  });

  it("an unknown user's login is refused", async () => {
    expect(await verifyPasswordOfUnknownUser("whatever", 4)).toBe(false);
  });

  it("short, repeated or common passwords are refused with a reason", () => {
    expect(passwordProblem("short")).toMatch(/at least/);
    expect(passwordProblem("aaaaaaaaaaaa")).toMatch(/repeated/);
    expect(passwordProblem("password123!")).toMatch(/common/);
    expect(passwordProblem("maria-garden-2031", "maria@example.com")).toMatch(/email/);
    expect(passwordProblem("a perfectly fine phrase")).toBeNull();
  });
});

describe("api keys", () => {
  it("a secret key is sk_live_ with a visible prefix, its last 4, and a hash that needs the app secret", () => {
    const k = generateSecretKey("s".repeat(32));
    expect(isSecretKeyShaped(k.key)).toBe(true);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    expect(k.prefix).toMatch(/^sk_live_[0-9A-Za-z]{6}$/);
    expect(k.key.endsWith(k.last4)).toBe(true);
    expect(k.hash).toBe(hashApiKey(k.key, "s".repeat(32)));
    expect(k.hash).not.toBe(hashApiKey(k.key, "t".repeat(32)));
    expect(generateSecretKey("s".repeat(32)).key).not.toBe(k.key);
  });

  it("publishable keys are pk_live_ and never look like secret keys", () => {
    const pk = generatePublishableKey();
    expect(isPublishableKeyShaped(pk)).toBe(true);
    expect(isSecretKeyShaped(pk)).toBe(false);
  });

  it("write scope implies read of the same resource only", () => {
    expect(scopesAllow(["calls:write"], ["calls:read"])).toBe(true);
    expect(scopesAllow(["calls:read"], ["calls:write"])).toBe(false);
    expect(scopesAllow(["knowledge:write"], ["calls:read"])).toBe(false);
    expect(scopesAllow([], [])).toBe(true);
  });

  it("a revoked or expired key is not live", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(keyIsLive({ revokedAt: null, expiresAt: null }, now)).toBe(true);
    expect(keyIsLive({ revokedAt: now, expiresAt: null }, now)).toBe(false);
    expect(keyIsLive({ revokedAt: null, expiresAt: new Date(now.getTime() - 1) }, now)).toBe(false);
    expect(keyIsLive({ revokedAt: null, expiresAt: new Date(now.getTime() + 1000) }, now)).toBe(true);
  });
});

describe("session tokens", () => {
  it("a CSRF token matches only its own session", () => {
    const a = hashToken(newToken());
    const b = hashToken(newToken());
    const secret = "s".repeat(32);
    expect(csrfTokenMatches(csrfTokenFor(a, secret), a, secret)).toBe(true);
    expect(csrfTokenMatches(csrfTokenFor(b, secret), a, secret)).toBe(false);
    expect(csrfTokenMatches(undefined, a, secret)).toBe(false);
  });
});

describe("login throttle", () => {
  it("locks an account after its failures and unlocks it on success", async () => {
    const t = createLoginThrottle({ cache, maxFailuresPerAccount: 3, maxFailuresPerIp: 100, windowMs: 60_000 });
    const email = `t-${randomBytes(4).toString("hex")}@example.test`;
    for (let i = 0; i < 3; i++) {
      expect((await t.check(email, "10.0.0.1")).allowed).toBe(true);
      await t.recordFailure(email, "10.0.0.1");
    }
    const verdict = await t.check(email, "10.0.0.2");
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.retryAfterMs).toBeGreaterThan(50_000);
    await t.recordSuccess(email);
    expect((await t.check(email, "10.0.0.2")).allowed).toBe(true);
  });

  it("locks an IP that fails across many accounts", async () => {
    const t = createLoginThrottle({ cache, maxFailuresPerAccount: 100, maxFailuresPerIp: 4, windowMs: 60_000 });
    const ip = `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    for (let i = 0; i < 4; i++) await t.recordFailure(`u${i}-${ip}@example.test`, ip);
    expect((await t.check("someone-else@example.test", ip)).allowed).toBe(false);
    expect((await t.check("someone-else@example.test", "10.8.0.1")).allowed).toBe(true);
  });

  it("lets logins through when the cache is down, and reports it", async () => {
    const errors: unknown[] = [];
    // A real Redis client pointed at a port nobody listens on.
    const down = createRedisCache({ url: "redis://127.0.0.1:1", prefix: "down:" });
    try {
      const t = createLoginThrottle({ cache: down, onError: (e) => errors.push(e) });
      expect((await t.check("a@example.test", "1.2.3.4")).allowed).toBe(true);
      await t.recordFailure("a@example.test", "1.2.3.4");
      expect(errors.length).toBe(2);
    } finally {
      await down.close();
    }
  });
});
