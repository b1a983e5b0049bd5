import { describe, expect, it } from "vitest";
import { languageColor, languageForEntity, resolveLanguage } from "../../src/domain/languages";

describe("languageForEntity: file names", () => {
  it.each([
    ["Dockerfile", "Dockerfile"],
    ["/srv/app/Containerfile", "Dockerfile"],
    ["dockerfile", "Dockerfile"],
    ["/repo/Makefile", "Makefile"],
    ["GNUmakefile", "Makefile"],
    ["Makefile.am", "Makefile"],
    ["Rakefile", "Ruby"],
    ["Gemfile", "Ruby"],
    ["Vagrantfile", "Ruby"],
    ["Podfile", "Ruby"],
    ["CMakeLists.txt", "CMake"], // the file name wins over `.txt`
    ["Jenkinsfile", "Groovy"],
    ["/home/me/.bashrc", "Shell"],
    ["/home/me/.zshrc", "Shell"],
    ["/home/me/.bash_profile", "Shell"],
    ["PKGBUILD", "Shell"],
    ["go.mod", "Go Module"],
    ["go.sum", "Go Checksums"],
    ["go.work", "Go Workspace"],
    ["package.json", "JSON"],
    ["composer.lock", "JSON"],
    ["tsconfig.json", "JSON with Comments"],
    [".babelrc", "JSON with Comments"],
    ["Cargo.lock", "TOML"],
    ["poetry.lock", "TOML"],
    ["Pipfile", "TOML"],
    ["yarn.lock", "YAML"],
    [".clang-format", "YAML"],
    [".gitignore", "Ignore List"],
    [".dockerignore", "Ignore List"],
    [".gitattributes", "Git Attributes"],
    [".gitmodules", "Git Config"],
    [".editorconfig", "EditorConfig"],
    [".env", "Dotenv"],
    [".env.local", "Dotenv"],
    ["LICENSE", "Text"],
    ["justfile", "Just"],
    ["BUILD.bazel", "Starlark"],
    ["WORKSPACE", "Starlark"],
    ["meson.build", "Meson"],
    ["Procfile", "Procfile"],
    ["Caddyfile", "Caddyfile"],
    ["nginx.conf", "Nginx"],
    [".htaccess", "ApacheConf"],
    [".vimrc", "Vim script"],
    [".emacs", "Emacs Lisp"],
    ["mix.lock", "Elixir"],
    ["rebar.config", "Erlang"],
    ["project.godot", "Godot Resource"],
    ["cpanfile", "Perl"],
    ["CODEOWNERS", "CODEOWNERS"],
  ])("%s → %s", (entity, language) => {
    expect(languageForEntity(entity)).toBe(language);
  });
});

describe("languageForEntity: extensions", () => {
  it.each([
    ["src/index.ts", "TypeScript"],
    ["src/App.tsx", "TSX"],
    ["src/index.js", "JavaScript"],
    ["src/App.jsx", "JavaScript"],
    ["vite.config.mjs", "JavaScript"],
    ["main.py", "Python"],
    ["stubs.pyi", "Python"],
    ["app.rb", "Ruby"],
    ["main.go", "Go"],
    ["lib.rs", "Rust"],
    ["main.c", "C"],
    ["stdio.h", "C"],
    ["main.cpp", "C++"],
    ["vector.hpp", "C++"],
    ["sketch.ino", "C++"],
    ["Program.cs", "C#"],
    ["Main.java", "Java"],
    ["Main.kt", "Kotlin"],
    ["build.gradle.kts", "Kotlin"],
    ["build.gradle", "Gradle"],
    ["App.swift", "Swift"],
    ["AppDelegate.m", "Objective-C"],
    ["Bridge.mm", "Objective-C++"],
    ["index.php", "PHP"],
    ["index.html", "HTML"],
    ["style.css", "CSS"],
    ["style.scss", "SCSS"],
    ["style.sass", "Sass"],
    ["style.less", "Less"],
    ["README.md", "Markdown"],
    ["page.mdx", "MDX"],
    ["data.json", "JSON"],
    ["settings.jsonc", "JSON with Comments"],
    ["ci.yml", "YAML"],
    ["ci.yaml", "YAML"],
    ["pyproject.toml", "TOML"],
    ["install.sh", "Shell"],
    ["run.bash", "Shell"],
    ["config.fish", "fish"],
    ["schema.sql", "SQL"],
    ["init.lua", "Lua"],
    ["module.luau", "Luau"],
    ["App.vue", "Vue"],
    ["App.svelte", "Svelte"],
    ["index.astro", "Astro"],
    ["main.dart", "Dart"],
    ["app.ex", "Elixir"],
    ["test.exs", "Elixir"],
    ["server.erl", "Erlang"],
    ["Main.hs", "Haskell"],
    ["main.ml", "OCaml"],
    ["Main.scala", "Scala"],
    ["core.clj", "Clojure"],
    ["main.zig", "Zig"],
    ["main.nim", "Nim"],
    ["player.gd", "GDScript"],
    ["scene.tscn", "Godot Resource"],
    ["notes.txt", "Text"],
    ["script.pl", "Perl"],
    ["analysis.R", "R"],
    ["model.jl", "Julia"],
    ["main.tf", "HCL"],
    ["flake.nix", "Nix"],
    ["api.proto", "Protocol Buffer"],
    ["schema.graphql", "GraphQL"],
    ["profile.ps1", "PowerShell"],
    ["build.bat", "Batchfile"],
    ["pom.xml", "XML"],
    ["icon.svg", "SVG"],
    ["notebook.ipynb", "Jupyter Notebook"],
    ["paper.tex", "TeX"],
    ["boot.s", "Assembly"],
    ["boot.asm", "Assembly"],
    ["Actor.uc", "UnrealScript"],
    ["guide.ad", "AsciiDoc"],
    ["Main.lean", "Lean 4"],
    ["solver.f90", "Fortran Free Form"],
    ["Program.fs", "F#"],
    ["Token.sol", "Solidity"],
    ["schema.prisma", "Prisma"],
    ["shader.wgsl", "WGSL"],
    ["kernel.cu", "Cuda"],
    ["view.blade", "Blade"],
    ["index.erb", "HTML+ERB"],
    ["fix.patch", "Diff"],
    ["data.csv", "CSV"],
    ["main.typ", "Typst"],
    ["diagram.mmd", "Mermaid"],
    ["main.gleam", "Gleam"],
    ["main.odin", "Odin"],
  ])("%s → %s", (entity, language) => {
    expect(languageForEntity(entity)).toBe(language);
  });

  it.each([
    ["Main.TS", "TypeScript"],
    ["SCRIPT.PY", "Python"],
    ["README.MD", "Markdown"],
    ["Lib.Rs", "Rust"],
  ])("matches extensions case-insensitively: %s", (entity, language) => {
    expect(languageForEntity(entity)).toBe(language);
  });

  it("knows at least 150 common extensions", () => {
    const common = (
      "ts cts mts tsx js cjs mjs jsx json jsonc json5 py pyi pyw pyx ipynb rb rake gemspec erb go rs c h cpp cc " +
      "cxx hpp hh hxx ino cs csx fs fsx vb java kt kts scala sbt groovy gradle clj cljs cljc swift m mm php " +
      "phtml html htm xhtml css scss sass less styl md markdown mdx rmd rst adoc org typ tex bib txt rtf xml " +
      "xsd csproj xaml xsl svg plist yml yaml toml ini properties env sh bash zsh ksh fish ps1 psm1 bat cmd " +
      "sql lua luau vue svelte astro dart ex exs heex erl hrl hs lhs cabal elm purs ml mli res re sml scm rkt " +
      "lisp el fnl zig nim cr d jl r f f90 cob pas adb asm s ll wat pl pm raku tcl hx as sol vy gd tres tscn " +
      "glsl vert frag hlsl wgsl shader metal cu mk cmake dockerfile nix bzl tf hcl pp cue dhall jsonnet proto " +
      "graphql prisma thrift hbs mustache twig liquid ejs pug haml slim njk j2 diff patch csv tsv po dot " +
      "puml mmd vim coffee qml pde applescript ahk awk gleam odin mojo v"
    )
      .split(" ")
      .filter((ext) => ext !== "v"); // `.v` is Verilog, V or Rocq: deliberately unknown
    expect(common.length).toBeGreaterThanOrEqual(150);
    const unknown = common.filter((ext) => languageForEntity(`file.${ext}`) === null);
    expect(unknown).toEqual([]);
  });
});

describe("languageForEntity: paths, URLs and misses", () => {
  it.each([
    ["C:/x/y.go", "Go"],
    ["C:\\Users\\me\\src\\main.rs", "Rust"],
    ["C:\\proj\\Makefile", "Makefile"],
    ["\\\\server\\share\\Dockerfile", "Dockerfile"],
    ["/home/me/project/src/main.tsx", "TSX"],
    ["relative/dir/.zshrc", "Shell"],
    ["https://example.com/static/app.js", "JavaScript"],
    ["https://github.com/owner/repo/blob/main/README.md", "Markdown"],
    ["https://example.com/static/app.js?v=2#top", "JavaScript"],
    ["file:///home/me/main.py", "Python"],
    // A bare name is read as a file name, so a TLD that is also an extension still detects.
    ["example.org", "Org"],
  ])("%s → %s", (entity, language) => {
    expect(languageForEntity(entity)).toBe(language);
  });

  it.each([
    "github.com",
    "news.ycombinator.com",
    "www.google.com",
    "https://github.com",
    "https://github.com/",
    "https://github.com/owner/repo",
    "https://example.org",
    "https://docs.rs/serde",
    "http://localhost:3000/",
    "localhost:3000",
    "README",
    "file.unknownext",
    "archive.tar.gz",
    "trailing.",
    ".hidden",
    "src/",
    "",
    "   ",
    null,
    undefined,
  ])("%j → null", (entity) => {
    expect(languageForEntity(entity)).toBeNull();
  });
});

describe("resolveLanguage", () => {
  it.each([
    // `.luau` is authoritative: it overrides whatever the client sent.
    ["Lua", "game/init.luau", "Luau"],
    ["TypeScript", "Module.LUAU", "Luau"],
    [null, "module.luau", "Luau"],
    ["unknown", "module.luau", "Luau"],
    // Blank or "unknown" (any case, surrounding spaces) is detected from the entity.
    [null, "main.py", "Python"],
    [undefined, "main.py", "Python"],
    ["", "main.py", "Python"],
    ["   ", "main.py", "Python"],
    ["unknown", "main.py", "Python"],
    ["Unknown", "main.py", "Python"],
    [" UNKNOWN ", "main.py", "Python"],
    [null, "/repo/Dockerfile", "Dockerfile"],
    // Any other client value is kept exactly as sent: not validated, not canonicalised.
    ["Go", "main.rs", "Go"],
    ["typescript", "index.ts", "typescript"],
    ["javascriptreact", "App.jsx", "javascriptreact"],
    ["Lua", "init.lua", "Lua"],
    ["Python", null, "Python"],
    // Nothing detected: the client value stays (Hackatime only replaces it with a detection).
    ["unknown", "file.unknownext", "unknown"],
    ["", "github.com", ""],
    [null, "github.com", null],
    [null, null, null],
    [undefined, undefined, null],
  ])("(%j, %j) → %j", (language, entity, expected) => {
    expect(resolveLanguage(language, entity)).toBe(expected);
  });
});

describe("languageColor", () => {
  it.each([
    ["TypeScript", "#3178c6"],
    ["TSX", "#3178c6"],
    ["JavaScript", "#f1e05a"],
    ["Python", "#3572A5"],
    ["Ruby", "#701516"],
    ["Go", "#00ADD8"],
    ["Rust", "#dea584"],
    ["C", "#555555"],
    ["C++", "#f34b7d"],
    ["C#", "#7355dd"],
    ["Java", "#b07219"],
    ["Kotlin", "#A97BFF"],
    ["Swift", "#F05138"],
    ["PHP", "#4F5D95"],
    ["HTML", "#e34c26"],
    ["CSS", "#663399"],
    ["Markdown", "#083fa1"],
    ["JSON", "#292929"],
    ["YAML", "#cb171e"],
    ["Shell", "#89e051"],
    ["Lua", "#000080"],
    ["Luau", "#00A2FF"],
    ["Vue", "#41b883"],
    ["Svelte", "#ff3e00"],
    ["Dart", "#00B4AB"],
    ["Elixir", "#6e4a7e"],
    ["Haskell", "#5e5086"],
    ["Zig", "#ec915c"],
    ["GDScript", "#355570"],
    ["Lapse", "#C850C0"], // Hackatime's own addition
  ])("%s → %s", (language, color) => {
    expect(languageColor(language)).toBe(color);
  });

  it.each([
    ["typescript", "#3178c6"],
    ["PYTHON", "#3572A5"],
    ["js", "#f1e05a"],
    ["golang", "#00ADD8"],
    ["cpp", "#f34b7d"],
    ["csharp", "#7355dd"],
    ["bash", "#89e051"],
    ["typescriptreact", "#3178c6"],
  ])("resolves names case-insensitively and through aliases: %s", (language, color) => {
    expect(languageColor(language)).toBe(color);
  });

  it.each(["Text", "Klingon", "", "unknown"])("%j → the default grey", (language) => {
    expect(languageColor(language)).toBe("#888888");
  });
});
