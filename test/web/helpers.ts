// Web-app test helpers (workerd): a tiny cookie jar, signing in through the real forms, and
// reading a page's CSRF token back out of its HTML.
import { expect } from "vitest";
import { request } from "../helpers";

export const ORIGIN = "http://tally.test";

/** name=value pairs of a response's Set-Cookie headers (a deleted cookie maps to ""). */
export function setCookies(res: Response): Map<string, { value: string; attrs: string }> {
  const out = new Map<string, { value: string; attrs: string }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    out.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), attrs: attrs.join(";").trim() });
  }
  return out;
}

export class Browser {
  readonly jar = new Map<string, string>();

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  remember(res: Response): Response {
    for (const [k, { value, attrs }] of setCookies(res)) {
      if (value === "" || /max-age=0/i.test(attrs)) this.jar.delete(k);
      else this.jar.set(k, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(await request(path, { headers: { Accept: "text/html", Cookie: this.cookieHeader(), ...headers }, redirect: "manual" }));
  }

  /** A form post from one of our pages (Origin set as a browser sets it; "" leaves a header out). */
  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const all: Record<string, string> = { Accept: "text/html", "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, Cookie: this.cookieHeader(), ...headers };
    for (const k of Object.keys(all)) if (all[k] === "") delete all[k];
    return this.remember(
      await request(path, {
        method: "POST",
        headers: all,
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      }),
    );
  }

  /** The CSRF token of the page at `path` (the first _csrf field). */
  async csrf(path = "/settings"): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF field on ${path}`);
    return m[1];
  }

  /** Signs in with an API key through the sign-in form; expects the redirect to the dashboard. */
  async signIn(apiKey: string): Promise<void> {
    const token = await this.csrf("/signin");
    const res = await this.post("/signin", { _csrf: token, api_key: apiKey, next: "/dashboard" });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard");
  }
}

export async function signedIn(apiKey: string): Promise<Browser> {
  const b = new Browser();
  await b.signIn(apiKey);
  return b;
}
