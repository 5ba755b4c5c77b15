// What a call session needs from the line the caller is on, and nothing more: the session
// does not know whether it is a phone (Twilio Media Streams) or the dashboard's browser.
// Audio is 8 kHz μ-law, base64, both ways.

export type TransportEndReason = "caller_hangup" | "stream_closed";

export interface CallTransport {
  readonly kind: "twilio" | "browser";
  /** Queues agent audio for the caller; `mark` names the position right after it (see mark()). */
  sendAudio(payloadB64: string | Buffer, mark?: string): void;
  /** A named position in the outgoing audio; reported through onMarkPlayed once played (or dropped by clearAudio). */
  mark(name: string): void;
  /** Drops every queued, unplayed piece of agent audio (barge-in). */
  clearAudio(): void;
  /** The caller's audio: base64 μ-law as bytes (a view of the frame it came in; use it at once or copy it). */
  onAudio(fn: (payloadB64: Buffer) => void): void;
  onMarkPlayed(fn: (name: string) => void): void;
  onDtmf(fn: (digit: string) => void): void;
  /** Called once when the line ends from the caller's side. */
  onEnd(fn: (reason: TransportEndReason) => void): void;
  /** A transfer to a phone number can be carried out on this line. */
  readonly canTransfer: boolean;
  /** Ends the call for the caller. */
  hangUp(): Promise<void>;
  /** Sends the caller to a phone number (ends this stream). */
  transfer(toE164: string): Promise<void>;
  /**
   * Ends the call with words from the phone network, not the model (which may be gone), then
   * dials `thenDial` if given, else hangs up.
   */
  endWithMessage(message: string, thenDial?: string | null): Promise<void>;
  /** Closes the line without ceremony (shutdown, errors). */
  close(code?: number, reason?: string): void;
}
