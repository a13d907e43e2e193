import { expect, test } from "vitest";
import { settle } from "../../graders/harness/authoring/clock.ts";
import { HttpResponse, StreamedBodies, http, useNetwork } from "../../graders/harness/authoring/network.ts";

const net = useNetwork({ drainResponseCopies: true });
const bytes = (s: string) => new TextEncoder().encode(s);

/** Reads a body chunk by chunk into `got`, without awaiting it (the tail may be held). */
function readAll(body: ReadableStream<Uint8Array>) {
  const got = { text: "", done: false };
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) got.text += decoder.decode(chunk, { stream: true });
    got.done = true;
  })();
  return got;
}

test("StreamedBodies sends the first half of a body at once and the tail only once released", async () => {
  const bodies = new StreamedBodies((url) => bytes(`${url.pathname};`.repeat(4)));
  net.use(bodies.handler("http://streamed.test/*"));
  const response = await fetch("http://streamed.test/a");
  const got = readAll(response.body!);
  await settle();
  expect(got).toEqual({ text: "/a;/a;", done: false });
  expect(bodies.downloads.map((d) => [d.url.pathname, d.finished, d.released])).toEqual([["/a", false, false]]);
  expect([bodies.active, bodies.held.length, bodies.timeline]).toEqual([1, 1, [1]]);
  bodies.held[0]!.release();
  await settle();
  expect(got).toEqual({ text: "/a;/a;/a;/a;", done: true });
  expect([bodies.active, bodies.held.length, bodies.downloads[0]!.finished]).toEqual([0, 0, true]);
});

test("StreamedBodies sends at once the bodies `hold` says no to, and counts unfinished bodies at each arrival", async () => {
  const bodies = new StreamedBodies((url) => bytes(`${url.pathname}.`.repeat(2)), (url) => url.pathname !== "/quick");
  net.use(bodies.handler("http://streamed.test/*"));
  const slow = readAll((await fetch("http://streamed.test/slow")).body!);
  const quick = readAll((await fetch("http://streamed.test/quick")).body!);
  await settle();
  expect(quick).toEqual({ text: "/quick./quick.", done: true });
  expect(slow.done).toBe(false);
  expect(bodies.timeline).toEqual([1, 2]);
  expect(bodies.held.map((d) => d.url.pathname)).toEqual(["/slow"]);
  bodies.held[0]!.release();
  await settle();
  expect(slow).toEqual({ text: "/slow./slow.", done: true });
});

test("with drainResponseCopies, cancelling a mocked response's body settles (MSW's own copy is read to its end)", async () => {
  net.use(http.get("http://drain.test/missing", () => new HttpResponse("Not Found", { status: 404 })));
  const response = await fetch("http://drain.test/missing");
  let cancelled = false;
  void response.body!.cancel().then(() => (cancelled = true));
  await settle();
  expect(cancelled).toBe(true);
});
