// Incremental JSON scanner for heartbeat dumps (hackatime-behavior.md §9.1 "Parsing"): yields the
// raw text of every object that is a direct element of an array under a "heartbeats" key, at any
// depth — WakaTime's {"days":[{"heartbeats":[…]}]} and Hackatime's {"heartbeats":[…]} alike.
// Text arrives in chunks of any size; only the object being captured is buffered, never the
// file. Structure (brackets, strings, keys) is checked here; each object's own syntax is
// checked by JSON.parse when its slice is staged.

/**
 * The file is not a heartbeat dump (or is too large). A subclass because callers branch on it:
 * the run fails with this message and the upload answers 422, where any other error during
 * staging is ours (a generic failure) or transient (the queue retries).
 */
export class ImportFileError extends Error {}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;

const OBJECT = 0;
const ARRAY = 1;
const HEARTBEATS = 2; // an array whose key is "heartbeats"

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;

export interface ScannerOptions {
  /** Largest single heartbeat object, in UTF-16 code units. */
  maxObjectChars?: number;
}

export class HeartbeatScanner {
  private readonly stack: number[] = [];
  private expectKey = false;
  private key = "";
  private inString = false;
  private escape = false;
  private stringIsKey = false;
  private keyParts = "";
  private capDepth = 0; // > 0 while an object is being captured
  private capParts: string[] = [];
  private capChars = 0;
  private started = false;
  private finished = false;
  private readonly maxObjectChars: number;

  constructor(opts: ScannerOptions = {}) {
    this.maxObjectChars = opts.maxObjectChars ?? 512 * 1024;
  }

  /** Scans the next chunk of text; pushes each completed heartbeat object's text onto `out`. */
  push(s: string, out: string[]): void {
    const n = s.length;
    const stack = this.stack;
    let i = 0;
    let inString = this.inString;
    let escape = this.escape;
    let capDepth = this.capDepth;
    let capStart = capDepth > 0 ? 0 : -1;
    let keyStart = inString && this.stringIsKey ? 0 : -1;

    // Cached positions of the next backslash / brace in this chunk (n: none left).
    let nextBackslash = -1;
    let nextOpen = -1;
    let nextClose = -1;

    while (i < n) {
      if (inString) {
        // Jump to the string's end: the next quote not escaped by a backslash.
        if (escape) {
          escape = false;
          i++;
          continue;
        }
        if (nextBackslash < i) {
          nextBackslash = s.indexOf("\\", i);
          if (nextBackslash < 0) nextBackslash = n;
        }
        const q = s.indexOf('"', i);
        const end = q < 0 ? n : q;
        if (nextBackslash < end) {
          escape = true;
          i = nextBackslash + 1;
          continue;
        }
        if (q < 0) {
          i = n;
          continue;
        }
        inString = false;
        if (keyStart >= 0) {
          const raw = this.keyParts + s.slice(keyStart, q);
          this.key = raw.includes("\\") ? safeParseString(raw) : raw;
          this.keyParts = "";
          keyStart = -1;
          this.stringIsKey = false;
        }
        i = q + 1;
        continue;
      }
      if (capDepth > 0) {
        // Inside a captured object only quotes and braces matter: jump from one to the next.
        if (nextOpen < i) {
          nextOpen = s.indexOf("{", i);
          if (nextOpen < 0) nextOpen = n;
        }
        if (nextClose < i) {
          nextClose = s.indexOf("}", i);
          if (nextClose < 0) nextClose = n;
        }
        let q = s.indexOf('"', i);
        if (q < 0) q = n;
        const m = q < nextOpen ? (q < nextClose ? q : nextClose) : nextOpen < nextClose ? nextOpen : nextClose;
        if (m >= n) {
          i = n;
          continue;
        }
        i = m;
        const c = s.charCodeAt(i);
        if (c === QUOTE) inString = true;
        else if (c === LBRACE) capDepth++;
        else if (c === RBRACE) {
          if (--capDepth === 0) {
            const text = this.capParts.length ? this.capParts.join("") + s.slice(capStart, i + 1) : s.slice(capStart, i + 1);
            if (text.length > this.maxObjectChars) throw new ImportFileError(`A heartbeat is larger than ${this.maxObjectChars} characters.`);
            out.push(text);
            this.capParts = [];
            this.capChars = 0;
            capStart = -1;
          }
        }
        i++;
        continue;
      }
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.finished) throw new ImportFileError("Unexpected content after the end of the JSON document.");
      if (!this.started) {
        if (c !== LBRACE && c !== LBRACKET) throw new ImportFileError("Expected a heartbeat export JSON file.");
        this.started = true;
      }
      const top = stack.length ? stack[stack.length - 1] : -1;
      switch (c) {
        case QUOTE:
          inString = true;
          if (top === OBJECT && this.expectKey) {
            this.stringIsKey = true;
            this.keyParts = "";
            keyStart = i + 1;
          }
          break;
        case LBRACE:
          if (top === HEARTBEATS) {
            capDepth = 1;
            capStart = i;
          } else {
            stack.push(OBJECT);
            this.expectKey = true;
          }
          break;
        case LBRACKET:
          stack.push(top === OBJECT && !this.expectKey && this.key === "heartbeats" ? HEARTBEATS : ARRAY);
          break;
        case RBRACE:
          if (top !== OBJECT) throw new ImportFileError("Malformed JSON: unexpected '}'.");
          stack.pop();
          this.expectKey = false;
          if (!stack.length) this.finished = true;
          break;
        case RBRACKET:
          if (top !== ARRAY && top !== HEARTBEATS) throw new ImportFileError("Malformed JSON: unexpected ']'.");
          stack.pop();
          this.expectKey = false;
          if (!stack.length) this.finished = true;
          break;
        case COMMA:
          if (top === OBJECT) this.expectKey = true;
          break;
        case COLON:
          this.expectKey = false;
          break;
        default:
          if (!stack.length) throw new ImportFileError("Expected a heartbeat export JSON file.");
      }
      i++;
    }

    if (capDepth > 0 && capStart >= 0) {
      const rest = s.slice(capStart);
      this.capParts.push(rest);
      this.capChars += rest.length;
      if (this.capChars > this.maxObjectChars) throw new ImportFileError(`A heartbeat is larger than ${this.maxObjectChars} characters.`);
    }
    // A key split across chunks; only short keys can matter ("heartbeats"), so a long one is cut.
    if (inString && keyStart >= 0 && this.keyParts.length < 256) this.keyParts += s.slice(keyStart, keyStart + 256);
    this.inString = inString;
    this.escape = escape;
    this.capDepth = capDepth;
  }

  /** Call after the last chunk: the document must be complete. */
  end(): void {
    if (!this.started) throw new ImportFileError("Expected a heartbeat export JSON file.");
    if (this.inString || this.capDepth > 0 || this.stack.length) throw new ImportFileError("Malformed JSON: the file ends in the middle of the document.");
  }
}

function safeParseString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
