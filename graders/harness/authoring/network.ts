/**
 * The mock network: an MSW server answers every request learner code makes (global fetch, and
 * node:http / node:https in any import style, via the facades in setup.ts). Requests no handler claims are
 * answered with a network error by a catch-all handler and recorded in `unexpected`: nothing passes
 * through to the real network, loopback included.
 *
 * Concurrency is observed with gates: `Gates` answers each request only when the test releases it, so a
 * test can count exactly how many requests are in flight at any moment. `StreamedBodies` answers at once
 * but holds the second half of each body until the test releases it: the test sees what code does while
 * a body is still arriving.
 */
import { http, HttpResponse, type HttpHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { settle } from "./clock.ts";
import { listSome, plural } from "../core/text.ts";
import { addLeakProbe } from "./leaks.ts";
import { inFlightAtStarts, peakOf, type Span } from "../core/timeline.ts";

export { http, HttpResponse };

/** Requests that reached no handler of the check: reported by `useNetwork().unexpected`. */
const unexpected: string[] = [];

const catchAll = http.all("*", ({ request }) => {
  unexpected.push(`${request.method} ${request.url}`);
  return HttpResponse.error();
});

export const server = setupServer(catchAll);

/** "METHOD url" of every request MSW saw, answered or not: reported by `useNetwork().requests`. */
const requests: string[] = [];
/** Requests whose handler has not answered yet (MSW's "request:start" without "request:end"), by request id. */
const inFlight = new Map<string, Request>();

const requestStarted = ({ request, requestId }: { request: Request; requestId: string }): void => {
  requests.push(`${request.method} ${request.url}`);
  inFlight.set(requestId, request);
};
const requestEnded = ({ requestId }: { requestId: string }): void => void inFlight.delete(requestId);

/** "2 requests were still in flight (GET http://…/c.txt, …)": requests the learner's code aborted do not count. */
export function describeInFlight(): string | undefined {
  const open = [...inFlight.values()].filter((r) => !r.signal?.aborted).map((r) => `${r.method} ${r.url}`);
  if (!open.length) return undefined;
  return `${plural(open.length, "request")} ${open.length === 1 ? "was" : "were"} still in flight (${listSome(open)})`;
}

/**
 * msw 2.x tees every mocked fetch response to emit "response:mocked", and nothing reads that copy: a
 * stream's tee settles a cancel only once the other branch is cancelled or read to its end, so
 * `await response.body.cancel()` in learner code (a correct way to drop a 404 body) never settles.
 * Reading MSW's copy to its end frees it. (Cancelling the copy instead breaks node:http requests: there
 * the copy is fed by the mock socket, which then enqueues into a closed stream and throws.)
 */
const drainResponseCopy = ({ response }: { response: Response }): void => {
  response.arrayBuffer().catch(() => {});
};

export interface NetworkOptions {
  /**
   * Read MSW's own copy of every mocked response to its end, so learner code that cancels a response
   * body (`await res.body?.cancel()`) does not hang. Off by default; a grader that reads
   * "response:mocked" bodies itself must leave it off.
   */
  drainResponseCopies?: boolean;
}

export interface MockNetwork {
  /** Installs handlers for the current check (they take precedence over the catch-all). */
  use(...handlers: HttpHandler[]): void;
  /** "METHOD url" of every request no handler answered during the current check. */
  readonly unexpected: readonly string[];
  /** "METHOD url" of every request made during the current check, answered or not, in arrival order. */
  readonly requests: readonly string[];
}

/** Starts the MSW server for this grader file; handlers and records are reset before every check. */
export function useNetwork(options: NetworkOptions = {}): MockNetwork {
  let removeProbe: () => void = () => {};
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    server.events.on("request:start", requestStarted);
    server.events.on("request:end", requestEnded);
    server.events.on("unhandledException", requestEnded);
    removeProbe = addLeakProbe(describeInFlight);
    if (options.drainResponseCopies) server.events.on("response:mocked", drainResponseCopy);
  });
  beforeEach(() => {
    unexpected.length = 0;
    requests.length = 0;
    inFlight.clear();
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => {
    removeProbe();
    server.events.removeListener("request:start", requestStarted);
    server.events.removeListener("request:end", requestEnded);
    server.events.removeListener("unhandledException", requestEnded);
    server.events.removeListener("response:mocked", drainResponseCopy);
    server.close();
  });
  return {
    use: (...handlers) => server.use(...handlers),
    get unexpected() {
      return unexpected;
    },
    get requests() {
      return requests;
    },
  };
}

/** A request's short name in a picture: the last segment of its path ("file-03.txt"). */
const fileName = (url: URL) => url.pathname.split("/").pop() || url.pathname;

/** A request held by the mock server until the test releases it. */
export interface HeldRequest {
  readonly url: URL;
  readonly method: string;
  /** Index in arrival order. */
  readonly index: number;
  /** True once the test let it be answered. */
  readonly released: boolean;
  release(): void;
}

/**
 * Gated requests: every request matching the handler waits until `release()`, then gets `respond(request)`.
 * Each request is recorded as a span (core/timeline.ts) on a step axis: it starts at the number of
 * releases so far and ends at the release that let it go. The in-flight counts of messages like
 * "in flight: 1 2 3 4 5 6 (limit 5)" and the pictures of the HTML report are both made from those spans.
 */
export class Gates {
  readonly requests: HeldRequest[] = [];
  /** One per request, in arrival order; `failed` once its answer was an error. */
  readonly spans: Span[] = [];
  private step = 0;

  constructor(
    private readonly respond: (request: Request) => Response | Promise<Response>,
    private readonly label: (url: URL) => string = fileName,
  ) {}

  /** An MSW handler for `method url` that holds each request on a gate. */
  handler(url: string, method: "get" | "all" = "get"): HttpHandler {
    return http[method](url, async ({ request }) => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const span: Span = { label: this.label(new URL(request.url)), start: this.step };
      const held = {
        url: new URL(request.url),
        method: request.method,
        index: this.requests.length,
        released: false,
        release: () => {
          if (held.released) return;
          held.released = true;
          span.end = ++this.step;
          open();
        },
      };
      this.requests.push(held);
      this.spans.push(span);
      await opened;
      const response = await this.respond(request);
      if (response.type === "error" || response.status >= 400) span.failed = true;
      return response;
    });
  }

  /** The number in flight at each request's arrival, that request included. */
  get timeline(): number[] {
    return inFlightAtStarts(this.spans);
  }

  /** The most requests in flight at once. */
  get peak(): number {
    return peakOf(this.spans);
  }

  get inFlight(): number {
    return this.requests.filter((r) => !r.released).length;
  }

  get waiting(): HeldRequest[] {
    return this.requests.filter((r) => !r.released);
  }

  /** Releases the oldest held request (or the one given) and lets the learner's code react. */
  async release(request: HeldRequest | undefined = this.waiting[0]): Promise<void> {
    request?.release();
    await settle();
  }

  /** Releases every held request, again and again, until none is left after I/O settles. */
  async releaseAll(maxRounds = 10_000): Promise<void> {
    for (let i = 0; i < maxRounds && this.inFlight > 0; i++) await this.release();
  }

  /** "1 2 3 4 5 6 (limit 5)" */
  describeTimeline(limit: number): string {
    return `${this.timeline.join(" ")} (limit ${limit})`;
  }
}

/** A response whose body is still arriving: the second half waits for `release()`. */
export interface StreamedBody {
  readonly url: URL;
  /** True once the whole body has been sent (the stream is closed). */
  readonly finished: boolean;
  /** True once the test let the second half go. */
  readonly released: boolean;
  release(): void;
}

/**
 * Bodies sent in two halves: the first at once, the second ("the tail") only when the test releases it (or
 * at once, for URLs `hold` says no to). Shows whether code keeps a download going, and its promise pending,
 * until the whole body has arrived and been dealt with.
 */
export class StreamedBodies {
  readonly downloads: StreamedBody[] = [];
  /** One per download, on the same step axis as Gates': from its request to the end of its body. */
  readonly spans: Span[] = [];
  private step = 0;

  constructor(
    private readonly body: (url: URL) => Uint8Array,
    private readonly hold: (url: URL) => boolean = () => true,
  ) {}

  /** An MSW handler for GET `url` that streams each body in two halves. */
  handler(url: string): HttpHandler {
    return http.get(url, ({ request }) => {
      const target = new URL(request.url);
      const bytes = this.body(target);
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const span: Span = { label: fileName(target), start: this.step };
      const finish = () => void (span.end = this.step);
      const download = {
        url: target,
        finished: false,
        released: false,
        release: () => {
          if (download.released) return;
          download.released = true;
          this.step++;
          open();
        },
      };
      this.downloads.push(download);
      this.spans.push(span);
      if (!this.hold(target)) {
        download.released = true; // not a step of the check: its tail was never held
        open();
      }
      const half = Math.ceil(bytes.length / 2);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent++ === 0) return controller.enqueue(bytes.slice(0, half));
          await opened;
          controller.enqueue(bytes.slice(half));
          download.finished = true;
          finish();
          controller.close();
        },
      });
      return new HttpResponse(stream, { headers: { "Content-Type": "application/octet-stream" } });
    });
  }

  /** Downloads whose body was not finished, counted at each request's arrival (for messages). */
  get timeline(): number[] {
    return inFlightAtStarts(this.spans);
  }

  /** Downloads whose body has not been sent to its end. */
  get active(): number {
    return this.downloads.filter((d) => !d.finished).length;
  }

  /** Downloads whose tail the test has not released yet. */
  get held(): StreamedBody[] {
    return this.downloads.filter((d) => !d.released);
  }
}
