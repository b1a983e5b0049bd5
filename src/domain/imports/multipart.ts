// A streaming multipart/form-data reader: parts are read one after another straight from the
// request body, so an uploaded file flows on (to the gunzip + JSON scanner) without ever being
// buffered whole. Each part's body must be consumed (or skipped) before asking for the next.
// A malformed body throws AppError("invalid_parameter") (a 422, as any unreadable import form).
import { AppError } from "../../lib/errors";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLFCRLF = encoder.encode("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

const malformed = (message: string) => new AppError("invalid_parameter", message);

export interface PartHeaders {
  name: string;
  filename: string | null;
  contentType: string | null;
}

export function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function parseHeaders(block: string): PartHeaders {
  let name = "";
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-disposition") {
      const n = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /(?:^|;)\s*name=([^;]+)/i.exec(value);
      if (n) name = n[1].trim();
      const f = /(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /(?:^|;)\s*filename=([^;]+)/i.exec(value);
      if (f) filename = f[1].trim();
    } else if (key === "content-type") {
      contentType = value;
    }
  }
  return { name, filename, contentType };
}

export class MultipartReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly delimiter: Uint8Array; // "\r\n--boundary"
  private buf: Uint8Array = new Uint8Array(0);
  private eof = false;
  private done = false;
  private inBody = false;

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    this.reader = body.getReader();
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
    // The first delimiter may open the body without the leading CRLF.
    this.buf = encoder.encode("\r\n");
  }

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const { value, done } = await this.reader.read();
    if (done) {
      this.eof = true;
      return false;
    }
    this.buf = concat(this.buf, value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike));
    return true;
  }

  /** The next part's headers, or null after the closing delimiter. */
  async nextPart(): Promise<PartHeaders | null> {
    if (this.done) return null;
    if (this.inBody) await this.skipBody();
    // Find the delimiter (skipping any preamble).
    for (;;) {
      const at = indexOfBytes(this.buf, this.delimiter);
      if (at >= 0) {
        this.buf = this.buf.subarray(at + this.delimiter.length);
        break;
      }
      // Keep a tail that could hold the start of a delimiter.
      if (this.buf.length > this.delimiter.length) this.buf = this.buf.subarray(this.buf.length - this.delimiter.length);
      if (!(await this.fill())) throw malformed("Malformed multipart body: no boundary found.");
    }
    // "--" closes the body; otherwise CRLF and the part headers follow.
    while (this.buf.length < 2) if (!(await this.fill())) throw malformed("Malformed multipart body.");
    if (this.buf[0] === 45 && this.buf[1] === 45) {
      this.done = true;
      await this.reader.cancel().catch(() => {});
      return null;
    }
    for (;;) {
      const end = indexOfBytes(this.buf, CRLFCRLF);
      if (end >= 0) {
        const block = decoder.decode(this.buf.subarray(0, end));
        this.buf = this.buf.subarray(end + CRLFCRLF.length);
        this.inBody = true;
        return parseHeaders(block.replace(/^[ \t]*\r\n/, ""));
      }
      if (this.buf.length > MAX_HEADER_BYTES) throw malformed("Malformed multipart body: part headers too large.");
      if (!(await this.fill())) throw malformed("Malformed multipart body: truncated part headers.");
    }
  }

  /** The current part's body, chunk by chunk, up to (not including) the next delimiter. */
  async *body(): AsyncGenerator<Uint8Array> {
    if (!this.inBody) return;
    const keep = this.delimiter.length;
    for (;;) {
      const at = indexOfBytes(this.buf, this.delimiter);
      if (at >= 0) {
        const chunk = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at); // nextPart() consumes the delimiter
        this.inBody = false;
        if (chunk.length) yield chunk;
        return;
      }
      if (this.buf.length > keep) {
        const chunk = this.buf.slice(0, this.buf.length - keep);
        this.buf = this.buf.slice(this.buf.length - keep);
        yield chunk;
      }
      if (!(await this.fill())) throw malformed("Malformed multipart body: truncated part.");
    }
  }

  /** The current part's body as a byte stream. */
  bodyStream(): ReadableStream<Uint8Array> {
    const it = this.body();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await it.return(undefined);
      },
    });
  }

  /** The current part's body as text (for small form fields), at most `max` bytes. */
  async text(max = 64 * 1024): Promise<string> {
    let out: Uint8Array = new Uint8Array(0);
    for await (const chunk of this.body()) {
      out = concat(out, chunk);
      if (out.length > max) throw malformed("Form field too large.");
    }
    return decoder.decode(out);
  }

  private async skipBody(): Promise<void> {
    for await (const _chunk of this.body()) {
      /* discard */
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}
