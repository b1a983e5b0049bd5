// A fake GitHub for the browser tests: the OAuth authorize page (approves at once, back to the
// redirect_uri with a code), the token endpoint, and the two API reads Tally makes. The login
// comes from the authorize URL's `login` parameter (a test picks who signs in), default "octo".
import { createServer, type Server } from "node:http";

export interface FakeGithub {
  base: string;
  /** Requests seen, "METHOD path". */
  calls: string[];
  close(): Promise<void>;
}

export async function startFakeGithub(port: number): Promise<FakeGithub> {
  const calls: string[] = [];
  const codes = new Map<string, string>(); // code → login
  const tokens = new Map<string, string>(); // token → login
  const idOf = (login: string) => [...login].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1_000_000_007, 7);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    calls.push(`${req.method} ${url.pathname}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      const code = `code-${Math.random().toString(36).slice(2)}`;
      codes.set(code, url.searchParams.get("login") ?? "octo");
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { Location: back.href });
      res.end();
      return;
    }
    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const { code, client_secret } = JSON.parse(body || "{}") as { code?: string; client_secret?: string };
        const login = code ? codes.get(code) : undefined;
        if (!login || client_secret !== "browser-test-secret") return json(200, { error: "bad_verification_code" });
        codes.delete(code!);
        const token = `tok-${Math.random().toString(36).slice(2)}`;
        tokens.set(token, login);
        json(200, { access_token: token, token_type: "bearer" });
      });
      return;
    }
    const login = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!login) return json(401, { message: "Bad credentials" });
    if (url.pathname === "/user") return json(200, { id: idOf(login), login, avatar_url: `http://127.0.0.1:${port}/avatars/${login}` });
    if (url.pathname === "/user/emails") return json(200, [{ email: `${login}@github.example`, primary: true, verified: true }]);
    json(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}
