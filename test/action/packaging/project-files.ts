/**
 * The files the packaging checks read: every workflow (the project's own and the example users copy) and
 * every action metadata file (the root router and one per stage), parsed with the `yaml` package.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The stages, in the order the README lists them; each has `action/<stage>/action.yml`. */
export const STAGE_ACTIONS = ['plan', 'implement', 'review', 'release-gate', 'validate'] as const;
export type StageAction = (typeof STAGE_ACTIONS)[number];

const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'];

function yamlFilesIn(dir: string): string[] {
  const absolute = join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

/** Workflow files, relative to the repository root. */
export function workflowPaths(): string[] {
  return WORKFLOW_DIRS.flatMap(yamlFilesIn);
}

/** Action metadata files, relative to the repository root: the root router first, then each stage. */
export function actionPaths(): string[] {
  return ['action.yml', ...STAGE_ACTIONS.map((stage) => `action/${stage}/action.yml`)];
}

export function readText(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8');
}

/** Parses YAML strictly: a duplicate key is an error, as it is for GitHub. */
export function readYaml(relativePath: string): unknown {
  return parse(readText(relativePath), { uniqueKeys: true, prettyErrors: true });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
