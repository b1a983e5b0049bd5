// Editor / operating system / AI model extraction from a heartbeat's user agent
// (hackatime-behavior.md §3.2 step 9 and its "UA parser summary").
//
// This reproduces the observable behaviour of Hackatime's WakatimeUserAgentParser. Real clients do
// not follow one format, so most branches below exist for a specific family of production user
// agents; the tests in test/domain/user-agent.test.ts pin each of them down.
//
// Shapes handled, tried in this order:
//   1. `wakatime/<ver> (<platform>) [runtime] <product chain>`  — wakatime-cli and its clones.
//   2. legacy `onshape-wakatime-plugin_<browser>/…`, `<os>/<editor>`, `<ver>/<editor>`, `wakatime/<editor>`.
//   3. browsers (`Mozilla/5.0 … Chrome/…`, the browser extension's `Chrome/… linux chrome-wakatime/…`).
//   4. `<editor>[/ver] (<platform>) …`.
//   5. anything else that still holds a `name/version` product, a `*-wakatime` plugin or one bare
//      editor name.
//
// It runs for every heartbeat, so every table and regex is built once at module load. Only the first
// MAX_USER_AGENT_LENGTH characters are parsed: some of the patterns are quadratic on adversarial
// input (long runs of spaces or unclosed parentheses), and real user agents stay under 400.

export interface ParsedUserAgent {
  editor: string;
  os: string;
  aiModel: string | null;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Wrappers that relay another client's heartbeats: never the editor when anything else is there. */
const MIDDLEWARES = new Set([
  "exec-wakatime",
  "mcp-wakatime",
  "vscode-hackatime-tracker",
  "waka-relay",
  "wakatime-ls",
  "wakatime-cli",
]);
/** Filler words some plugins put in the chain ("wakatime/unset (windows) in vscode/1.2"). */
const CONNECTORS = new Set(["in", "x"]);
/** `<os>-wakatime` plugins name the host OS, not an editor. */
const OS_PLUGIN_BASES = new Set(["linux", "windows", "macos", "darwin", "win", "mac", "wsl"]);
/** The macOS / Windows desktop apps track any focused application, so they only confirm a host. */
const GENERIC_HOST_PLUGIN_BASES = new Set(["macos", "windows"]);
/** Browser-extension plugins: the browser itself is found from the browser signature instead. */
const BROWSER_PLUGIN_BASES = new Set(["browser", "chrome", "edge", "firefox", "opera", "safari"]);

/** Plugins whose name does not end in -wakatime / _hackatime, or whose base is not the editor. */
const PLUGIN_EDITOR_ALIASES = new Map([
  ["oh-my-pi-wakatime", "pi"],
  ["python-wakatime", "pycharm"],
  ["wakatime-zsh-plugin", "zsh"],
]);

/** One plugin serving several editors: `cursor/1.0 vscode-wakatime/24` is Cursor. */
const SHARED_PLUGIN_EDITORS = new Map<string, ReadonlySet<string>>([
  ["codex", new Set(["codex-desktop", "t3code_desktop"])],
  ["terminal", new Set(["fish", "zsh"])],
  ["vim", new Set(["neovim"])],
  [
    "vscode",
    new Set([
      "antigravity",
      "antigravityide",
      "arduino",
      "azdata",
      "code-oss",
      "code-server",
      "codeoss",
      "cursor",
      "cursornightly",
      "devin",
      "kiro",
      "onivim",
      "positron",
      "qoder",
      "sqlops",
      "trae",
      "traecn",
      "vscodium",
      "windsurf",
    ]),
  ],
]);

/** Product names that are also the base of their own plugin under another spelling. */
const AGENT_PRODUCT_VARIANTS = new Map<string, readonly string[]>([["claude", ["claude-code", "claudecode"]]]);

/** AI agents. They prefix their own product even when a transcript names no model. */
const AI_AGENT_PRODUCTS = new Set([
  "amp",
  "antigravity",
  "antigravity-cli",
  "antigravity-desktop",
  "antigravity-ide",
  "claude",
  "claude-code",
  "claudecode",
  "cline",
  "codex",
  "codex-cli",
  "continue",
  "cody",
  "copilot",
  "cursor",
  "gemini",
  "github-copilot",
  "github-copilot-cli",
  "goose",
  "kiro",
  "opencode",
  "opencode-cli",
  "opencode-desktop",
  "pi",
  "qoder",
  "qwen-code",
  "qwen-code-cli",
  "roo-code",
  "windsurf",
]);
/** Model families that share their name with a client (lowercase `claude/3.5` is a model). */
const MODEL_NAMES_SHARED_WITH_CLIENTS = new Set(["claude", "codex", "gemini"]);
/** A lone word accepted as the editor when the user agent has no `name/version` product. */
const BARE_EDITOR_PRODUCTS = new Set([
  "audit",
  "bearnard",
  "chrome-extension",
  "codex",
  "codex-agent",
  "codex-cli",
  "codex_agent",
  "codexagent",
  "custom-bash-sync",
  "customclient",
  "figma-desktop",
  "fusion360-hackatime-custom",
  "git",
  "rblx",
  "strudel",
  "strudel-extension",
  "synthetic-audio",
  "test-agent",
  "ue4",
  "unrealengine",
  "vscode",
]);
/** Model-only chains some AI parsers send with no editor at all. */
const STANDALONE_MODEL_PRODUCTS = new Set(["claude-code-opus4.8", "composer", "glm", "hermes", "nemotron"]);

// ---------------------------------------------------------------------------------------------
// Multi-word product names. Spaces would split them into several tokens, so they are rewritten
// to one token before splitting. Matching is case-insensitive, only on whole words, and only when
// the name is followed by `/`, whitespace or the end.

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `"code - oss"` → `code\s+-\s+oss`: any run of whitespace between the words. */
function wordsPattern(name: string): string {
  return name.split(" ").map(escapeRegExp).join("\\s+");
}

/** Builds one precompiled single-pass replacer; longer names are tried first at each position. */
function aliasReplacer(aliases: Readonly<Record<string, string>>): (chain: string) => string {
  const names = Object.keys(aliases).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<!\\S)(?:${names.map(wordsPattern).join("|")})(?=/|\\s|$)`, "gi");
  const replace = (match: string) => aliases[match.toLowerCase().replace(/\s+/g, " ")] ?? match;
  return (chain) => chain.replace(pattern, replace);
}

const normalizeProductAliases = aliasReplacer({
  "code - oss": "code-oss",
  "codex desktop": "codex-desktop",
  cyteon: "blender",
  "hackatime-zed-unknown": "zed",
  "hubai nitro": "hubai-nitro",
  ik11235: "fish",
  "intellij idea": "intellijidea",
  "kdevelop-wakatime-plugin1.0.0": "kdevelop",
  "python + streamlit-wakatime": "streamlit-wakatime",
  "python + streamlit": "streamlit",
  "visual studio code - insiders": "vscode",
  "visual studio code": "vscode",
  visualstudiocode: "vscode",
  "vs code": "vscode",
  zedpreview: "zed",
});

/** Only applied in the "ai coding" category, where these names come from AI transcript parsers. */
const normalizeAiProductAliases = aliasReplacer({
  "factory droid": "droid",
  githubcopilot: "github-copilot",
  "oh my pi": "pi",
  "qwen code": "qwen-code",
  "roo code": "roo-code",
  "visual studio code - insiders": "vscode",
  "visual studio code": "vscode",
});

// The Continue extension reports `Continue/<model words> <host editor>/<ver>` (or a bare
// `Continue <host>/<ver>`); the model words are free text, so the whole prefix collapses into the
// host product. Hosts are tried longest first, each over the whole chain, as Hackatime does.
const CONTINUE_HOSTS: ReadonlyArray<readonly [RegExp, RegExp, string]> = Object.entries({
  "visual studio code - insiders": "vscode",
  "visual studio code": "vscode",
  visualstudiocode: "vscode",
  "vs code": "vscode",
  vscodium: "vscodium",
  "intellij idea": "intellijidea",
  "code - oss": "code-oss",
})
  .sort(([a], [b]) => b.length - a.length)
  .map(([host, canonical]) => {
    const h = wordsPattern(host);
    return [
      new RegExp(`(?<!\\S)Continue/.*?\\s+${h}(?:\\s+\\d[\\w.-]*)?(?=/)`, "gi"),
      new RegExp(`(?<!\\S)Continue\\s+${h}(?:\\s+\\d[\\w.-]*)?(?=/)`, "gi"),
      canonical,
    ] as const;
  });
const MENTIONS_CONTINUE = /continue/i;

function normalizeContinueHost(chain: string): string {
  if (!MENTIONS_CONTINUE.test(chain)) return chain; // the common case: skip 14 regex passes
  for (const [withModel, bare, canonical] of CONTINUE_HOSTS) {
    chain = chain.replace(withModel, canonical).replace(bare, canonical);
  }
  return chain;
}

/** Splits a product chain into tokens after the multi-word rewrites. */
function productTokens(chain: string, aiCategory: boolean): string[] {
  // Some shells wrap the plugin value in escaped quotes: `\"vscode/1.2 vscode-wakatime/3\`.
  let text = chain.trim();
  if (text.startsWith('\\"')) text = text.slice(2);
  if (text.startsWith('"')) text = text.slice(1);
  if (text.endsWith("\\")) text = text.slice(0, -1);
  text = normalizeProductAliases(normalizeContinueHost(text));
  if (aiCategory) text = normalizeAiProductAliases(text);

  const tokens: string[] = [];
  for (let token of text.split(/\s+/)) {
    if (token === "") continue;
    if (token.startsWith('\\"')) token = token.slice(2);
    if (token.endsWith("\\")) token = token.slice(0, -1);
    tokens.push(token);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Token predicates. A token is `product[/version]`; the version may itself contain slashes.

function productOf(token: string): string {
  const slash = token.indexOf("/");
  return slash < 0 ? token : token.slice(0, slash);
}

function versionOf(token: string): string {
  const slash = token.indexOf("/");
  return slash < 0 ? "" : token.slice(slash + 1);
}

const RUNTIME_NODE = /^node\/v?\d/i;
const RUNTIME_PYTHON = /^python\/v?\d{1,2}(?:\.|$)/i; // python/3.12, but not PyCharm's python/2024.1
const RUNTIME_BARE = /^(?:go|java|node|python)(?:\d|$)/i; // go1.23.4, Java21.0.2, Python3.7.6.final.0

function isRuntime(token: string): boolean {
  return (
    RUNTIME_NODE.test(token) || RUNTIME_PYTHON.test(token) || (!token.includes("/") && RUNTIME_BARE.test(token))
  );
}

/** A token that can name an editor or a model: not metadata, a wrapper, a filler word or a runtime. */
function isMeaningful(token: string): boolean {
  const product = productOf(token);
  if (product === "" || product.startsWith("(")) return false;
  const lower = product.toLowerCase();
  return lower !== "wakatime" && !MIDDLEWARES.has(lower) && !CONNECTORS.has(lower) && !isRuntime(token);
}

const PLUGIN_SUFFIX = /[-_](?:waka|hacka)time$/i;

function isPlugin(token: string): boolean {
  const product = productOf(token);
  const lower = product.toLowerCase();
  return PLUGIN_EDITOR_ALIASES.has(lower) || lower === "wakatime.nvim" || PLUGIN_SUFFIX.test(product);
}

/** `vscode-wakatime/24.0` → `vscode`, `wakatime.nvim` → `neovim`. */
function pluginBase(token: string): string {
  const product = productOf(token);
  const lower = product.toLowerCase();
  const aliased = PLUGIN_EDITOR_ALIASES.get(lower);
  if (aliased !== undefined) return aliased;
  if (lower === "wakatime.nvim") return "neovim";
  return product.replace(PLUGIN_SUFFIX, "").toLowerCase();
}

/** Whether `plugin` is the plugin of the (lowercase) `product`. */
function pluginMatches(plugin: string, product: string): boolean {
  const base = pluginBase(plugin);
  return (
    base === product ||
    (SHARED_PLUGIN_EDITORS.get(base)?.has(product) ?? false) ||
    (AGENT_PRODUCT_VARIANTS.get(product)?.includes(base) ?? false)
  );
}

function isGenericHostPlugin(plugin: string): boolean {
  return GENERIC_HOST_PLUGIN_BASES.has(pluginBase(plugin));
}

function isAiAgent(token: string): boolean {
  return AI_AGENT_PRODUCTS.has(productOf(token).toLowerCase());
}

const LIKELY_MODEL =
  /^(?:composer|deepseek|glm|gpt|nemotron|o[1-9](?:$|[-_.])|opus|sonnet|haiku|gemini(?:$|[-_.])|claude(?:$|[-_.]))/;

function isLikelyModel(token: string): boolean {
  return LIKELY_MODEL.test(productOf(token).toLowerCase());
}

/** Version numbers, punctuation and browser boilerplate that precede the real product. */
const DECORATOR = /^(?:v?\d+(?:[._-]\d+)*[a-z]?|[+_.\\-])$/i;

function isDecorator(lowerProduct: string): boolean {
  return lowerProduct === "mozilla" || lowerProduct === "web" || DECORATOR.test(lowerProduct);
}

const GODOT_VERSIONED = /^godot\d+(?:[._-]\d+)+$/;
const KICAD_VERSIONED = /^kicadeda\d+(?:[._-]\d+)+$/;

/** Canonical spelling of a lowercase editor name. */
function normalizeEditor(editor: string): string {
  switch (editor) {
    case "claude":
    case "claudecode":
      return "claude-code";
    case "godotengine":
      return "godot";
    case "github-copilot-cli":
      return "copilot-cli";
    case "idea":
    case "intellijideacommunityedition":
    case "intellijideaultimateedition":
      return "intellijidea";
    case "ktexteditor":
      return "kate";
    case "robloxstudio":
      return "roblox-studio";
    case "visual studio code":
    case "vs-code":
    case "vs_code":
    case "vscode-insiders":
      return "vscode";
  }
  if (GODOT_VERSIONED.test(editor)) return "godot";
  if (KICAD_VERSIONED.test(editor)) return "kicad";
  return editor;
}

// ---------------------------------------------------------------------------------------------
// Chain analysis

/**
 * `editor plugin` (the plugin is the editor's own or a generic host plugin), or
 * `editor agent plugin…` where a bare AI agent sits between an editor and its plugin.
 * Called with meaningful tokens only.
 */
function startsWithEditor(tokens: readonly string[]): boolean {
  if (tokens.length < 2) return false;
  const [first, second] = tokens as [string, string];
  const firstProduct = productOf(first).toLowerCase();
  if (isPlugin(second)) {
    if (isPlugin(first)) return false;
    return isGenericHostPlugin(second) || pluginMatches(second, firstProduct);
  }
  if (tokens.length < 3 || second.includes("/") || !isAiAgent(second)) return false;
  const plugin = tokens.slice(2).find(isPlugin);
  return plugin !== undefined && (tokens.length === 3 || pluginMatches(plugin, firstProduct));
}

/** `claude/2.1.89 … ClaudeCode/2.1.89`: the first token is the client, repeated under its long name. */
function repeatsAsLaterAgentVersion(first: string, later: readonly string[]): boolean {
  const product = productOf(first);
  const version = versionOf(first);
  if (product === "" || version.trim() === "") return false;
  const variants = AGENT_PRODUCT_VARIANTS.get(product.toLowerCase());
  if (variants === undefined) return false;
  return later.some((token) => variants.includes(productOf(token).toLowerCase()) && versionOf(token) === version);
}

/** Version ranges of the Claude Code / Codex / Gemini CLIs, so `claude/2.1.160` is not a model. */
function isClientVersion(token: string): boolean {
  const version = versionOf(token);
  switch (productOf(token).toLowerCase()) {
    case "claude":
      return /^2\.1(?:\.|$)/.test(version);
    case "codex":
      return version.startsWith("0.");
    case "gemini":
      return version.startsWith("1.");
    default:
      return false;
  }
}

/** Whether the first meaningful token of an "ai coding" chain is a model such as `opus/4-8`. */
function startsWithModel(products: readonly string[]): boolean {
  const tokens = products.filter(isMeaningful);
  if (tokens.length < 2) return false;
  const [first, second] = tokens as [string, string];
  const firstOriginal = productOf(first);
  const firstProduct = firstOriginal.toLowerCase();

  const hostPluginAfterModel = isPlugin(second) && isGenericHostPlugin(second) && isLikelyModel(first);
  if (startsWithEditor(tokens) && !hostPluginAfterModel) return false;
  if (isPlugin(first)) return false; // plugins identify editors, never models
  if (repeatsAsLaterAgentVersion(first, tokens.slice(1))) return false;
  if (isClientVersion(first)) return false;

  // A normal editor chain usually ends with the editor's own plugin. This needs no list of known
  // editors, so a new editor is not mistaken for a model. The exception: `claude/3.5 ClaudeCode/…
  // claude-code-wakatime/…`, where the long-named agent comes before the plugin.
  const pluginIndex = tokens.findIndex((t) => isPlugin(t) && pluginMatches(t, firstProduct));
  if (pluginIndex >= 0) {
    const variants = AGENT_PRODUCT_VARIANTS.get(firstProduct) ?? [];
    const agentIndex = tokens.findIndex((t, i) => i >= 1 && variants.includes(productOf(t).toLowerCase()));
    if (agentIndex < 0 || agentIndex >= pluginIndex) return false;
  }

  // Lowercase claude / codex / gemini are model families; capitalised ones are the clients.
  if (MODEL_NAMES_SHARED_WITH_CLIENTS.has(firstProduct) && firstOriginal === firstProduct) return true;
  if (AI_AGENT_PRODUCTS.has(firstProduct)) return false;

  // `editor vscode-wakatime/…` is also how VS Code forks look; only treat the first token as a
  // model when the fallback plugin is unversioned or the name looks like a model.
  if (tokens.length === 2 && isPlugin(second)) {
    return (
      !pluginMatches(second, firstProduct) && (versionOf(second).toLowerCase() === "unknown" || isLikelyModel(first))
    );
  }
  return true;
}

function isStandaloneModel(products: readonly string[]): boolean {
  const tokens = products.filter(isMeaningful);
  return tokens.length === 1 && STANDALONE_MODEL_PRODUCTS.has(productOf(tokens[0]!).toLowerCase());
}

const SEMVER = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.-]+)?$/i;
const SEMVER_GLUED_TO_CLIENT = /^v?\d+(?:\.\d+){1,3}[A-Z][\w.-]*\/(?:local|unknown)$/; // 0.44.2Cursor/unknown
const GEMINI_MODEL_WORDS = /gemini|gemma|flash|pro|openai-compatible|\$\$/i;

/** `Copilot/claude-haiku-4.5`, `Gemini/gemini-3-flash-preview`: the model is the agent's version. */
function embeddedModel(products: readonly string[]): string | null {
  const token = products.find(isMeaningful);
  if (token === undefined) return null;
  const version = versionOf(token);
  const lower = version.toLowerCase();
  if (version.trim() === "" || lower === "local" || lower === "unknown") return null;
  switch (productOf(token).toLowerCase()) {
    case "copilot":
      return SEMVER.test(version) || SEMVER_GLUED_TO_CLIENT.test(version) ? null : version;
    case "gemini":
      return GEMINI_MODEL_WORDS.test(version) || !SEMVER.test(version) ? version : null;
    default:
      return null;
  }
}

/** In the "ai coding" category: takes the leading model token out of `products` and returns it. */
function takeAiModel(products: string[]): string | null {
  if (startsWithModel(products) || isStandaloneModel(products)) {
    const index = products.findIndex(isMeaningful);
    return index < 0 ? null : products.splice(index, 1)[0]!;
  }
  return embeddedModel(products);
}

/** The editor named by the last plugin whose product appears before it. */
function editorFromProductAndPlugin(tokens: readonly string[]): string | null {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const plugin = tokens[i]!;
    if (!isPlugin(plugin)) continue;
    for (let j = i - 1; j >= 0; j--) {
      const token = tokens[j]!;
      const product = productOf(token).toLowerCase();
      if (isMeaningful(token) && pluginMatches(plugin, product)) return normalizeEditor(product);
    }
  }
  return null;
}

function extractEditor(products: readonly string[]): string {
  const tokens = products.filter(isMeaningful);
  const first = tokens[0];

  // Old PyCharm plugins: `Python/2022.2 Python-wakatime/14.0.6`.
  if (first !== undefined && productOf(first).toLowerCase() === "python") {
    const plugin = tokens.find((t) => productOf(t).toLowerCase() === "python-wakatime");
    if (plugin !== undefined) return normalizeEditor(pluginBase(plugin));
  }

  // A leading fallback plugin (`vscode-wakatime/unknown zed/1 zed-hackatime/0.3`): prefer a later,
  // more specific product + plugin pair.
  if (first !== undefined && isPlugin(first)) {
    const specific = editorFromProductAndPlugin(tokens.slice(1));
    if (specific) return specific;
  }

  if (startsWithEditor(tokens)) {
    const firstProduct = productOf(tokens[0]!).toLowerCase();
    const second = tokens[1]!;
    if (isPlugin(second)) {
      // `claude/2.1 claude-code-wakatime/3` names the longer variant of the agent.
      const base = pluginBase(second);
      if (AGENT_PRODUCT_VARIANTS.get(firstProduct)?.includes(base)) return normalizeEditor(base);
    }
    return normalizeEditor(firstProduct);
  }

  // Otherwise the first product that is not metadata.
  for (let i = 0; i < products.length; i++) {
    const token = products[i]!;
    const product = productOf(token);
    if (product === "" || product.startsWith("(")) continue;
    const lower = product.toLowerCase();
    if (lower === "wakatime" || MIDDLEWARES.has(lower) || CONNECTORS.has(lower) || isRuntime(token)) continue;
    if (isDecorator(lower) && products.slice(i + 1).some((t) => isMeaningful(t) || isPlugin(t))) continue;
    if (isPlugin(product)) {
      const base = pluginBase(product);
      if (OS_PLUGIN_BASES.has(base)) continue;
      return normalizeEditor(base);
    }
    return normalizeEditor(lower);
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Operating system

/** Legacy plugins that put their own name where the platform belongs. */
function editorFromPlatform(platform: string): string | null {
  if (/^vs\s?code(?:\/|,|$)/i.test(platform)) return "vscode";
  if (/^termux-wakatime$/i.test(platform)) return "termux";
  if (/^webstorm$/i.test(platform)) return "webstorm";
  return null;
}

const WSL_KERNEL = /-wsl2-/i;
const WSL_PLATFORM = /microsoft-standard-wsl2/i;
const PLATFORM_ANDROID = /android/i;
const PLATFORM_CHROME_OS = /^chrome\s+os$/i;
const PLATFORM_WINDOWS = /^win(?:11-wakatime|32)$/i;
const PLATFORM_MACOS = /^(?:darwin|macintosh)(?:;|$)/i;
const PLATFORM_IOS = /^(?:iphone|ipad)$/i;
/** Client labels in the platform slot that name no operating system. */
const PLATFORM_NOT_AN_OS =
  /^(?:blender(?:-|$)|c# client$|none(?:-|$)|os_name$|python client$|termux-wakatime$|vs\s?code(?:\/|,|$)|web$|webstorm$)/i;
const PLATFORM_SEPARATORS = /[\s)_-]/;

/** OS from the `(<platform>)` of the main form; mostly its lowercased first token. */
function osFromPlatform(platform: string, userAgent: string): string {
  // wakatime-cli appends `-<arch>` to the kernel release, so a WSL kernel shows up as `-WSL2-`.
  if (WSL_KERNEL.test(userAgent) || WSL_PLATFORM.test(platform)) return "wsl";
  if (PLATFORM_ANDROID.test(platform)) return "android";
  if (PLATFORM_CHROME_OS.test(platform)) return "chromeos";
  if (PLATFORM_WINDOWS.test(platform)) return "windows";
  if (PLATFORM_MACOS.test(platform)) return "macos";
  if (PLATFORM_IOS.test(platform)) return "ios";
  if (PLATFORM_NOT_AN_OS.test(platform)) return "";

  const candidate = (platform.startsWith("(") ? platform.slice(1) : platform)
    .split(PLATFORM_SEPARATORS, 1)[0]!
    .toLowerCase();
  switch (candidate) {
    case "win":
    case "windows":
      return "windows";
    case "darwin":
    case "mac":
    case "macos":
      return "macos";
    default:
      return candidate;
  }
}

const TEXT_WSL = /wsl2?/i;
const TEXT_ANDROID = /\bandroid\b/i;
const TEXT_CHROME_OS = /\bcros(?:\b|[_-])|chrome\s*os/i;
const TEXT_WINDOWS = /windows|win_/i;
const TEXT_MACOS = /macintosh|mac[_ -]?os|darwin/i;
const TEXT_LINUX = /linux/i;

/** OS from keywords anywhere in free text (non-wakatime-cli user agents). */
function osFromText(text: string): string {
  if (TEXT_WSL.test(text)) return "wsl";
  if (TEXT_ANDROID.test(text)) return "android";
  if (TEXT_CHROME_OS.test(text)) return "chromeos";
  if (TEXT_WINDOWS.test(text)) return "windows";
  if (TEXT_MACOS.test(text)) return "macos";
  if (TEXT_LINUX.test(text)) return "linux";
  return "";
}

const BROWSER_MACOS = /mac(?:intosh|os|_| )|darwin/i;

/** Browser user agents check macOS before Chrome OS and never report WSL. */
function osFromBrowser(userAgent: string): string {
  if (PLATFORM_ANDROID.test(userAgent)) return "android";
  if (TEXT_WINDOWS.test(userAgent)) return "windows";
  if (BROWSER_MACOS.test(userAgent)) return "macos";
  if (TEXT_CHROME_OS.test(userAgent)) return "chromeos";
  if (TEXT_LINUX.test(userAgent)) return "linux";
  return "";
}

// ---------------------------------------------------------------------------------------------
// Parsing

const MAX_USER_AGENT_LENGTH = 1024;

const MAIN_FORM = /^wakatime\/\S*\s+\(([^)]+)\)(?:\s+(.*))?$/i;
const LEGACY_ONSHAPE = /^onshape-wakatime-plugin_(?:chrome|firefox|microsoft\s+edge|opera)\//i;
const LEGACY_OS_EDITOR = /^(windows|linux|darwin|macos|mac)\/(.+)$/i;
/** Where the editor part of `Windows/VSCode (Windows/11; Python/3.12) …` ends. */
const LEGACY_OS_EDITOR_END = /\s+\(|\s+(?=(?:windows|linux|darwin|macos|mac|python)\/)/i;
const LEGACY_VERSION_EDITOR = /^v?\d+(?:\.\d+)+\/([a-z][\w.-]+)$/i;
const LEGACY_WAKATIME_EDITOR = /^wakatime\/([a-z][\w.-]+)$/i;
const LEADING_VERSION = /^v?\d/;
const LEGACY_PLATFORM_PRODUCT = /^([a-z][\w.-]*)(?:\/\S+)?\s+\(([^)]+)\)(?:\s+.*)?$/i;
const OS_PRODUCT = /^(?:windows|win|linux|darwin|macos|mac)(?:[/_-].*)?$/i;
const PARENTHESISED = /\([^)]*\)/g;
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  // Order matters: Edge and Opera also carry `Chrome/`, and Chrome carries `Safari/`.
  [/\b(?:edg|edga|edge)\//i, "edge"],
  [/\b(?:opr|opera)\//i, "opera"],
  [/\bfirefox\//i, "firefox"],
  [/\b(?:chrome|chromium)\//i, "chrome"],
  [/^hbuilder x\//i, "hbuilder-x"],
  [/\bsafari\//i, "safari"],
];

function result(editor: string, os: string, aiModel: string | null = null): ParsedUserAgent {
  return { editor, os, aiModel };
}

function parseMainForm(userAgent: string, platform: string, chain: string, ai: boolean): ParsedUserAgent {
  const products = productTokens(chain, ai);
  if (products.length > 0 && isRuntime(products[0]!)) products.shift();
  const aiModel = ai ? takeAiModel(products) : null;
  const platformEditor = editorFromPlatform(platform);
  const editor = extractEditor(products);
  const os = platformEditor === null ? osFromPlatform(platform, userAgent) : osFromText(chain);
  return result(editor || platformEditor || "", os, aiModel);
}

/** A browser extension that names an editor plugin other than itself (`… vscode-wakatime/24`). */
function editorFromBrowserChain(products: readonly string[]): string | null {
  for (let i = products.length - 1; i >= 0; i--) {
    const plugin = products[i]!;
    if (!isPlugin(plugin) || MIDDLEWARES.has(productOf(plugin).toLowerCase())) continue;
    const base = pluginBase(plugin);
    if (GENERIC_HOST_PLUGIN_BASES.has(base) || BROWSER_PLUGIN_BASES.has(base)) continue;
    for (let j = i - 1; j >= 0; j--) {
      const token = products[j]!;
      const product = productOf(token).toLowerCase();
      if (isMeaningful(token) && pluginMatches(plugin, product)) return normalizeEditor(product);
    }
    return normalizeEditor(base);
  }
  return null;
}

function parseLegacyOsEditor(userAgent: string): ParsedUserAgent | null {
  const m = LEGACY_OS_EDITOR.exec(userAgent);
  if (!m) return null;
  const remainder = m[2]!;
  const end = remainder.search(LEGACY_OS_EDITOR_END);
  const editor = end < 0 ? remainder : remainder.slice(0, end);
  if (editor.trim() === "") return null;
  return result(normalizeEditor(editor.toLowerCase()), osFromPlatform(m[1]!, userAgent));
}

function parseOther(userAgent: string, ai: boolean): ParsedUserAgent {
  if (LEGACY_ONSHAPE.test(userAgent)) return result("onshape", osFromText(userAgent));

  const osEditor = parseLegacyOsEditor(userAgent);
  if (osEditor) return osEditor;

  const versionEditor = LEGACY_VERSION_EDITOR.exec(userAgent);
  if (versionEditor) return result(normalizeEditor(versionEditor[1]!.toLowerCase()), "");

  const wakatimeEditor = LEGACY_WAKATIME_EDITOR.exec(userAgent);
  if (wakatimeEditor) {
    const editor = wakatimeEditor[1]!.toLowerCase();
    if (editor !== "unset" && !LEADING_VERSION.test(editor)) return result(normalizeEditor(editor), "");
  }

  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser !== undefined) {
    const products = productTokens(userAgent.replace(PARENTHESISED, " "), ai);
    return result(editorFromBrowserChain(products) ?? browser, osFromBrowser(userAgent));
  }

  const platformProduct = LEGACY_PLATFORM_PRODUCT.exec(userAgent);
  if (platformProduct) {
    const editor = platformProduct[1]!.toLowerCase();
    const os = osFromText(platformProduct[2]!);
    if (!isDecorator(editor) && os !== "") return result(normalizeEditor(editor), os);
  }

  // Free-form: `(Windows) vscode/1.90 vscode-wakatime/30`, `unity-wakatime`, `Roblox Studio/0.7 …`.
  const os = osFromText(userAgent);
  const products = productTokens(userAgent.replace(PARENTHESISED, " "), ai).filter((t) => !OS_PRODUCT.test(t));
  const meaningful = products.filter(isMeaningful);
  const parseable =
    products.some((t) => t.includes("/") || isPlugin(t)) ||
    (meaningful.length === 1 && BARE_EDITOR_PRODUCTS.has(productOf(meaningful[0]!).toLowerCase()));
  if (!parseable) return result("", os);

  const aiModel = ai ? takeAiModel(products) : null;
  let editor: string;
  const first = products[0];
  if (first !== undefined && products.length === 1 && MIDDLEWARES.has(productOf(first).toLowerCase())) {
    editor = normalizeEditor(productOf(first).toLowerCase()); // `wakatime-cli/1.2.3` on its own
  } else if (!ai && meaningful.length > 1 && first !== undefined && !first.includes("/") && !isPlugin(first)) {
    // An editor name with spaces before its plugin (`Roblox Studio/0.7 roblox-studio-wakatime/1`)
    // cannot be split reliably, while the plugin names the editor exactly.
    const plugin = products.find(isPlugin);
    editor = normalizeEditor(plugin === undefined ? "" : pluginBase(plugin));
  } else {
    editor = extractEditor(products);
  }
  return editor === "" ? result("", os) : result(editor, os, aiModel);
}

/**
 * Editor, operating system and (in the "ai coding" category) AI model named by a heartbeat's user
 * agent. Empty strings when nothing is recognised. Never throws.
 */
export function parseUserAgent(userAgent: string | null | undefined, category?: string | null): ParsedUserAgent {
  if (typeof userAgent !== "string" || userAgent.trim() === "") return result("", "");
  try {
    if (userAgent.length > MAX_USER_AGENT_LENGTH) userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
    const ai = typeof category === "string" && category.toLowerCase() === "ai coding";
    const main = MAIN_FORM.exec(userAgent);
    if (main) return parseMainForm(userAgent, main[1]!, main[2] ?? "", ai);
    return parseOther(userAgent, ai);
  } catch {
    return result("", "");
  }
}
