// Structured logs (pino). Children carry businessId and callSid; secrets are redacted.
import { pino, type Logger } from "pino";

export type { Logger } from "pino";

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    redact: {
      paths: [
        "password", "*.password", "token", "*.token", "authorization", "*.authorization",
        "headers.authorization", "headers.cookie", "apiKey", "*.apiKey", "secret", "*.secret",
      ],
      censor: "[redacted]",
    },
  });
}
