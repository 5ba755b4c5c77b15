// The console mailer's output, captured: what a developer would read in the terminal. Tests
// follow the links in it as a user follows the links in their inbox.
import { createMailer, type Mailer } from "@frontdesk/core/mail/mailer";

export interface Mailbox {
  mailer: Mailer;
  /** The latest link to `path` mailed to `to`, waiting for it to arrive. */
  link(to: string, path: string, timeoutMs?: number): Promise<string>;
}

export function consoleMailbox(): Mailbox {
  const printed: string[] = [];
  const mailer = createMailer({ smtpUrl: undefined, from: "frontdesk <no-reply@frontdesk.test>" }, { write: (t) => void printed.push(t) });
  return {
    mailer,
    async link(to, path, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        for (const mail of [...printed].reverse()) {
          if (!mail.includes(`To: ${to}\n`)) continue;
          const m = new RegExp(`https?://[^\\s]+${path.replace(/[/?]/g, "\\$&")}[^\\s]*`).exec(mail);
          if (m) return m[0];
        }
        if (Date.now() > until) throw new Error(`no mail to ${to} with a ${path} link:\n${printed.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
