import { describe, expect, it } from "vitest";
import { parseUserAgent, type ParsedUserAgent } from "../../src/domain/user-agent";

// Expected values follow Hackatime's WakatimeUserAgentParser and its regression tests
// (hackatime-behavior.md §3.2 "UA parser summary"). Each case lists only the fields it pins down.
type Case = readonly [userAgent: string, expected: Partial<ParsedUserAgent>];

const AI = "ai coding";

function check(cases: readonly Case[], category?: string) {
  it.each(cases)("%s", (userAgent, expected) => {
    expect(parseUserAgent(userAgent, category)).toMatchObject(expected);
  });
}

describe("parseUserAgent: required examples", () => {
  it("wakatime-cli with a VS Code plugin on macOS", () => {
    expect(parseUserAgent("wakatime/v1.0.0 (darwin-arm64) go1.0.0 vscode/1.0.0 vscode-wakatime/1.0.0")).toEqual({
      editor: "vscode",
      os: "macos",
      aiModel: null,
    });
  });

  it("no runtime token", () => {
    expect(parseUserAgent("wakatime/1.0 (linux-x86_64) vscode/1.90")).toEqual({
      editor: "vscode",
      os: "linux",
      aiModel: null,
    });
  });

  it("no product after the platform", () => {
    expect(parseUserAgent("wakatime/v1.86.0 (windows-10.0.22631-x86_64)")).toEqual({
      editor: "",
      os: "windows",
      aiModel: null,
    });
  });

  it("a leading model token becomes aiModel in the ai coding category", () => {
    expect(
      parseUserAgent("wakatime/v2.21.4 (darwin-25.5.0-arm64) go1.26.4 opus/4-8 claude-code/2.1.202", "ai coding"),
    ).toEqual({ editor: "claude-code", os: "macos", aiModel: "opus/4-8" });
  });

  it("the documented Linux user agent of wakatime-cli", () => {
    expect(
      parseUserAgent(
        "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1",
      ),
    ).toEqual({ editor: "vscode", os: "linux", aiModel: null });
  });
});

describe("parseUserAgent: everyday editors", () => {
  check([
    ["wakatime/v1.102.1 (darwin-23.6.0-arm64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1", { editor: "vscode", os: "macos" }],
    ["wakatime/v1.0.0 (windows-x86_64) go1.0.0 vscode/1.0.0", { editor: "vscode", os: "windows" }],
    ["wakatime/v1.0.0 (darwin-arm64) go1.0.0 github-desktop/1.0.0", { editor: "github-desktop", os: "macos" }],
    ["wakatime/v1.0.0 (darwin-arm64) go1.0.0 figma/1.0.0", { editor: "figma", os: "macos" }],
    ["wakatime/v1.0.0 (darwin-arm64) go1.0.0 terminal/1.0.0", { editor: "terminal", os: "macos" }],
    ["wakatime/v1.0.0 (darwin-arm64) go1.0.0 vim/1.0.0", { editor: "vim", os: "macos" }],
    ["wakatime/v1.0.0 (darwin-arm64) go1.0.0 cursor/1.0.0", { editor: "cursor", os: "macos" }],
    // JetBrains IDEs send `<platform prefix>/<version> <prefix>-wakatime/<plugin version>`.
    ["wakatime/v1.53.4 (windows-x86_64) go1.18.4 Idea/2022.1.3 Idea-wakatime/14.1.0", { editor: "intellijidea" }],
    ["wakatime/v1.102.1 (darwin-23.6.0-arm64) go1.23.4 PyCharm/2024.3.1 PyCharm-wakatime/15.0.3", { editor: "pycharm", os: "macos" }],
    ["wakatime/v1.102.1 (linux-6.8.0-x86_64) go1.23.4 GoLand/2024.3 GoLand-wakatime/15.1.0", { editor: "goland", os: "linux" }],
    ["wakatime/v1.102.1 (windows-10.0.22631-x86_64) go1.23.4 Rider/2024.3 Rider-wakatime/15.1.0", { editor: "rider", os: "windows" }],
    ["wakatime/v1.102.0 (Windows-11-10.0.22631-SP0) Java21.0.2 IntelliJ/2024.3.1 IntelliJ-wakatime/15.1.0", { editor: "intellij", os: "windows" }],
    ["wakatime/v1.130.1 (windows-x86_64) go1.24.4 IntelliJIDEAUltimateEdition/unknown windows-wakatime/2.1.7", { editor: "intellijidea" }],
    // Vim family.
    ["wakatime/v1.90.0 (linux-6.1.0-18-amd64-x86_64) go1.22.1 vim/9.1.0 vim-wakatime/11.1.1", { editor: "vim", os: "linux" }],
    ["wakatime/v1.90.0 (linux-6.1.0-18-amd64-x86_64) go1.22.1 neovim/0.9.5 vim-wakatime/11.1.1", { editor: "neovim", os: "linux" }],
    ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 neovim/0.12 wakatime.nvim/12.0.0", { editor: "neovim", os: "linux" }],
    ["wakatime/1.115.1 (linux-x64) node/26.2.0 wakatime/v2.14.5 (linux-x86_64) go1.26.3 neovim/0.12 wakatime.nvim/12.0.0", { editor: "neovim" }],
    // Emacs: the modern plugin sends only itself; the legacy Python cli added a Python runtime.
    ["wakatime/v1.93.0 (darwin-23.4.0-arm64) go1.22.2 emacs-wakatime/1.0.2", { editor: "emacs", os: "macos" }],
    ["wakatime/13.0.4 (Linux-5.4.64-x86_64-with-glibc2.2.5) Python3.7.6.final.0 emacs-wakatime/1.0.2", { editor: "emacs", os: "linux" }],
    // Sublime Text.
    ["wakatime/v2.15.0 (linux-6.17.0-35-generic-unknown) go1.26.3 sublime/4200 sublime-wakatime/11.1.1", { editor: "sublime", os: "linux" }],
    ["wakatime/4.0.8 (Linux-3.16.0-34-generic-x86_64-with-Ubuntu-14.10-utopic) Python2.7.8.final.0 sublime/3083 sublime-wakatime/4.0.0", { editor: "sublime", os: "linux" }],
    // Zed, Xcode (through the macOS app), Helix, VS Code forks.
    ["wakatime/v1.102.1 (darwin-24.0.0-arm64) go1.23.4 Zed/0.160.7 Zed-wakatime/0.1.7", { editor: "zed", os: "macos" }],
    ["wakatime/v1.131.0 (darwin-arm64) go1.24.4 hackatime-zed-unknown", { editor: "zed" }],
    ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 ZedPreview/0.230.0 macos-wakatime/5.28.3", { editor: "zed" }],
    ["wakatime/v1.98.3 (darwin-23.5.0-arm64) go1.22.5 Xcode/15.4 macos-wakatime/5.0.0", { editor: "xcode", os: "macos" }],
    ["wakatime/1.139.1 (linux-6.18.8-unknown) go1.25.5 helix/25.07.1 (74075bb5) wakatime-ls/0.2.2 helix-wakatime/0.2.2", { editor: "helix", os: "linux" }],
    ["wakatime/v1.102.1 (darwin-24.1.0-arm64) go1.23.4 cursor/0.44.11 vscode-wakatime/24.9.2", { editor: "cursor", os: "macos" }],
    ["wakatime/v1.102.1 (windows-10.0.26100-x86_64) go1.23.4 windsurf/1.94.0 vscode-wakatime/24.9.2", { editor: "windsurf", os: "windows" }],
    ["wakatime/v1.131.0 (darwin-arm64) go1.24.4 cursor/1.99.3 vscode-wakatime/25.3.1 waka-relay/0.2.1", { editor: "cursor" }],
    ["wakatime/v1.115.3 (windows-x86_64) go1.24.2 \\\"vscode/1.101.0 vscode-wakatime/25.0.4\\", { editor: "vscode" }],
    // Claude Code outside the AI category.
    ["wakatime/v2.15.0 (linux-6.8.0-x86_64) go1.26.3 claude-code/2.1.0 claude-code-wakatime/3.1.5", { editor: "claude-code", os: "linux" }],
  ]);
});

describe("parseUserAgent: operating systems", () => {
  check([
    ["wakatime/v1.106.1 (linux-5.15.167.4-microsoft-standard-WSL2-unknown) go1.23.3 cursor/1.93.1 vscode-wakatime/24.9.2", { editor: "cursor", os: "wsl" }],
    ["wakatime/v1.102.1 (linux-5.15.153.1-microsoft-standard-WSL2-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1", { editor: "vscode", os: "wsl" }],
    ["wakatime/v1.102.1 (linux-5.15.153.1-microsoft-standard-WSL2) go1.23.4 vim/9.1 vim-wakatime/11.1.1", { editor: "vim", os: "wsl" }],
    ["wakatime/v2.0.12 (linux-wsl2-x86_64) go1.25.5 fish/4.5.0 terminal-wakatime/v1.1.5", { editor: "fish", os: "wsl" }],
    ["wakatime/1.139.1 (Linux-android-5.15.149-android13-unknown) go1.25.5 Unknown/0", { editor: "unknown", os: "android" }],
    ["wakatime/unset (Chrome OS) in vscode/1.126.0 vscode-hackatime/30.2.2001", { editor: "vscode", os: "chromeos" }],
    ["wakatime/v1.102.1 (Win11-wakatime) vscode/1.94.2 vscode-wakatime/24.6.2", { os: "windows" }],
    ["wakatime/v1.0.0 (Win32) MORP Editor/1.0.0 morp-profile-editor/1.0.0", { os: "windows" }],
    ["wakatime/6.2.0 (Darwin; arm64; macOS 15.2) PyCharm/2024.3.1 PyCharm-wakatime/15.0.3", { editor: "pycharm", os: "macos" }],
    ["wakatime/1.107.0 (Macintosh; arm64; macOS 15.2) VSCode/1.86 vscode-wakatime/24.0.0", { editor: "vscode", os: "macos" }],
    ["wakatime/unset (iPhone) in vscode/1.128.0 vscode-hackatime/30.2.2001", { editor: "vscode", os: "ios" }],
    ["wakatime/unset (iPad) in vscode/1.128.0 vscode-hackatime/30.2.2001", { os: "ios" }],
    ["wakatime/v1.0 (freebsd-14.1-RELEASE-amd64) go1.23.4 vim/9.1 vim-wakatime/11.1.1", { editor: "vim", os: "freebsd" }],
    // Client labels in the platform slot name no OS.
    ["wakatime/6.2.0 (C# Client)", { editor: "", os: "" }],
    ["wakatime/6.2.0 (Python Client)", { os: "" }],
    ["wakatime/0.1.7 (web) web EasyEDAPro/2.2.34.6 easyeda-wakatime/0.1.7", { editor: "easyedapro", os: "" }],
    ["wakatime/unset (none-Chrome-none) figma-wakatime/1.2.5", { editor: "figma", os: "" }],
    ["wakatime/unset (Blender-4.3.2) cyteon/blender-hackatime", { editor: "blender", os: "" }],
    ["wakatime/v1.102.1 (OS_NAME)", { os: "" }],
  ]);
});

describe("parseUserAgent: legacy editors in the platform slot", () => {
  check([
    ["wakatime/1.0.0 (VSCode/1.85.0)", { editor: "vscode", os: "" }],
    ["wakatime/v1.102.1 (VSCode, Custom)", { editor: "vscode", os: "" }],
    ["wakatime/v1.102.1 (VS Code)", { editor: "vscode", os: "" }],
    ["wakatime/v1.102.1 (Termux-wakatime)", { editor: "termux", os: "" }],
    ["wakatime/v1.102.1 (WebStorm)", { editor: "webstorm", os: "" }],
  ]);
});

describe("parseUserAgent: product chain normalisation", () => {
  check([
    ["wakatime/v1.0 (Linux) VS Code/1.90", { editor: "vscode" }],
    ["wakatime/v1.0 (Linux) VisualStudioCode/1.90", { editor: "vscode" }],
    ["wakatime/v1.0 (Linux) Code - OSS/1.90", { editor: "code-oss" }],
    ["wakatime/v1.0 (Linux) Codex Desktop/1.0.0 codex-wakatime/1.2.0", { editor: "codex-desktop" }],
    ["wakatime/v1.139.1 (windows-x86_64) go1.25.5 GodotEngine/unknown windows-wakatime/3.0.0", { editor: "godot" }],
    ["wakatime/v1.139.1 (windows-x86_64) go1.25.5 Godot4.3/unknown windows-wakatime/3.0.0", { editor: "godot" }],
    ["wakatime/v1.132.1 (windows-x86_64) go1.25.5 KiCadEDA9.0.6/unknown windows-wakatime/2.1.7", { editor: "kicad" }],
    ["wakatime/v1.115.1 (darwin-arm64) go1.24.2 RobloxStudio/0.653.0 macos-wakatime/5.26.3", { editor: "roblox-studio" }],
    ["wakatime/v1.102.1 (linux-x86_64) go1.23.4 KTextEditor/6.5 KTextEditor-wakatime/1.5.0", { editor: "kate" }],
    ["wakatime/v1.102.1 (linux-x86_64) go1.23.4 vscode-insiders/1.96.0", { editor: "vscode" }],
    ["wakatime/v1.98.3 (linux-x86_64) go1.22.5 wakatime-zsh-plugin/0.2.2", { editor: "zsh" }],
    ["wakatime/unset (windows) in vscode/1.125.1 vscode-hackatime/30.2.2001", { editor: "vscode" }],
    ["wakatime/v2.15.0 (darwin-25.1.0-arm64) vscode-hackatime-tracker/1.2.0 VS Code/1.96.0", { editor: "vscode", os: "macos" }],
    ["wakatime/v1.130.1 (windows-10.0.19045.6093-x86_64) go1.24.4 Python/unknown windows-wakatime/2.1.7", { editor: "python", os: "windows" }],
    ["wakatime/0.1.0 (Windows-11-AMD64) Python/3.12.10 VS Code/0.1.0", { editor: "vscode", os: "windows" }],
    ["wakatime/v1.53.3 (windows-10.0.19041.1415-unknown) go1.18.3 Python/2022.2 Python-wakatime/14.0.6", { editor: "pycharm" }],
    ["wakatime/v1.62.1 (linux-5.15.85-1-MANJARO-unknown) go1.19.5 Python/2023.1 EAP Python-wakatime/14.1.3", { editor: "pycharm" }],
    ["wakatime/v1.60.4 (linux-5.15.78-1-MANJARO-unknown) go1.19.4 Python/2022.3.1 RC Python-wakatime/14.1.3", { editor: "pycharm" }],
    ["wakatime/1.0.0 (Linux) x antigravity", { editor: "antigravity" }],
    ["wakatime/v1.115.3 (linux-x86_64) go1.24.2 ik11235/wakatime.fish/0.0.6", { editor: "fish" }],
    ["wakatime/1.60.4 (linux-x86_64) go1.22.0 kdevelop-wakatime-plugin1.0.0", { editor: "kdevelop" }],
    ["wakatime/v1.106.0 (windows-x86_64) go1.23.3 1.23.3 kicad/8.99.0 kicad-wakatime/0.0.0", { editor: "kicad" }],
    ["wakatime/1.0 (Linux) - SlideTap/unknown", { editor: "slidetap" }],
    ["wakatime/v1.132.1 (windows-x86_64) go1.25.5 Python + Streamlit/unknown Python + Streamlit-wakatime/0.0.0", { editor: "streamlit" }],
    ["wakatime/v2.13.0 (darwin-x86_64) go1.25.9 Terminal/2.15-470.2 macos-wakatime/5.28.3 waka-relay/0.2.1", { editor: "terminal", os: "macos" }],
  ]);
});

describe("parseUserAgent: AI coding category", () => {
  check(
    [
      ["wakatime/v2.21.4 (windows-10.0.19045.5011-x86_64) go1.26.4 gpt/5.3-codex github-copilot-cli/1.0.68 copilot/1.0.68 cursor/1.105.1 vscode-wakatime/30.2.1", { editor: "copilot-cli", os: "windows", aiModel: "gpt/5.3-codex" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 gpt/5.6 vscode-wakatime/unknown Zed/1.11.3 Zed-hackatime/0.3.1", { editor: "zed", aiModel: "gpt/5.6" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 fable/5 opencode-cli/local Zed/1.11.3 Zed-hackatime/0.3.1", { editor: "opencode-cli", aiModel: "fable/5" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 opencode-cli/local Zed/1.11.3 Zed-hackatime/0.3.1", { editor: "opencode-cli", aiModel: null }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 amp/unknown Zed/1.11.3 Zed-hackatime/0.3.1", { editor: "amp", aiModel: null }],
      ["wakatime/v2.14.2 (darwin-24.6.0-arm64) go1.26.3 Codex/0.128.0-alpha.1 Zed/1.2.6+stable.280.20b7f31e Zed-hackatime/0.3.1", { editor: "codex", aiModel: null }],
      ["wakatime/v2.15.0 (darwin-24.6.0-arm64) go1.26.3 Codex/0.112.0 vscode-wakatime/unknown Zed/1.5.3 Zed-hackatime/0.3.1", { editor: "codex", aiModel: null }],
      ["wakatime/v2.15.0 (darwin-24.6.0-arm64) go1.26.3 Codex/0.133.0 unknown-wakatime/unknown zsh/5.9 terminal-wakatime/1.1.5", { editor: "codex", aiModel: null }],
      ["wakatime/v2.15.0 (darwin-24.6.0-arm64) go1.26.3 OpenCode/local vscode-wakatime/unknown Notes/4.12.7 macos-wakatime/5.28.4", { editor: "opencode", aiModel: null }],
      ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 neovim/0.12 wakatime.nvim/12.0.0", { editor: "neovim", aiModel: null }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 VSCodium/1.121.0 (Continue/2.0.0)", { editor: "vscodium", aiModel: null }],
      ["wakatime/v2.22.0 (windows-x86_64) go1.26.5 antigravity-desktop/unknown vscode/1.128.0 vscode-wakatime/30.2.1", { editor: "antigravity-desktop", aiModel: null }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 github-copilot/0.55.0 VSCodium/1.121.0 vscode-wakatime/30.2.1", { editor: "github-copilot", aiModel: null }],
      ["wakatime/v2.14.7 (darwin-arm64) go1.26.3 ClaudeCode/2.1.197 cursor/1.105.1 vscode-wakatime/30.2.1", { editor: "claude-code", aiModel: null }],
      ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 qwen-code-cli/0.17.0 zed/1.11.3 zed-hackatime/0.3.1", { editor: "qwen-code-cli", aiModel: null }],
      ["wakatime/v2.16.1 (linux-x86_64) go1.26.4 OpenCode/1.17.9 opencode-cli/1.17.9 opencode-wakatime/1.3.8", { editor: "opencode", aiModel: null }],
      ["wakatime/v2.2.3 (linux-x86_64) go1.25.5 GitHubCopilot/0.43.0 vscode/1.115.0 vscode-wakatime/30.0.5", { editor: "github-copilot", aiModel: null }],
      ["wakatime/v2.14.7 (linux-x86_64) go1.26.3 Cline vscode/1.118.1 vscode-wakatime/30.1.3", { editor: "cline", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 antigravity/1.107.0 codex vscode-wakatime/29.0.3", { editor: "antigravity", aiModel: null }],
      ["wakatime/v2.21.4 (darwin-arm64) go1.26.4 Oh My Pi/1", { editor: "pi", aiModel: null }],
      ["wakatime/v2.15.3 (darwin-arm64) go1.26.4 Qwen Code/0.14.3 antigravity/1.107.0 vscode-wakatime/30.2.1", { editor: "qwen-code", aiModel: null }],
      ["wakatime/v2.13.0 (linux-x86_64) Roo Code vscode/1.119.0 vscode-wakatime/30.1.3", { editor: "roo-code", aiModel: null }],
      ["wakatime/v1.132.1 (darwin-24.6.0-x86_64) go1.25.5 Factory Droid/1.0.0", { editor: "droid", aiModel: null }],
      ["wakatime/v2.0.12 (windows-10.0.26200.8037-x86_64) go1.25.5 wakatime/v2.0.12 (windows-10.0.26200.8037-x86_64) go1.25.5 claude/2.1.92 claude-code-wakatime/3.1.5 ClaudeCode/2.1.87", { editor: "claude-code", aiModel: null }],
      ["wakatime/v2.22.0 (windows-10.0.26200.8655-x86_64) go1.26.5 (/1) Visual Studio Code/1.127.0 (Continue/2.1.0)", { editor: "vscode", aiModel: null }],
      ["wakatime/v1.139.4 (linux-x86_64) go1.25.5 vscodium/1.110.1 claude vscode-wakatime/29.0.3", { editor: "vscodium", aiModel: null }],
      ["wakatime/v2.0.13 (linux-x86_64) go1.25.5 vscodium/1.112.0 vscode-wakatime/30.0.2 ClaudeCode/2.1.87", { editor: "vscodium", aiModel: null }],
      ["wakatime/v2.0.12 (windows-x86_64) go1.25.5 vscodium/1.112.0 vscode-wakatime/30.0.2 Codex/0.118.0-alpha.2", { editor: "vscodium", aiModel: null }],
      ["wakatime/v2.0.12 (linux-x86_64) go1.25.5 code-oss/1.111.0 vscode-wakatime/30.0.4 ClaudeCode/unknown", { editor: "code-oss", aiModel: null }],
      ["wakatime/v2.0.13 (darwin-arm64) go1.25.5 zsh/5.9 terminal-wakatime/dev ClaudeCode/2.1.85", { editor: "zsh", aiModel: null }],
      ["wakatime/v2.0.12 (darwin-arm64) go1.25.5 cursor/1.105.1 vscode-wakatime/30.0.4 Codex/0.118.0-alpha.2", { editor: "cursor", aiModel: null }],
      ["wakatime/v1.131.0 (darwin-arm64) go1.24.4 cursor/1.99.3 vscode-wakatime/25.3.1 waka-relay/0.2.1", { editor: "cursor", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 cursor/1.105.1 claude vscode-wakatime/29.0.3", { editor: "cursor", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 kiro/1.107.1 claude vscode-wakatime/29.0.3", { editor: "kiro", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 windsurf/1.107.0 codex vscode-wakatime/29.0.3", { editor: "windsurf", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 trae/1.107.1 claude vscode-wakatime/29.0.3", { editor: "trae", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 cursornightly/1.105.1 codex vscode-wakatime/29.0.3", { editor: "cursornightly", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 code-server/1.108.2 codex vscode-wakatime/29.0.3", { editor: "code-server", aiModel: null }],
      ["wakatime/v1.139.4 (darwin-arm64) go1.25.5 arduino/1.96.0 codex vscode-wakatime/29.0.3", { editor: "arduino", aiModel: null }],
      ["wakatime/v2.0.12 (darwin-arm64) go1.25.5 antigravity/1.107.0 codex vscode-wakatime/29.0.3 Codex/0.116.0-alpha.1", { editor: "antigravity", aiModel: null }],
      ["wakatime/v2.21.0 (darwin-25.4.0-arm64) go1.26.4 gpt/5.5-high vscode-wakatime/unknown Codex/26.616.71553-4265 macos-wakatime/5.28.4", { editor: "vscode", aiModel: "gpt/5.5-high" }],
      ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 gpt/5.6 antigravity-cli/unknown vscode/1.128.0 vscode-wakatime/30.2.1", { editor: "antigravity-cli", aiModel: "gpt/5.6" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 vscode-wakatime/unknown Codex/26.609.30741 macos-wakatime/5.28.4", { editor: "vscode", aiModel: null }],
      ["wakatime/v2.21.3 (darwin-27.0.0-arm64) go1.26.4 gpt/5.5-medium vscode-wakatime/unknown /4.5.5-4005005001 macos-wakatime/5.28.3", { editor: "vscode", aiModel: "gpt/5.5-medium" }],
      ["wakatime/v2.21.4 (linux-6.17.0-x86_64) go1.26.4 mythos/5-high opencode-cli/1.4.4 vscode/1.128.0", { editor: "opencode-cli", aiModel: "mythos/5-high" }],
      ["wakatime/v2.21.4 (darwin-25.5.0-arm64) go1.26.4 vscode/1.128.0 vscode-wakatime/30.2.1", { editor: "vscode", aiModel: null }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 gpt/5.5-xhigh vscode-wakatime/unknown vscode/1.124.0", { editor: "vscode", aiModel: "gpt/5.5-xhigh" }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 claude/3.5 ClaudeCode/2.1.202 claude-code-wakatime/3.1.6", { editor: "claude-code", aiModel: "claude/3.5" }],
      ["wakatime/v2.15.0 (windows-x86_64) go1.26.3 claude/2.1.160 claude-code-wakatime/3.1.5", { editor: "claude-code", aiModel: null }],
      ["wakatime/v2.1.3 (windows-x86_64) go1.25.5 ClaudeCode/2.1.89 claude/2.1.89 claude-code-wakatime/3.1.5", { editor: "claude-code", aiModel: null }],
      ["wakatime/v2.15.3 (darwin-25.5.0-arm64) go1.26.4 Claude/2.1.89", { editor: "claude-code", aiModel: null }],
      ["wakatime/v2.0.12 (linux-x86_64) go1.25.5 neovim/801 vim-wakatime/11.3.0 ClaudeCode/2.0.31", { editor: "neovim", os: "linux", aiModel: null }],
      ["wakatime/v2.13.0 (darwin-x86_64) go1.25.9 Terminal/2.15-470.2 macos-wakatime/5.28.3 waka-relay/0.2.1", { editor: "terminal", os: "macos", aiModel: null }],
      ["wakatime/v2.22.2 (windows-x86_64) go1.26.5 Visual Studio Code - Insiders/1.108.0-insider (Continue/1.3.38)", { editor: "vscode", aiModel: null }],
      ["wakatime/v2.22.0 (linux-x86_64) go1.26.5 glm/5.2-medium exec-wakatime/unknown code-server/1.127.0 vscode-hackatime/30.2.2", { editor: "code-server", aiModel: "glm/5.2-medium" }],
      ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 gemini/3.5-flash-high antigravity-ide/1.14.2 antigravityide/1.14.2 vscode-wakatime/30.2.1", { editor: "antigravity-ide", aiModel: "gemini/3.5-flash-high" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 codex/mini-latest codex-cli/0.20.0 terminal/1.0.0", { editor: "codex-cli", aiModel: "codex/mini-latest" }],
      ["wakatime/v2.22.2 (darwin-arm64) go1.26.5 codex/1.0.0 codex-wakatime/1.3.1", { editor: "codex", aiModel: null }],
      ["wakatime/v2.22.2 (linux-x86_64) go1.26.5 gemini/1.0.0 gemini-wakatime/1.0.0", { editor: "gemini", aiModel: null }],
      ["wakatime/1.0 (linux) (extra) opus/4-8 claude-code/2.1", { editor: "claude-code", os: "linux", aiModel: "opus/4-8" }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 future-editor/1.0.0 vscode-wakatime/30.2.1", { editor: "future-editor", aiModel: null }],
      ["wakatime/v2.21.2 (windows-10.0.26200.8737-x86_64) go1.26.4 opencode-desktop/local opencode-wakatime/unknown", { editor: "opencode-desktop", aiModel: null }],
      ["wakatime/v2.16.1 (windows-x86_64) go1.26.4 Copilot/claude-haiku-4.5 vscode/1.124.2 vscode-wakatime/30.2.1", { editor: "copilot", aiModel: "claude-haiku-4.5" }],
      ["wakatime/v2.14.10 (windows-x86_64) go1.26.3 Gemini/gemini-3-flash-preview pycharm/2025.2.4 pycharm-wakatime/15.0.4", { editor: "gemini", aiModel: "gemini-3-flash-preview" }],
      ["wakatime/v2.13.1 (windows-x86_64) go1.26.3 Copilot/0.35.2 vscode/1.119.0 vscode-wakatime/30.1.3", { aiModel: null }],
      ["wakatime/v2.7.0 (windows-x86_64) go1.25.9 Copilot/0.44.2Cursor/unknown windows-wakatime/3.0.0", { aiModel: null }],
      ["wakatime/v2.14.10 (darwin-arm64) go1.26.3 Gemini/1.80.15.516-1.80.15.516", { aiModel: null }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 glm/1.0", { editor: "", aiModel: "glm/1.0" }],
      ["wakatime/v2.21.4 (linux-x86_64) go1.26.4 nemotron/1.0", { editor: "", aiModel: "nemotron/1.0" }],
      ["wakatime/v2.21.4 (windows-x86_64) go1.26.4 composer/2.5", { editor: "", aiModel: "composer/2.5" }],
      ["wakatime/v2.21.2 (darwin-arm64) go1.26.4 deepseek/4-flash-free oh-my-pi-wakatime/1", { editor: "pi", aiModel: "deepseek/4-flash-free" }],
      ["wakatime/v2.15.0 (darwin-arm64) go1.26.3 HubAI Nitro/1.1.5-beta.36", { editor: "hubai-nitro", aiModel: null }],
      ["wakatime/v2.21.2 (darwin-25.5.0-arm64) go1.26.4 gpt/5.5-high mcp-wakatime/unknown vscode/1.126.0 vscode-wakatime/30.2.1", { editor: "vscode", aiModel: "gpt/5.5-high" }],
      ["wakatime/v2.22.0 (darwin-24.6.0-arm64) go1.26.5 gpt/5.5-high vscode-wakatime/unknown", { editor: "vscode", aiModel: "gpt/5.5-high" }],
      ["wakatime/v2.21.3 (darwin-27.0.0-arm64) go1.26.4 gpt/5.4-medium /4.5.5-4005005001 macos-wakatime/5.28.3", { editor: "", aiModel: "gpt/5.4-medium" }],
      ["wakatime/v2.19.0 (linux-x86_64) go1.26.4 NeuralNexusLab/CodeXor:3b Continue Code - OSS/1.118.1 (Continue/1.2.24)", { editor: "code-oss", aiModel: "NeuralNexusLab/CodeXor:3b" }],
      ["wakatime/v2.0.12 (linux-x86_64) go1.25.5 t3code_desktop/1.0.0 codex-wakatime/1.2.0 Codex/0.116.0", { editor: "t3code_desktop", aiModel: null }],
      ["wakatime/v2.14.7 (windows-x86_64) go1.26.3 codex/0.133.0 hackatime-fix/1.0", { editor: "codex", aiModel: null }],
      ["wakatime/v2.0.12 (linux-wsl2-x86_64) go1.25.5 fish/4.5.0 terminal-wakatime/v1.1.5 ClaudeCode/2.1.89", { editor: "fish", os: "wsl", aiModel: null }],
      ["wakatime/v2.22.0 (windows-x86_64) go1.26.5 gpt/5.5-high vscode-wakatime/unknown godot/4.5.0 godot-wakatime/1.0.0", { editor: "godot", aiModel: "gpt/5.5-high" }],
      // Transcript chains sent without the wakatime-cli prefix.
      ["opus/4-8 claude-code/2.1.202", { editor: "claude-code", aiModel: "opus/4-8" }],
      ["Codex zsh/5.9 terminal-wakatime/1.0.0", { editor: "codex", aiModel: null }],
    ],
    AI,
  );

  // One product chain per AI transcript parser, behind the same wakatime-cli prefix.
  const prefix = "wakatime/v2.22.2 (linux-x86_64) go1.26.5 ";
  check(
    (
      [
        ["gpt/5.4-codex codex-cli/0.142.0", "codex-cli", "gpt/5.4-codex"],
        ["Amp/0.1.0 vscode/1.90 vscode-wakatime/30.2.1", "amp", null],
        ["codestral/25.01 vscode/1.90 vscode-wakatime/30.2.1", "vscode", "codestral/25.01"],
        ["claude/3.7 vscode/1.90 vscode-wakatime/30.2.1", "vscode", "claude/3.7"],
        ["vscode/1.90 vscode-wakatime/30.2.1", "vscode", null],
        ["deepseek/3 opencode-cli/1.17.9 vscode/1.90", "opencode-cli", "deepseek/3"],
        ["github-copilot/0.55.0 vscode/1.90 vscode-wakatime/30.2.1", "github-copilot", null],
        ["claude/4 Cursor/1.125.0 vscode-wakatime/30.2.1", "cursor", "claude/4"],
        ["swe/1 windsurf/1.107.0 vscode-wakatime/30.2.1", "windsurf", "swe/1"],
        ["qoder/1.13.0 vscode-wakatime/30.2.1", "qoder", null],
        ["kiro/1.107.1 vscode-wakatime/30.2.1", "kiro", null],
        ["gemini/3.1-pro-high vscode/1.90 vscode-wakatime/30.2.1", "vscode", "gemini/3.1-pro-high"],
        ["qwen/3 qwen-code-cli/0.17.0 zed/1.11.3", "qwen-code-cli", "qwen/3"],
        ["gpt/5.6 zsh/5.9 terminal-wakatime/1.1.5", "zsh", "gpt/5.6"],
        ["llama/4 neovim/0.12 wakatime.nvim/12.0.0", "neovim", "llama/4"],
        ["Continue/Gemini 3.1 Pro Visual Studio Code/1.124.2 (Continue/1.2.22)", "vscode", null],
        ["Continue/Claude Sonnet 4.6 VSCodium/1.124.2 (Continue/1.2.22)", "vscodium", null],
        ["Continue/Claude 4 Sonnet IntelliJ IDEA 2025.2.2/2025.2.2 (Continue/1.0.44)", "intellijidea", null],
        ["Continue/Llama 3.1 8B Code - OSS/1.107.1 (Continue/1.2.14)", "code-oss", null],
      ] as const
    ).map(([chain, editor, aiModel]): Case => [prefix + chain, { editor, aiModel }]),
    AI,
  );

  it("matches the category case-insensitively", () => {
    const ua = "wakatime/v2.21.4 (darwin-25.5.0-arm64) go1.26.4 opus/4-8 claude-code/2.1.202";
    expect(parseUserAgent(ua, "AI Coding")).toMatchObject({ editor: "claude-code", aiModel: "opus/4-8" });
  });

  it("extracts no model outside the ai coding category", () => {
    const ua = "wakatime/v2.21.4 (darwin-25.5.0-arm64) go1.26.4 opus/4-8 claude-code/2.1.202";
    expect(parseUserAgent(ua, "coding")).toEqual({ editor: "opus", os: "macos", aiModel: null });
    expect(parseUserAgent(ua)).toEqual({ editor: "opus", os: "macos", aiModel: null });
  });
});

describe("parseUserAgent: browsers and the browser extension", () => {
  check([
    ["Chrome/126.0.0.0 linux chrome-wakatime/4.0.1", { editor: "chrome", os: "linux" }],
    ["Chrome/126.0.0.0 mac_arm64 chrome-wakatime/4.0.1", { editor: "chrome", os: "macos" }],
    ["Chrome/126.0.0.0 win_x86-64 chrome-wakatime/4.0.1", { editor: "chrome", os: "windows" }],
    ["Chrome/147.0.0.0 cros_x86-64 chrome-wakatime/4.1.0", { editor: "chrome", os: "chromeos" }],
    ["Firefox/139.0 linux_x86-64 firefox-wakatime/4.1.0", { editor: "firefox", os: "linux" }],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 Edg/116.0.1938.62 win_x86-64 edge-wakatime/3.0.18", { editor: "edge", os: "windows" }],
    ["Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36 OPR/115.0.0.0 Chrome/130.0 win_x86-64 chrome-wakatime/4.1.0", { editor: "opera", os: "windows" }],
    ["Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/145.0 Mobile Safari/537.36 EdgA/145.0 edge-wakatime/4.0.0", { editor: "edge", os: "android" }],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", { editor: "chrome", os: "macos" }],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", { editor: "safari", os: "macos" }],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", { editor: "firefox", os: "linux" }],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", { editor: "chrome", os: "chromeos" }],
    // An editor plugin in the chain wins over the browser signature.
    ["Mozilla/5.0 (Linux; Android 10) Chrome/125.0 vscode/1.96.0 vscode-wakatime/24.9.2", { editor: "vscode", os: "android" }],
    ["Chrome/145.0.0.0 macOS/10.15.7 onshape-wakatime/2.1.0", { editor: "onshape", os: "macos" }],
    ["onshape-wakatime-plugin_Microsoft Edge/144.0.0.0 macOS_10.15.7 onshape-wakatime/1.0.1", { editor: "onshape", os: "macos" }],
    ["onshape-wakatime-plugin_Chrome/138.0.0.0 Windows_NT_10.0 onshape-wakatime/1.0.1", { editor: "onshape", os: "windows" }],
    ["onshape-wakatime-plugin_Firefox/146.0 Linux_undefined onshape-wakatime/1.0.1", { editor: "onshape", os: "linux" }],
    ["onshape-wakatime-plugin_Firefox/144.0 macOS_10.15 onshape-wakatime/1.0.1", { editor: "onshape", os: "macos" }],
    ["onshape-wakatime-plugin_Opera/121.0.0.0 Windows_NT_10.0 onshape-wakatime/1.0.1", { editor: "onshape", os: "windows" }],
  ]);
});

describe("parseUserAgent: legacy and free-form user agents", () => {
  check([
    ["linux/vim", { editor: "vim", os: "linux" }],
    ["Windows/VSCode (Windows/11; Python/3.12.10) CircuPlay", { editor: "vscode", os: "windows" }],
    ["Linux/codex-agent", { editor: "codex-agent", os: "linux" }],
    ["Darwin/Unity", { editor: "unity", os: "macos" }],
    ["1.2.3/sublime", { editor: "sublime", os: "" }],
    ["1.0/codex-agent", { editor: "codex-agent", os: "" }],
    ["wakatime/VSCode", { editor: "vscode", os: "" }],
    ["wakatime/emacs", { editor: "emacs", os: "" }],
    ["codex-agent (linux)", { editor: "codex-agent", os: "linux" }],
    ["Custom_editor (Linux/6.1.0-37-amd64; Python/3.11.2) HSSIoT", { editor: "custom_editor", os: "linux" }],
    ["(Windows) vscode/1.90.0 vscode-wakatime/30.2.1", { editor: "vscode", os: "windows" }],
    ["(Chrome OS) vscode/1.102.0-insider vscode-wakatime/25.0.6", { editor: "vscode", os: "chromeos" }],
    ["(Android) vscode/1.102.0 vscode-wakatime/25.0.6", { editor: "vscode", os: "android" }],
    ["(Darwin) Darwin/1.0.0 unitime-wakatime/0.1.0", { editor: "unitime" }],
    ["unity-wakatime", { editor: "unity", os: "" }],
    ["adobexd-wakatime/3.0.0", { editor: "adobexd", os: "" }],
    ["Roblox Studio/0.700.0 roblox-studio-wakatime/1.0.0", { editor: "roblox-studio", os: "" }],
    ["linux_x86-64 betterdiscord/1.12.0 discord-wakatime/1.0.0", { editor: "betterdiscord", os: "linux" }],
    ["Processing processing-wakatime/1.0.0", { editor: "processing", os: "" }],
    ["Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.26100.2161", { editor: "windowspowershell", os: "windows" }],
    ["wakatime-cli/1.2.3", { editor: "wakatime-cli" }],
    ["Vscode", { editor: "vscode", os: "" }],
    ["CustomClient", { editor: "customclient", os: "" }],
    ["SYNTHETIC-Audio", { editor: "synthetic-audio", os: "" }],
    ["Windows vscode", { editor: "vscode", os: "windows" }],
    ["Visual Studio Code", { editor: "vscode", os: "" }],
  ]);
});

describe("parseUserAgent: unparseable input", () => {
  const empty: ParsedUserAgent = { editor: "", os: "", aiModel: null };

  it.each([null, undefined, "", "   ", "\t\n"])("%j gives nothing", (userAgent) => {
    expect(parseUserAgent(userAgent)).toEqual(empty);
  });

  check([
    ["invalid-user-agent", { editor: "", os: "", aiModel: null }],
    ["codex agent/1.0", { editor: "", os: "" }],
    // Hackatime keeps an OS it could read even when no editor is found.
    ["Windows", { editor: "", os: "windows", aiModel: null }],
  ]);

  it("never throws, whatever it is given", () => {
    const inputs: unknown[] = [
      42,
      {},
      ["vscode"],
      "wakatime/",
      "wakatime/ (",
      "wakatime/1 ()",
      "wakatime/1 (linux) \u0000 vscode/1",
      "(((((((((",
      "/".repeat(10_000),
      "wakatime/1 (linux) " + "a/1 ".repeat(5_000),
      "Continue/" + "x ".repeat(2_000) + "vscode",
    ];
    for (const input of inputs) {
      const parsed = parseUserAgent(input as string);
      expect(typeof parsed.editor).toBe("string");
      expect(typeof parsed.os).toBe("string");
    }
  });

  it("returns a fresh object each time", () => {
    const a = parseUserAgent(null);
    a.editor = "mutated";
    expect(parseUserAgent(null).editor).toBe("");
  });
});

describe("parseUserAgent: long input", () => {
  // Some patterns are quadratic on adversarial input, so only the first 1,024 characters count.
  it.each([
    ["spaces", "linux/a" + " ".repeat(20_000) + "x"],
    ["parentheses", "(".repeat(20_000)],
    ["Continue prefixes", "wakatime/1 (linux) " + "Continue/a ".repeat(2_000) + "vscode/1"],
  ])("parses only the first 1,024 characters of %s", (_name, userAgent) => {
    expect(parseUserAgent(userAgent, "ai coding")).toEqual(parseUserAgent(userAgent.slice(0, 1024), "ai coding"));
  });

  it("still reads a user agent just under the limit", () => {
    const ua = "wakatime/v1.0 (linux-x86_64) go1.23 " + "(meta) ".repeat(120) + "vim/9.1 vim-wakatime/11.1.1";
    expect(ua.length).toBeLessThan(1024);
    expect(parseUserAgent(ua)).toEqual({ editor: "vim", os: "linux", aiModel: null });
  });
});
