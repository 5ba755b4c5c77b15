import { afterAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { rawSocket, textFrame } from "./ws-frames.ts";

describe("text frames written straight to the socket", () => {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
  const listening = new Promise((r) => wss.once("listening", r));
  afterAll(() => new Promise((r) => wss.close(r)));

  it("arrive as the same messages ws would have sent, both ways, at every length encoding", async () => {
    await listening;
    const serverSide = new Promise<WebSocket>((r) => wss.once("connection", r));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`, { perMessageDeflate: false });
    await new Promise((r) => client.once("open", r));
    const server = await serverSide;
    const received = (ws: WebSocket, n: number) =>
      new Promise<string[]>((resolve) => {
        const got: string[] = [];
        ws.on("message", (d: Buffer, isBinary: boolean) => {
          expect(isBinary).toBe(false);
          if (got.push(d.toString()) === n) resolve(got);
        });
      });
    const bodies = [10, 125, 126, 300, 65_535, 70_000].map((n) => "x".repeat(n));
    const atServer = received(server, bodies.length + 1);
    const atClient = received(client, bodies.length + 1);
    for (const body of bodies) {
      rawSocket(client)!.write(textFrame(Buffer.from('{"a":"'), Buffer.from(body), Buffer.from('"}'), true));
      rawSocket(server)!.write(textFrame(Buffer.from('{"b":"'), Buffer.from(body), Buffer.from('"}'), false));
    }
    // ws's own sends stay in order with them.
    client.send('{"last":true}');
    server.send('{"last":true}');
    expect(await atServer).toEqual([...bodies.map((b) => `{"a":"${b}"}`), '{"last":true}']);
    expect(await atClient).toEqual([...bodies.map((b) => `{"b":"${b}"}`), '{"last":true}']);
    client.close();
  });

  it("from the client side are masked with a fresh random key each, as RFC 6455 requires", () => {
    const frames = Array.from({ length: 3 }, () => textFrame(Buffer.from('{"a":"'), Buffer.from("hello audio"), Buffer.from('"}'), true));
    const keys = frames.map((f) => f.subarray(2, 6).toString("hex"));
    expect(new Set(keys).size).toBe(3);
    for (const f of frames) {
      expect(f[1]! & 0x80).toBe(0x80);
      expect(f.subarray(6).toString()).not.toContain("hello audio");
    }
  });

  it("are not used on a socket that is not open", () => {
    const ws = new WebSocket("ws://127.0.0.1:1");
    ws.on("error", () => {});
    expect(rawSocket(ws)).toBeUndefined();
    ws.terminate();
  });
});
