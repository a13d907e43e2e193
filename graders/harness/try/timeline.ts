/**
 * The live timeline `npm run try` prints: one line per event, stamped with the milliseconds since the
 * start, and a bar of the requests in flight against the limit:
 *     212 ms  ← part-02.bin  200  12.0 KiB  (143 ms)      ■■■□  3/4
 */
export type Print = (line: string) => void;

export class Timeline {
  readonly #print: Print;
  readonly #start = performance.now();
  /** The limit the bar is drawn against (maxConcurrent, workers); 0 = no bar. */
  readonly limit: number;
  inFlight = 0;
  maxInFlight = 0;

  constructor(print: Print, limit = 0) {
    this.#print = print;
    this.limit = limit;
  }

  /** Milliseconds since the timeline started. */
  now(): number {
    return performance.now() - this.#start;
  }

  /** A request arrived at the server. */
  begin(label: string): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.#line(`→ ${label}`, true);
  }

  /** The server answered (or dropped) a request. */
  end(label: string): void {
    this.inFlight--;
    this.#line(`← ${label}`, true);
  }

  note(text: string): void {
    this.#line(text, false);
  }

  #line(text: string, withBar: boolean): void {
    const stamp = `${Math.round(this.now())} ms`.padStart(8);
    this.#print(withBar && this.limit ? `${stamp}  ${text.padEnd(50)} ${bar(this.inFlight, this.limit)}` : `${stamp}  ${text}`);
  }
}

/** "■■■□ 3/4"; over the limit: "■■■■■ 5/4  over the limit!" */
export function bar(inFlight: number, limit: number): string {
  const cells = "■".repeat(Math.min(inFlight, limit)) + "□".repeat(Math.max(limit - inFlight, 0)) + "■".repeat(Math.max(inFlight - limit, 0));
  return `${cells}  ${inFlight}/${limit}${inFlight > limit ? "  over the limit!" : ""}`;
}

export function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
