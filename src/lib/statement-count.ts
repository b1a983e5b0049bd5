// A D1 binding that counts the statements prepared through it (benchmarks: main-database
// statements per request); a batch's statements are each prepared, so each counts.
/** `unavailable`: every statement is refused (counted, then thrown), as if the database were down. */
export function countingD1(real: D1Database, opts: { unavailable?: boolean } = {}): { db: D1Database; statements: () => number } {
  let n = 0;
  const db = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "prepare" || prop === "exec" || (opts.unavailable && prop === "batch")) {
        return (...args: unknown[]) => {
          n++;
          if (opts.unavailable) throw new Error("D1 unavailable");
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { db, statements: () => n };
}
