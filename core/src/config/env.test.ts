import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./env.ts";

describe("environment configuration", () => {
  it("starts with nothing configured, on embedded defaults", () => {
    const c = loadConfig({});
    expect(c.env).toBe("development");
    expect(c.ports).toEqual({ api: 3000, realtime: 3001, dashboard: 3002, worker: 3003, widgetDemo: 3004 });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.openai.apiKey).toBeUndefined();
    expect(c.openai.realtimeUrl).toBe("wss://api.openai.com/v1/realtime");
    expect(c.openai.realtimeModel).toBe("gpt-realtime");
    expect(c.publicBaseUrl).toBe("http://127.0.0.1:3001");
    expect(c.twilio.configured).toBe(false);
    expect(c.pinecone).toBeUndefined();
    expect(c.stripe).toBeUndefined();
  });

  it("names every malformed variable on its own line, without echoing secrets", () => {
    try {
      loadConfig({
        API_PORT: "http",
        DATABASE_URL: "mysql://x",
        REDIS_URL: "not a url",
        TWILIO_ACCOUNT_SID: "XY123",
        APP_SECRET: "short",
        OPENAI_REALTIME_URL: "https://api.openai.com/v1/realtime",
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as ConfigError).problems;
      expect(lines).toHaveLength(6);
      expect(lines.find((l) => l.startsWith("API_PORT"))).toMatch(/number/);
      expect(lines.find((l) => l.startsWith("DATABASE_URL"))).toMatch(/postgres/);
      expect(lines.find((l) => l.startsWith("TWILIO_ACCOUNT_SID"))).toMatch(/AC followed by 32 hex/);
      expect(lines.find((l) => l.startsWith("OPENAI_REALTIME_URL"))).toMatch(/ws:\/\/ or wss:\/\//);
      expect(lines.find((l) => l.startsWith("APP_SECRET"))).toContain('"***"');
      expect((err as Error).message).not.toContain("short");
    }
  });

  it("refuses to run in production without a database, a secret and a public URL", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(
      /DATABASE_URL is required[\s\S]*APP_SECRET is required[\s\S]*PUBLIC_BASE_URL is required/,
    );
  });

  it("treats empty variables as unset and trims trailing slashes from public URLs", () => {
    const c = loadConfig({ REDIS_URL: "", PUBLIC_BASE_URL: "https://voice.example.com/", PORT: "8080" });
    expect(c.redisUrl).toBeUndefined();
    expect(c.publicBaseUrl).toBe("https://voice.example.com");
    expect(c.port).toBe(8080);
  });

  it("enables Pinecone and Stripe only when their keys are given", () => {
    const c = loadConfig({ PINECONE_API_KEY: "pc", PINECONE_INDEX_HOST: "http://127.0.0.1:9", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_PRICE_PRO: "price_pro" });
    expect(c.pinecone).toEqual({ apiKey: "pc", indexHost: "http://127.0.0.1:9", controllerUrl: undefined });
    expect(c.stripe).toMatchObject({ secretKey: "sk_test_x", webhookSecret: "whsec_x", prices: { pro: "price_pro", starter: undefined } });
    expect(loadConfig({}).stripe).toBeUndefined();
  });

  it("refuses Stripe without its webhook secret, in any environment, naming the variable", () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: "sk_test_x" })).toThrow(/STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set/);
  });
});
