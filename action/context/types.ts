/** The shapes context assembly produces; shared by the pure modules, the assembler and the CLI. */

/** What a detected (sub-)project is built with. `unknown` is the fallback when no manifest was found. */
export type StackKind = 'node' | 'python' | 'maven' | 'gradle' | 'go' | 'rust' | 'make' | 'unknown';

/** The tool that installs dependencies and runs scripts for a Node or Python stack. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun' | 'uv' | 'poetry' | 'pdm' | 'pipenv';

/**
 * One buildable project in the repository. Commands are run from `path` (the repository root is `.`);
 * a command is present only when the repository shows it exists (a script, a config, a wrapper):
 * nothing is invented, and `notes` says what is missing.
 */
export interface Stack {
  path: string;
  kind: StackKind;
  packageManager?: PackageManager;
  test?: string;
  lint?: string;
  build?: string;
  typecheck?: string;
  /** Node workspaces: the root that declares them, or one of its members. */
  workspace?: 'root' | 'member';
  notes: string[];
}

/** A lint, format or type-check tool the repository configures, and where. */
export interface ToolConfig {
  tool: string;
  /** Up to three configuring files (or `pyproject.toml [tool.ruff]`-style references). */
  files: string[];
}

/** How test files are named and where they live. */
export interface TestPattern {
  /** e.g. `*.test.ts`, `test_*.py`, `*_test.go`, `__tests__/*.js`. */
  pattern: string;
  count: number;
  example: string;
}

export interface TestLayout {
  /** Names of the folders holding tests (`test`, `tests`, `src/test`, …, at any depth), most test files first. */
  dirs: string[];
  /** Naming patterns, most used first. */
  patterns: TestPattern[];
  /** Test files that sit beside the code rather than in a test folder. */
  colocated: number;
  total: number;
}

export interface LanguageShare {
  language: string;
  files: number;
  /** Whole percent of the code files counted. */
  percent: number;
}

export interface Conventions {
  tools: ToolConfig[];
  tests: TestLayout;
  languages: LanguageShare[];
  /** Facts read from root manifests: module system, strictness, language versions. */
  notes: string[];
}

/** A file ranked relevant to the story or the diff, with the evidence. */
export interface RelevantFile {
  path: string;
  score: number;
  reasons: string[];
}

/** One line where a symbol is used. */
export interface CallSite {
  file: string;
  line: number;
  text: string;
}

/** The uses of one symbol the story names or the diff changes. */
export interface CallerGroup {
  symbol: string;
  source: 'story' | 'diff';
  /** `file:line` of definitions found (at most 3). */
  definedAt: string[];
  /** Uses, distinct files first, capped. */
  sites: CallSite[];
  /** All uses found within the search bound (sites may show fewer). */
  total: number;
}

/** Where the tracked file list came from. */
export type FileSource = 'git' | 'walk';

export interface ContextResult {
  repoDir: string;
  trackedFiles: { count: number; source: FileSource };
  stacks: Stack[];
  conventions: Conventions;
  relevantFiles: RelevantFile[];
  callers: CallerGroup[];
  /** True when a bound (files scanned, hits kept) cut the symbol search short. */
  searchTruncated: boolean;
  lessons: string[];
  brief: string;
}
