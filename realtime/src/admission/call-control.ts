// Asks a live call to do something (leave the voicemail) wherever it runs: Twilio's callback
// reaches any relay instance, the call's session lives on one. The instance that has the call
// acts at once; otherwise the request goes out on a Redis channel every instance listens to.
import type { Cache, Unsubscribe } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { LiveCalls } from "./live-calls.ts";

const CHANNEL = "relay:call-control";

export type CallControlAction = "leave_voicemail";

export interface CallControl {
  /** Resolves once the action ran here or was published for the instance that has the call. */
  send(callSid: string, action: CallControlAction): Promise<void>;
  close(): Promise<void>;
}

function act(liveCalls: LiveCalls, callSid: string, action: CallControlAction): boolean {
  const actions = liveCalls.actionsOf(callSid);
  if (!actions) return false;
  if (action === "leave_voicemail") actions.leaveVoicemail();
  return true;
}

export function createCallControl(deps: { cache: Pick<Cache, "publish" | "subscribe">; liveCalls: LiveCalls; logger: Logger }): CallControl {
  const subscribed: Promise<Unsubscribe | undefined> = deps.cache
    .subscribe(CHANNEL, (message) => {
      try {
        const { callSid, action } = JSON.parse(message) as { callSid: string; action: CallControlAction };
        act(deps.liveCalls, callSid, action);
      } catch (err) {
        deps.logger.warn({ err: String(err) }, "call control message ignored");
      }
    })
    .catch((err) => {
      deps.logger.error({ err: String(err) }, "call control channel not subscribed: only calls on this instance can be controlled");
      return undefined;
    });
  return {
    async send(callSid, action) {
      if (act(deps.liveCalls, callSid, action)) return;
      await deps.cache.publish(CHANNEL, JSON.stringify({ callSid, action }));
    },
    async close() {
      await (await subscribed)?.();
    },
  };
}
