// Requests Node's HTTP parser refuses before express sees them (headers over the size limit,
// a malformed request line or header) get a problem+json answer with a Request-Id, like every
// other error of the API, instead of Node's bare "431" or "400" with no body.
import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { problemBody } from "./problem.ts";
import { newRequestId } from "./request-id.ts";

export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    // A reset or timed-out socket, or one that already has an answer: nothing left to say.
    if (err.code === "ECONNRESET" || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? 431 : 400;
    const requestId = newRequestId();
    const detail = tooLarge ? "The request's headers are too large." : "The request could not be read (malformed HTTP).";
    const body = JSON.stringify(problemBody(status, tooLarge ? "client_error" : "bad_request", detail, requestId));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nRequest-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
