// How breakdown names are shown in WakaTime-style stats (Hackatime's ApplicationHelper
// display_editor_name / display_os_name / display_language_name): a fixed map for the names
// WakaTime clients send in lower case, else Ruby's String#capitalize.
import { isBlank } from "../../lib/text";

const EDITOR_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  vscode: "VSCode",
  "vs code": "VSCode",
  pycharm: "PyCharm",
  intellij: "IntelliJ IDEA",
  intellijidea: "IntelliJ IDEA",
  "intellij idea": "IntelliJ IDEA",
  webstorm: "WebStorm",
  phpstorm: "PhpStorm",
  datagrip: "DataGrip",
  ktexteditor: "Kate",
  "android studio": "Android Studio",
  "visual studio": "Visual Studio",
  "sublime text": "Sublime Text",
  iterm2: "iTerm2",
  rubymine: "RubyMine",
  opencode: "OpenCode",
  claudecode: "Claude Code",
  "claude code": "Claude Code",
  "zoom.us": "Zoom",
  windowspowershell: "PowerShell",
  goland: "GoLand",
  rustrover: "RustRover",
};

const OS_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  darwin: "macOS",
  macos: "macOS",
  mac: "macOS",
  wsl: "WSL",
  mozilla: "Firefox",
  vscode: "VSCode",
};

/** Ruby's String#capitalize: first character upper-cased, the rest lower-cased. */
export function capitalize(value: string): string {
  const [first = "", ...rest] = Array.from(value);
  return first.toUpperCase() + rest.join("").toLowerCase();
}

const has = (map: Readonly<Record<string, string>>, key: string) => Object.prototype.hasOwnProperty.call(map, key);

/** "vscode" → "VSCode", "neovim" → "Neovim"; blank → "Unknown". */
export function displayEditorName(editor: string | null | undefined): string {
  if (isBlank(editor)) return "Unknown";
  const key = editor!.toLowerCase();
  return has(EDITOR_DISPLAY_NAMES, key) ? EDITOR_DISPLAY_NAMES[key] : capitalize(editor!);
}

/** "darwin" → "macOS", "wsl" → "WSL", "linux" → "Linux"; blank → "Unknown". */
export function displayOsName(os: string | null | undefined): string {
  if (isBlank(os)) return "Unknown";
  const key = os!.toLowerCase();
  return has(OS_DISPLAY_NAMES, key) ? OS_DISPLAY_NAMES[key] : capitalize(os!);
}

/**
 * Hackatime shows a language by its canonical Linguist name ("js" → "JavaScript"); blank →
 * "Unknown". Stored languages are already the client's value or a detected canonical name, so
 * the stored value is shown as is (the alias table lives in domain/languages.ts, unexported).
 */
export function displayLanguageName(language: string | null | undefined): string {
  if (isBlank(language)) return "Unknown";
  return language!;
}

export type BreakdownDimension = "project" | "language" | "editor" | "operating_system" | "machine" | "category";

/** The name a breakdown entry shows, after Hackatime's blank fallback (`fallback`) for the raw key. */
export function displayName(dim: BreakdownDimension, raw: string | null, fallback: string): string {
  const value = isBlank(raw) ? fallback : raw!;
  switch (dim) {
    case "editor":
      return displayEditorName(value);
    case "operating_system":
      return displayOsName(value);
    case "language":
      return displayLanguageName(value);
    default:
      return value;
  }
}
