/** Rust crates and workspaces: cargo's test, clippy and build. */
import { joinPath, selfAndAncestors } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import { parseToml } from '../toml.js';
import type { TomlTable } from '../toml.js';
import type { Stack } from '../types.js';

function cargoTables(view: RepoView, dir: string): Map<string, TomlTable> | undefined {
  const text = view.text(joinPath(dir, 'Cargo.toml'));
  if (text === undefined) return undefined;
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

/** True when a parent folder's Cargo.toml has a `[workspace]`: the crate is tested from there. */
export function isCargoWorkspaceMember(view: RepoView, dir: string): boolean {
  return selfAndAncestors(dir)
    .slice(1)
    .some((parent) => cargoTables(view, parent)?.has('workspace') === true);
}

/** The Rust stack for the Cargo.toml in `dir`; a workspace gets `--workspace` so every member runs. */
export function detectRust(view: RepoView, dir: string): Stack {
  const tables = cargoTables(view, dir);
  const all = tables?.has('workspace') ? ' --workspace' : '';
  const stack: Stack = {
    path: dir,
    kind: 'rust',
    test: `cargo test${all}`,
    lint: `cargo clippy${all}`,
    build: `cargo build${all}`,
    notes: [],
  };
  if (!tables) stack.notes.push('Cargo.toml could not be parsed');
  return stack;
}
