// The environment a production process gets in these tests: nothing from the test run but
// PATH/HOME, Redis (under its own key prefix inside the run's) and the secrets production needs.
export function productionEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    CACHE_PREFIX: `${process.env.CACHE_PREFIX}ops-${Math.random().toString(36).slice(2, 8)}:`,
    APP_SECRET: process.env.APP_SECRET,
    PUBLIC_BASE_URL: "https://voice.example.com",
    HOST: "127.0.0.1",
    ...extra,
  };
}
