/**
 * The storage under the offline GitHub's state API: the maps of records, id and SHA generation, the
 * clock, and the list of subscribers to state events. The domain modules (`accounts.ts`, `issues.ts`…)
 * read and change it; nothing else should.
 */
import { GitStorage } from '../git/storage.js';
import type { Account, App, Installation, InstallationToken, Repository, Team, UserToken } from '../model.js';
import type { StateEvent, StateListener } from './events.js';

/**
 * Kinds of ids, each its own sequence starting at a realistic magnitude, so an issue's id (large) is
 * never mistaken for its number (small) — the sub-issues API takes the id, and a client sending the
 * number must fail here as it would on GitHub.
 */
const ID_BASES = {
  account: 1_000,
  app: 900_000,
  installation: 50_000_000,
  repository: 700_000_000,
  label: 5_000_000_000,
  issue: 2_000_000_000,
  pull: 1_500_000_000,
  comment: 3_000_000_000,
  checkSuite: 10_000_000_000,
  checkRun: 20_000_000_000,
  status: 30_000_000_000,
  workflow: 80_000_000,
  run: 12_000_000_000,
  artifact: 4_000_000_000,
  team: 7_000_000,
} as const;

export type IdKind = keyof typeof ID_BASES;

/** Options of a store. */
export interface StoreOptions {
  /** The fake's notion of "now"; default the real clock. Tests may pass a controllable one. */
  clock?: () => Date;
  /** Where the folder of bare repositories is made; default the system's temporary directory. */
  dataDir?: string;
}

/** Every record of one offline GitHub, and the means to make new ids. */
export class Store {
  readonly clock: () => Date;
  readonly accounts = new Map<number, Account>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly installationTokens = new Map<string, InstallationToken>();
  readonly userTokens = new Map<string, UserToken>();
  readonly repositories = new Map<number, Repository>();
  readonly teams = new Map<number, Team>();
  /** The bare repositories behind `repositories`. */
  readonly git: GitStorage;
  private readonly sequences = new Map<IdKind, number>();
  private readonly listeners = new Set<StateListener>();

  constructor(options: StoreOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.git = new GitStorage(options.dataDir);
  }

  /** The current time, truncated to whole seconds as GitHub's timestamps are. */
  now(): Date {
    const at = this.clock();
    return new Date(Math.floor(at.getTime() / 1000) * 1000);
  }

  /** A new id of the given kind, unique within this store. */
  nextId(kind: IdKind): number {
    const next = (this.sequences.get(kind) ?? ID_BASES[kind]) + 1;
    this.sequences.set(kind, next);
    return next;
  }

  /** A GraphQL-style node id (`I_kwDO…`-like: a type prefix and an opaque base64 tail). */
  nodeId(prefix: string, id: number): string {
    return `${prefix}_${Buffer.from(`${prefix}:${id}`).toString('base64url')}`;
  }

  /** The account with this login (case-insensitive, as on GitHub), or undefined. */
  accountByLogin(login: string): Account | undefined {
    const wanted = login.toLowerCase();
    for (const account of this.accounts.values()) if (account.login.toLowerCase() === wanted) return account;
    return undefined;
  }

  /** The repository `owner/name` (case-insensitive), or undefined. */
  repositoryByName(owner: string, name: string): Repository | undefined {
    const wantedOwner = owner.toLowerCase();
    const wantedName = name.toLowerCase();
    for (const repo of this.repositories.values()) {
      if (repo.owner.login.toLowerCase() === wantedOwner && repo.name.toLowerCase() === wantedName)
        return repo;
    }
    return undefined;
  }

  /** Registers a listener for state events; returns the function that removes it. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener, synchronously and in subscription order, what just happened. */
  emit(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Forgets every record, restarts every sequence and removes the repositories' git data; listeners stay. */
  clear(): void {
    this.git.clear();
    this.accounts.clear();
    this.apps.clear();
    this.installations.clear();
    this.installationTokens.clear();
    this.userTokens.clear();
    this.repositories.clear();
    this.teams.clear();
    this.sequences.clear();
  }
}
