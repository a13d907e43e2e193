/** A real HTTP server on 127.0.0.1 (a free port) for `npm run try`; it reports every request to a Timeline. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface TryServer {
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

export async function startServer(handle: Handler): Promise<TryServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    Promise.resolve(handle(url, req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Latencies drawn from a seeded generator: the same run every time. */
export function latencies(min: number, max: number, seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(min + unit * (max - min));
  };
}

export { sleep };
