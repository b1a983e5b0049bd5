// Structured logs: one JSON object per line with a level and a message. Never log request
// headers or bodies (they carry keys). Locally `npm start` shows info and above; debug lines
// (e.g. the every-minute cron summary) only reach production log storage.
export type LogFields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";

const sinks: Record<Level, (line: string) => void> = {
  debug: (l) => console.debug(l),
  info: (l) => console.info(l),
  warn: (l) => console.warn(l),
  error: (l) => console.error(l),
};

function write(level: Level, message: string, fields: LogFields = {}): void {
  sinks[level](JSON.stringify({ level, message, ...fields }));
}

export const log = {
  debug: (message: string, fields?: LogFields) => write("debug", message, fields),
  info: (message: string, fields?: LogFields) => write("info", message, fields),
  warn: (message: string, fields?: LogFields) => write("warn", message, fields),
  error: (message: string, fields?: LogFields) => write("error", message, fields),
};
