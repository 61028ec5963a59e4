/** Go modules: the toolchain's own test, vet and build over every package of the module. */
import { selfAndAncestors } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import { hasAny } from '../repo-view.js';
import type { Stack } from '../types.js';

export const GOLANGCI_CONFIGS = ['.golangci.yml', '.golangci.yaml', '.golangci.toml', '.golangci.json'];

/**
 * The Go stack for the go.mod in `dir`. Lint is golangci-lint when a config is tracked in the module or
 * above it, else `go vet` (part of every Go toolchain).
 */
export function detectGo(view: RepoView, dir: string): Stack {
  const golangci = selfAndAncestors(dir).some((folder) => hasAny(view, folder, GOLANGCI_CONFIGS));
  return {
    path: dir,
    kind: 'go',
    test: 'go test ./...',
    lint: golangci ? 'golangci-lint run' : 'go vet ./...',
    build: 'go build ./...',
    notes: [],
  };
}
