/**
 * Server-sent events, as far as recording needs them: split an upstream stream into
 * events, and write events back out the way the API that produced them frames them.
 */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Incremental parser: feed text in any pieces, get whole events back. */
export class SseParser {
  #buffer = "";
  #event: string | undefined;
  #data: string[] = [];

  feed(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    let lineEnd = this.#nextLineEnd();
    while (lineEnd) {
      const [end, next] = lineEnd;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(next);
      const event = this.#line(line);
      if (event) events.push(event);
      lineEnd = this.#nextLineEnd();
    }
    return events;
  }

  /** Whatever a stream that ended without a final blank line still held. */
  end(): SseEvent[] {
    const events = this.#buffer ? this.feed("\n\n") : [];
    const pending = this.#dispatch();
    return pending ? [...events, pending] : events;
  }

  #nextLineEnd(): [number, number] | undefined {
    const index = this.#buffer.search(/\r\n|\r|\n/);
    if (index < 0) return undefined;
    // A lone \r at the end of the buffer may be the first half of \r\n: wait for more.
    if (this.#buffer[index] === "\r" && index === this.#buffer.length - 1) return undefined;
    return [index, index + (this.#buffer.startsWith("\r\n", index) ? 2 : 1)];
  }

  #line(line: string): SseEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    if (this.#data.length === 0) {
      this.#event = undefined;
      return undefined;
    }
    const event: SseEvent = { data: this.#data.join("\n") };
    if (this.#event !== undefined) event.event = this.#event;
    this.#data = [];
    this.#event = undefined;
    return event;
  }
}

export const SSE_DONE = "[DONE]";

export function encodeSseEvent({ event, data }: SseEvent): string {
  // JSON text never holds a raw newline: the common case needs no splitting.
  const dataLines = data.includes("\n")
    ? data
        .split("\n")
        .map((line) => `data: ${line}\n`)
        .join("")
    : `data: ${data}\n`;
  return event === undefined ? `${dataLines}\n` : `event: ${event}\n${dataLines}\n`;
}
