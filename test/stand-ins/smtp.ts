// A local SMTP server standing in for a mail provider: it speaks real SMTP (smtp-server),
// accepts AUTH PLAIN/LOGIN with any credentials it was given, and parses each message it
// receives with mailparser, so a test reads the mail as a recipient would.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO). */
  envelopeTo: string[];
  envelopeFrom: string;
  parsed: ParsedMail;
  /** The login the client authenticated with, if any. */
  user: string | undefined;
}

export interface SmtpStandIn {
  /** smtp://user:pass@127.0.0.1:port, for SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** Resolves with the first mail to `to` (case-insensitive) matching `subject`, waiting for it. */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  /** Mails received so far for `to`. */
  to(to: string): ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpStandIn(creds = { user: "frontdesk", pass: "smtp-secret" }): Promise<SmtpStandIn> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === creds.user && auth.password === creds.pass) return cb(null, { user: auth.username });
      return cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            parsed,
            user: typeof session.user === "string" ? session.user : undefined,
          });
          for (const w of waiters) w();
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const forAddress = (to: string) => received.filter((m) => m.envelopeTo.some((a) => a.toLowerCase() === to.toLowerCase()));
  return {
    url: `smtp://${creds.user}:${creds.pass}@127.0.0.1:${port}`,
    received,
    to: forAddress,
    waitFor(to, subject, timeoutMs = 15_000) {
      const find = () => forAddress(to).find((m) => !subject || subject.test(m.parsed.subject ?? ""));
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = find();
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ""} within ${timeoutMs} ms (got ${received.length} mails)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a mail's text that opens `path` on the dashboard, and its token. */
export function linkIn(mail: ReceivedMail, path: string): { url: URL; token: string } {
  const text = mail.parsed.text ?? "";
  const found = text.match(/https?:\/\/\S+/g)?.map((u) => new URL(u)).find((u) => u.pathname === path);
  if (!found) throw new Error(`no ${path} link in mail:\n${text}`);
  return { url: found, token: found.searchParams.get("token") ?? "" };
}
