// Language detection from a heartbeat's entity, and language colours
// (hackatime-behavior.md §3.2 step 6).
//
// Names, extensions, file names, aliases and colours are GitHub Linguist's, as shipped in
// Hackatime's config/languages.yml plus its languages_custom.yml overrides (.s/.asm → Assembly,
// .uc → UnrealScript, .ad → AsciiDoc). The table below is a curated subset: the common languages
// of editors and configuration, not Linguist's ~800. Where Linguist lists an extension under
// several languages, it is listed here once, under the language whose primary extension it is
// (`.h` → C, `.m` → Objective-C, `.pl` → Perl, `.ts` → TypeScript); extensions without a clear
// owner (`.cls`, `.inc`, `.pro`, `.v`, `.cfg`, `.com` …) are left out, so they detect nothing.

import { isBlank } from "../lib/text";

/** Linguist's colour for languages it gives none, and for unknown names (Hackatime's default). */
const DEFAULT_COLOR = "#888888";

/**
 * One language: canonical name, colour (null when Linguist has none), extensions without the dot,
 * exact file names, extra single-word aliases (used to resolve colours). Lists are space-separated.
 */
type LanguageRow = readonly [
  name: string,
  color: string | null,
  extensions: string,
  filenames: string,
  aliases: string,
];

const LANGUAGES: readonly LanguageRow[] = [
  ["TypeScript", "#3178c6", "ts cts mts", "", "ts"],
  ["TSX", "#3178c6", "tsx", "", "typescriptreact"],
  ["JavaScript", "#f1e05a", "js cjs mjs jsx es6 jsm", "Jakefile", "js node"],
  [
    "JSON",
    "#292929",
    "json geojson topojson webmanifest har avsc mcmeta gltf jsonl sarif tfstate",
    ".arcconfig .watchmanconfig .nycrc .c8rc .all-contributorsrc composer.lock Pipfile.lock " +
      "flake.lock deno.lock bun.lock Package.resolved MODULE.bazel.lock mcmod.info",
    "geojson jsonl sarif topojson",
  ],
  [
    "JSON with Comments",
    "#292929",
    "jsonc code-workspace code-snippets hujson sublime-settings sublime-project sublime-keymap " +
      "sublime-commands sublime-build",
    "tsconfig.json jsconfig.json .babelrc .eslintrc.json devcontainer.json .devcontainer.json " +
      ".jshintrc .swcrc tslint.json api-extractor.json language-configuration.json",
    "jsonc",
  ],
  ["JSON5", "#267CB9", "json5", "", ""],
  [
    "Python",
    "#3572A5",
    "py pyi pyw py3 gyp gypi wsgi",
    "SConstruct SConscript wscript DEPS .gclient",
    "py py3 python3 rusthon",
  ],
  ["Cython", "#fedf5b", "pyx pxd pxi", "", "pyrex"],
  ["Jupyter Notebook", "#DA5B0B", "ipynb", "", ""],
  [
    "Ruby",
    "#701516",
    "rb rake gemspec ru rbw rbi podspec jbuilder thor builder rabl",
    "Gemfile Rakefile Vagrantfile Podfile Brewfile Guardfile Capfile Fastfile Dangerfile " +
      "Berksfile Thorfile Appraisals Steepfile .irbrc .pryrc .simplecov",
    "jruby macruby rake rb rbx",
  ],
  ["HTML+ERB", "#701516", "erb rhtml", "", "erb rhtml html+ruby"],
  ["Go", "#00ADD8", "go", "", "golang"],
  ["Go Module", "#00ADD8", "", "go.mod", "go.mod"],
  ["Go Checksums", "#00ADD8", "", "go.sum go.work.sum", "go.sum go.work.sum"],
  ["Go Workspace", "#00ADD8", "", "go.work", "go.work"],
  ["Go Template", "#00ADD8", "gotmpl gohtml tmpl", "", "gotmpl"],
  ["templ", "#66D0DD", "templ", "", ""],
  ["Rust", "#dea584", "rs", "", "rs"],
  ["C", "#555555", "c h cats idc", "", ""],
  ["C++", "#f34b7d", "cpp cc cxx c++ cppm ixx hpp hh hxx h++ inl ipp tcc tpp txx ino", "", "cpp"],
  ["C#", "#7355dd", "cs csx linq", "", "csharp cake cakescript"],
  ["F#", "#b845fc", "fs fsi fsx", "", "fsharp"],
  ["Visual Basic .NET", "#945db7", "vb vbhtml", "", "vbnet vb.net"],
  ["VBScript", "#15dcdc", "vbs", "", ""],
  ["Java", "#b07219", "java jav jsh", "", ""],
  ["Java Properties", "#2A6277", "properties", "", ""],
  ["Java Server Pages", "#2A6277", "jsp", "", "jsp"],
  ["Kotlin", "#A97BFF", "kt kts ktm", "", ""],
  ["Scala", "#c22d40", "scala sbt kojo", "", ""],
  ["Groovy", "#4298b8", "groovy gvy gtpl grt", "Jenkinsfile", ""],
  ["Gradle", "#02303a", "gradle", "", ""],
  ["Clojure", "#db5855", "clj cljs cljc cljx boot", "", ""],
  ["Swift", "#F05138", "swift", "", ""],
  ["Objective-C", "#438eff", "m", "", "obj-c objc objectivec"],
  ["Objective-C++", "#6866fb", "mm", "", "obj-c++ objc++ objectivec++"],
  ["PHP", "#4F5D95", "php phps phpt php3 php4 php5 ctp", ".php_cs .php_cs.dist Phakefile", "inc"],
  ["HTML+PHP", "#4f5d95", "phtml", "", ""],
  ["Blade", "#f7523f", "blade", "", ""],
  ["Twig", "#c1d026", "twig", "", ""],
  ["HTML", "#e34c26", "html htm xhtml xht hta", "", "xhtml"],
  ["HTML+Razor", "#512be4", "cshtml razor", "", "razor"],
  ["HTML+EEX", "#6e4a7e", "heex leex", "", "eex heex leex"],
  ["CSS", "#663399", "css", "", ""],
  ["SCSS", "#c6538c", "scss", "", ""],
  ["Sass", "#a53b70", "sass", "", ""],
  ["Less", "#1d365d", "less", "", "less-css"],
  ["Stylus", "#ff6347", "styl", "", ""],
  ["PostCSS", "#dc3a0c", "pcss postcss", "", ""],
  [
    "Markdown",
    "#083fa1",
    "md markdown mdown mdwn mkd mkdn mkdown livemd ronn workbook",
    "contents.lr",
    "md pandoc",
  ],
  ["MDX", "#fcb32c", "mdx", "", ""],
  ["RMarkdown", "#198ce7", "rmd qmd", "", ""],
  ["reStructuredText", "#141414", "rst rest", "", "rst"],
  ["AsciiDoc", "#73a0c5", "adoc asciidoc ad", "", ""],
  ["Org", "#77aa99", "org", "", ""],
  ["Typst", "#239dad", "typ", "", "typ"],
  ["TeX", "#3D6117", "tex sty ltx dtx bbx cbx lbx mkiv mkii mkvi", "", "latex"],
  ["BibTeX", "#778899", "bib bibtex", "", ""],
  ["Text", null, "txt", "LICENSE COPYING INSTALL NEWS CITATION CITATIONS FONTLOG", "fundamental"],
  ["Rich Text Format", null, "rtf", "", ""],
  [
    "XML",
    "#0060ac",
    "xml xsd csproj fsproj vbproj vcxproj props targets resx nuspec wsdl rss kml gpx storyboard " +
      "xib iml xaml axaml proj wxs glade mjml ui",
    ".classpath .project Web.config App.config NuGet.config packages.config",
    "rss xsd wsdl",
  ],
  ["XSLT", "#EB8CEB", "xsl xslt", "", "xsl"],
  ["SVG", "#ff9900", "svg", "", ""],
  ["XML Property List", "#0060ac", "plist tmlanguage tmtheme tmpreferences tmsnippet", "", ""],
  [
    "YAML",
    "#cb171e",
    "yml yaml sublime-syntax",
    ".clang-format .clang-tidy .clangd .gemrc CITATION.cff yarn.lock glide.lock pixi.lock",
    "yml",
  ],
  [
    "TOML",
    "#9c4221",
    "toml",
    "Cargo.lock Gopkg.lock Pipfile poetry.lock pdm.lock uv.lock mise.lock",
    "",
  ],
  [
    "INI",
    "#d1dbe0",
    "ini cnf prefs service socket timer mount",
    ".flake8 .pylintrc pylintrc .coveragerc .buckconfig .gitreview buildozer.spec",
    "conf dosini",
  ],
  [
    "Dotenv",
    "#e5d559",
    "env",
    ".env .env.local .env.example .env.sample .env.template .env.development .env.production " +
      ".env.test .env.staging .env.dev .env.prod",
    "",
  ],
  ["EditorConfig", "#fff1f2", "editorconfig", ".editorconfig", "editor-config"],
  ["Git Config", "#F44D27", "gitconfig", ".gitconfig .gitmodules", "gitconfig gitmodules"],
  ["Git Attributes", "#F44D27", "", ".gitattributes", "gitattributes"],
  [
    "Ignore List",
    "#000000",
    "gitignore",
    ".gitignore .dockerignore .npmignore .eslintignore .prettierignore .stylelintignore " +
      ".vscodeignore .ignore .rgignore .vercelignore",
    "ignore gitignore git-ignore",
  ],
  ["CODEOWNERS", null, "", "CODEOWNERS", ""],
  ["Browserslist", "#ffd539", "", ".browserslistrc browserslist", ""],
  [
    "Shell",
    "#89e051",
    "sh bash zsh ksh bats command tmux zsh-theme",
    ".bashrc .bash_profile .bash_aliases .bash_logout .bash_functions .profile .zshrc .zshenv " +
      ".zprofile .zlogin .zlogout .kshrc .cshrc .login .envrc .xinitrc .xsession .tmux.conf " +
      "PKGBUILD gradlew mvnw bashrc zshrc 9fs",
    "sh shell-script bash zsh envrc",
  ],
  ["fish", "#4aae47", "fish", "", ""],
  ["Tcsh", null, "tcsh csh", "", ""],
  ["Nushell", "#4E9906", "nu", "", "nu-script nushell-script"],
  ["Xonsh", "#285EEF", "xsh", "", ""],
  ["Elvish", "#55BB55", "elv", "", ""],
  ["PowerShell", "#012456", "ps1 psm1 psd1", "", "posh pwsh"],
  ["Batchfile", "#C1F12E", "bat cmd", "gradlew.bat mvnw.cmd", "bat batch dosbatch winbatch"],
  ["AppleScript", "#101F1F", "applescript scpt", "", "apples osascript"],
  ["AutoHotkey", "#6594b9", "ahk ahkl ah2", "", "ahk"],
  ["AutoIt", "#1C3552", "au3", "", "au3 autoit3 autoitscript"],
  ["Awk", "#c30e9b", "awk gawk mawk nawk", "", ""],
  ["sed", "#64b970", "sed", "", ""],
  ["SQL", "#e38c00", "sql mysql udf viw", "", ""],
  ["PLSQL", "#dad8d8", "pls pks pkb pck plb plsql", "", ""],
  ["PLpgSQL", "#336790", "pgsql", "", ""],
  ["Lua", "#000080", "lua rockspec nse wlua p8", ".luacheckrc", ""],
  ["Luau", "#00A2FF", "luau", "", ""],
  ["MoonScript", "#ff4585", "moon", "", ""],
  ["Fennel", "#fff3d7", "fnl", "", ""],
  ["Vue", "#41b883", "vue", "", ""],
  ["Svelte", "#ff3e00", "svelte", "", ""],
  ["Astro", "#ff5a03", "astro", "", ""],
  ["Marko", "#42bff2", "marko", "", "markojs"],
  ["Riot", "#A71E49", "riot", "", ""],
  ["Imba", "#16cec6", "imba", "", ""],
  ["CoffeeScript", "#244776", "coffee cjsx iced", "Cakefile", "coffee coffee-script"],
  ["LiveScript", "#499886", "ls", "", "live-script ls"],
  ["Handlebars", "#f7931e", "hbs handlebars", "", "hbs htmlbars"],
  ["Mustache", "#724b3b", "mustache", "", ""],
  ["Liquid", "#67b8de", "liquid", "", ""],
  ["EJS", "#a91e50", "ejs ect jst", "", ""],
  ["Pug", "#a86454", "pug jade", "", ""],
  ["Haml", "#ece2a9", "haml", "", ""],
  ["Slim", "#2b2b2b", "slim", "", ""],
  ["Nunjucks", "#3d8137", "njk", "", "njk"],
  ["Jinja", "#a52a22", "jinja jinja2 j2", "", "django html+django html+jinja htmldjango"],
  ["Mako", "#7e858d", "mako mao", "", ""],
  ["FreeMarker", "#0050b2", "ftl ftlh", "", "ftl"],
  ["Velocity Template Language", "#507cff", "vtl", "", "vtl velocity"],
  ["Dart", "#00B4AB", "dart", "", ""],
  ["Elixir", "#6e4a7e", "ex exs", "mix.lock", ""],
  [
    "Erlang",
    "#B83998",
    "erl hrl escript xrl yrl app",
    "rebar.config rebar.lock rebar.config.lock Emakefile",
    "",
  ],
  ["Gleam", "#ffaff3", "gleam", "", ""],
  ["Haskell", "#5e5086", "hs hs-boot hsc", "", ""],
  ["Literate Haskell", "#5e5086", "lhs", "", "lhaskell lhs"],
  ["Cabal Config", "#483465", "cabal", "cabal.project cabal.config", "cabal"],
  ["Elm", "#60B5CC", "elm", "", ""],
  ["PureScript", "#1D222D", "purs", "", ""],
  ["Idris", "#b30000", "idr lidr", "", ""],
  ["Agda", "#315665", "agda", "", ""],
  ["Lean 4", null, "lean", "", "lean4"],
  ["Rocq Prover", "#d0b68c", "coq", "", "coq rocq"],
  ["OCaml", "#ef7a08", "ml mli mll mly eliom eliomi", "", ""],
  ["ReScript", "#ed5051", "res resi", "", ""],
  ["Reason", "#ff5847", "re rei", "", ""],
  ["Standard ML", "#dc566d", "sml sig fun", "", "sml"],
  ["F*", "#572e30", "fst fsti", "", "fstar"],
  ["Scheme", "#1e4aec", "scm ss sld sps", "", ""],
  ["Racket", "#3c5caa", "rkt rktd rktl scrbl", "", ""],
  ["Common Lisp", "#3fb68b", "lisp lsp asd", "", "lisp"],
  [
    "Emacs Lisp",
    "#c065db",
    "el",
    ".emacs _emacs .spacemacs .gnus .abbrev_defs Cask Eask Project.ede",
    "cask eask elisp emacs",
  ],
  ["Janet", "#0886a5", "janet", "", ""],
  ["Hy", "#7790B2", "hy", "", "hylang"],
  ["Zig", "#ec915c", "zig", "", ""],
  ["Nim", "#ffc200", "nim nims nimble", "nim.cfg", ""],
  ["Crystal", "#000100", "cr", "", ""],
  ["D", "#ba595e", "d di", "", "dlang"],
  ["Odin", "#60AFFE", "odin", "", "odinlang odin-lang"],
  ["Hare", "#9d7424", "ha", "", ""],
  ["Carbon", "#222222", "carbon", "", ""],
  ["Mojo", "#ff4c1f", "mojo", "", ""],
  ["Roc", "#7c38f5", "roc", "", ""],
  ["Pony", null, "pony", "", ""],
  ["Vala", "#a56de2", "vala vapi", "", ""],
  ["Ballerina", "#FF5000", "bal", "", ""],
  ["Chapel", "#8dc63f", "chpl", "", "chpl"],
  ["Haxe", "#df7900", "hx hxsl", "", ""],
  ["ActionScript", "#882B0F", "as", "", "actionscript3 as3"],
  ["Julia", "#a270ba", "jl", "", ""],
  ["R", "#198CE7", "r rd rsx", ".Rprofile .Rhistory expr-dist", "rscript splus"],
  ["MATLAB", "#e16737", "matlab", "", "octave"],
  ["Wolfram Language", "#dd1100", "wl wls mathematica", "", "mathematica mma wolfram wl"],
  ["Fortran", "#4d41b1", "f f77", "", ""],
  ["Fortran Free Form", "#4d41b1", "f90 f95 f03 f08", "", ""],
  ["COBOL", null, "cob cbl cpy ccp cobol", "", ""],
  ["Pascal", "#E3F171", "pas dpr lpr pascal dfm", "", "delphi objectpascal"],
  ["Ada", "#02f88c", "adb ads ada", "", "ada95 ada2005"],
  ["Assembly", "#6E4C13", "asm s nasm a51", "", "asm nasm"],
  ["LLVM", "#185619", "ll", "", ""],
  ["WebAssembly", "#04133b", "wat wast", "", "wast wasm"],
  ["WebAssembly Interface Type", "#6250e7", "wit", "", "wit"],
  [
    "Perl",
    "#0298c3",
    "pl pm perl psgi plx ph",
    "cpanfile Makefile.PL Rexfile .latexmkrc latexmkrc",
    "cperl",
  ],
  ["Raku", "#0000fb", "raku rakumod p6 pl6 pm6 nqp", "", "perl6 perl-6"],
  ["Tcl", "#e4cc98", "tcl tm adp", "", "sdc xdc"],
  ["Prolog", "#74283c", "prolog yap", "", ""],
  ["Smalltalk", "#596706", "st", "", "squeak"],
  ["Solidity", "#AA6746", "sol", "", ""],
  ["Vyper", "#9F4CF2", "vy", "", ""],
  ["Move", "#4a137a", "move", "", ""],
  ["Cairo", "#ff4a48", "cairo", "", ""],
  ["Clarity", "#5546ff", "clar", "", ""],
  ["GDScript", "#355570", "gd", "", ""],
  ["Godot Resource", "#355570", "tres tscn gdns gdnlib", "project.godot", ""],
  ["GLSL", "#5686a5", "glsl vert frag geom tesc tese vsh fsh glslv glslf rchit rmiss", "", ""],
  ["HLSL", "#aace60", "hlsl hlsli fxh cginc", "", ""],
  ["WGSL", "#1a5e9a", "wgsl", "", ""],
  ["ShaderLab", "#222c37", "shader", "", ""],
  ["Metal", "#8f14e9", "metal", "", ""],
  ["Cuda", "#3A4E3A", "cu cuh", "", ""],
  ["OpenCL", "#ed2e2d", "opencl", "", ""],
  ["Game Maker Language", "#71b417", "gml", "", ""],
  ["UnrealScript", "#a54c4d", "uc", "", ""],
  ["Squirrel", "#800000", "nut", "", ""],
  ["Ren'Py", "#ff7f7f", "rpy", "", "renpy"],
  ["SourcePawn", "#f69e1d", "sp", "", "sourcemod"],
  ["Pawn", "#dbb284", "pwn sma", "", ""],
  ["Processing", "#0096D8", "pde", "", ""],
  ["QML", "#44a51c", "qml qbs", "", ""],
  [
    "Makefile",
    "#427819",
    "mk mak make mkfile makefile",
    "Makefile GNUmakefile BSDmakefile Kbuild mkfile Makefile.am Makefile.in Makefile.inc",
    "bsdmake make mf",
  ],
  ["CMake", "#DA3434", "cmake", "CMakeLists.txt", ""],
  ["Meson", "#007800", "", "meson.build meson_options.txt", ""],
  ["Ninja", null, "ninja", "", ""],
  ["Just", "#384d54", "just", "justfile .justfile", "justfile"],
  ["Dockerfile", "#384d54", "dockerfile containerfile", "Dockerfile Containerfile", "containerfile"],
  ["Earthly", "#2af0ff", "", "Earthfile", "earthfile"],
  ["Procfile", "#3B2F63", "", "Procfile", ""],
  ["Caddyfile", "#22b638", "caddyfile", "Caddyfile", "caddy"],
  ["Nginx", "#009639", "nginx nginxconf", "nginx.conf", ""],
  ["ApacheConf", "#d12127", "apacheconf", ".htaccess apache2.conf httpd.conf", "aconf apache"],
  ["Nix", "#7e7eff", "nix", "", "nixos"],
  [
    "Starlark",
    "#76d275",
    "bzl",
    "BUILD BUILD.bazel WORKSPACE WORKSPACE.bazel WORKSPACE.bzlmod MODULE.bazel BUCK Tiltfile",
    "bazel bzl",
  ],
  ["HCL", "#844FBA", "hcl tf tfvars nomad tofu", "", "opentofu terraform"],
  ["Terraform Template", "#7b42bb", "tftpl", "", ""],
  ["Bicep", "#519aba", "bicep bicepparam", "", ""],
  ["Puppet", "#302B6D", "pp", "Modulefile", ""],
  ["CUE", "#5886E1", "cue", "", ""],
  ["Dhall", "#dfafff", "dhall", "", ""],
  ["Jsonnet", "#0064bd", "jsonnet libsonnet", "", ""],
  ["Pkl", "#6b9543", "pkl", "", ""],
  ["KDL", "#ffb3b3", "kdl", "", ""],
  ["HOCON", "#9ff8ee", "hocon", ".scalafmt.conf .scalafix.conf", ""],
  ["Open Policy Agent", "#7d9199", "rego", "", ""],
  ["Protocol Buffer", null, "proto", "", "proto protobuf"],
  ["Protocol Buffer Text Format", null, "textproto pbtxt txtpb", "", ""],
  ["GraphQL", "#e10098", "graphql gql graphqls", "", ""],
  ["Prisma", "#0c344b", "prisma", "", ""],
  ["Thrift", "#D12127", "thrift", "", ""],
  ["Cap'n Proto", "#c42727", "capnp", "", ""],
  ["Avro IDL", "#0040FF", "avdl", "", ""],
  ["Smithy", "#c44536", "smithy", "", ""],
  ["ASN.1", null, "asn asn1", "", ""],
  ["WebIDL", null, "webidl", "", ""],
  ["Diff", null, "diff patch", "", "udiff"],
  ["CSV", "#237346", "csv", "", ""],
  ["TSV", "#237346", "tsv", "", ""],
  ["Gettext Catalog", null, "po pot", "", "pot"],
  ["Roff", "#ecdebe", "roff tmac", "", "groff man manpage man-page mdoc nroff troff"],
  ["Mermaid", "#ff3670", "mmd mermaid", "", ""],
  ["PlantUML", "#fbbd16", "puml plantuml iuml", "", ""],
  ["Graphviz (DOT)", "#2596be", "dot gv", "", ""],
  [
    "Vim script",
    "#199f4b",
    "vim vimrc vmb",
    ".vimrc _vimrc vimrc .gvimrc gvimrc .nvimrc nvimrc .exrc",
    "vim viml nvim vimscript",
  ],
  ["Vim Snippet", "#199f4b", "snippets snip", "", "snipmate ultisnip ultisnips neosnippet"],
  ["Stata", "#1a5f91", "do ado", "", ""],
  ["SAS", "#B34936", "sas", "", ""],
  ["Scilab", "#ca0f21", "sci sce", "", ""],
  ["Q#", "#fed659", "qs", "", "qsharp"],
  ["OpenSCAD", "#e5cd45", "scad", "", ""],
  ["G-code", "#D08CF2", "gcode gco cnc", "", ""],
  ["KiCad Layout", "#2f4aab", "kicad_pcb kicad_mod kicad_wks", "fp-lib-table", "pcbnew"],
  ["KiCad Schematic", "#2f4aab", "kicad_sch kicad_sym", "", ""],
  ["STL", "#373b5e", "stl", "", "stla"],
  ["Wavefront Object", null, "obj", "", ""],
  ["Unity3D Asset", "#222c37", "unity prefab asset mat meta anim", "", ""],
  ["NSIS", null, "nsi nsh", "", ""],
  ["Inno Setup", "#264b99", "iss isl", "", ""],
  ["Windows Registry Entries", "#52d5ff", "reg", "", ""],
  ["Microsoft Visual Studio Solution", null, "sln", "", ""],
  ["Smali", null, "smali", "", ""],
  ["Regular Expression", "#009a00", "regex regexp", "", "regexp regex"],
  ["Nextflow", "#3ac486", "nf", "nextflow.config", ""],
  ["Snakemake", "#419179", "smk snakefile", "Snakefile", "snakefile"],
  ["Jest Snapshot", "#15c213", "snap", "", ""],
  ["Slint", "#2379F4", "slint", "", ""],
  ["Zeek", null, "zeek bro", "", "bro"],
  ["Kusto", null, "kql", "", ""],
  ["Wren", "#383838", "wren", "", "wrenlang"],
  ["Lapse", "#C850C0", "", "", ""],
];

/** Extensions whose language overrides whatever the client sent (Hackatime's AUTHORITATIVE_EXTENSIONS). */
const AUTHORITATIVE_EXTENSIONS = new Set(["luau"]);

// Lookup tables, built once. Keys are lowercase; on a clash the earlier row wins.
const byExtension = new Map<string, string>();
const byFilename = new Map<string, string>();
const byName = new Map<string, string>(); // lowercase name or alias → canonical name
const colors = new Map<string, string>(); // canonical name → colour

function words(list: string): string[] {
  return list === "" ? [] : list.split(" ");
}

function addOnce(map: Map<string, string>, key: string, name: string): void {
  if (!map.has(key)) map.set(key, name);
}

for (const [name, color, extensions, filenames, aliases] of LANGUAGES) {
  for (const ext of words(extensions)) addOnce(byExtension, ext.toLowerCase(), name);
  for (const file of words(filenames)) addOnce(byFilename, file.toLowerCase(), name);
  addOnce(byName, name.toLowerCase(), name);
  for (const alias of words(aliases)) addOnce(byName, alias, name);
  if (color !== null) colors.set(name, color);
}

const URL_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;
const QUERY_OR_FRAGMENT = /[?#]/;

/**
 * The file name an entity points at: its last path segment, with `/` and `\` both separating and
 * trailing separators ignored. For a URL only the path counts, so `https://example.org` names no
 * file while `https://example.com/app.js?v=2` names `app.js`.
 */
function fileName(entity: string): string {
  let path = entity;
  const scheme = URL_SCHEME.exec(path);
  if (scheme) {
    path = path.slice(scheme[0].length);
    const end = path.search(QUERY_OR_FRAGMENT);
    if (end >= 0) path = path.slice(0, end);
    const slash = path.indexOf("/");
    path = slash < 0 ? "" : path.slice(slash); // drop the host
  }
  let end = path.length;
  while (end > 0 && (path[end - 1] === "/" || path[end - 1] === "\\")) end--;
  let start = end;
  while (start > 0 && path[start - 1] !== "/" && path[start - 1] !== "\\") start--;
  return path.slice(start, end);
}

/**
 * Lowercase extension without the dot, like Ruby's File.extname: leading dots do not start an
 * extension (`.bashrc` has none) and a trailing dot gives none.
 */
function extensionOf(base: string): string | null {
  let leadingDots = 0;
  while (base[leadingDots] === ".") leadingDots++;
  const dot = base.lastIndexOf(".");
  if (dot < leadingDots || dot === base.length - 1) return null;
  return base.slice(dot + 1).toLowerCase();
}

/**
 * Language of a file path from its file name (`Dockerfile`, `CMakeLists.txt`, `.bashrc`), else its
 * extension, case-insensitively. Works on `/` and `\` paths and on URLs (by their path); null when
 * unknown. A bare name is read as a file name, so `github.com` detects nothing (`.com` is no
 * language here) but a domain whose TLD is also an extension (`example.org`, `docs.rs`) does.
 */
export function languageForEntity(entity: string | null | undefined): string | null {
  if (isBlank(entity)) return null;
  const base = fileName(entity!);
  const byFile = byFilename.get(base.toLowerCase());
  if (byFile !== undefined) return byFile;
  const ext = extensionOf(base);
  return ext === null ? null : (byExtension.get(ext) ?? null);
}

/**
 * The language to store for a heartbeat (Hackatime step 6): an authoritative extension (`.luau`)
 * overrides the client; a blank or "unknown" language is detected from the entity; any other
 * client value is kept exactly as sent. When detection finds nothing the client value is kept too.
 */
export function resolveLanguage(language: string | null | undefined, entity: string | null | undefined): string | null {
  if (!isBlank(entity)) {
    const ext = extensionOf(fileName(entity!));
    if (ext !== null && AUTHORITATIVE_EXTENSIONS.has(ext)) {
      const authoritative = byExtension.get(ext);
      if (authoritative !== undefined) return authoritative;
    }
  }
  const client = typeof language === "string" ? language : null;
  if (isBlank(client) || client.trim().toLowerCase() === "unknown") {
    return languageForEntity(entity) ?? client;
  }
  return client;
}

/** Linguist colour of a language, by name or alias, case-insensitively; "#888888" when unknown. */
export function languageColor(language: string): string {
  if (typeof language !== "string") return DEFAULT_COLOR;
  const name = byName.get(language.trim().toLowerCase());
  return (name !== undefined ? colors.get(name) : undefined) ?? DEFAULT_COLOR;
}
