/**
 * The demo's closing report, read from where each fact lives: the pull request and its checks from the
 * offline GitHub, the gate's decision and every stage's usage from the result documents the runs uploaded
 * (the artifacts the app reads), the audit log and the cost ledger from the app's store.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { RELEASE_GATE_CHECK } from '../../core/roles.js';
import type { GateDecision, StageResult, Usage } from '../../core/results.js';
import type { AuditEntry } from '../../app/store/index.js';
import type { Repository } from '../github/index.js';
import type { SampleRepository, World } from './world.js';

/** One result document a run uploaded, with the run it came from. */
export interface UploadedResult {
  runId: number;
  artifact: string;
  document: StageResult;
}

/** Every result document the runs of `repo` uploaded, oldest first (unreadable ones are skipped). */
export function uploadedResults(repo: Repository): UploadedResult[] {
  return [...repo.artifacts.values()]
    .sort((a, b) => a.id - b.id)
    .flatMap((artifact) => {
      try {
        const file = unzipSync(artifact.zip)['result.json'];
        if (file === undefined) return [];
        return [
          {
            runId: artifact.runId,
            artifact: artifact.name,
            document: JSON.parse(strFromU8(file)) as StageResult,
          },
        ];
      } catch {
        return [];
      }
    });
}

const dollars = (value: number) => `$${value.toFixed(4)}`;
const thousands = (value: number) => value.toLocaleString('en-US');

function usageRows(results: readonly UploadedResult[]): string[][] {
  const rows: string[][] = [];
  for (const { runId, document } of results) {
    const usage: Usage = document.usage;
    const roles = Object.entries(usage.by_role ?? {});
    // A stage without a model (release gate, validate) reports zero usage and no roles: nothing to list.
    for (const [role, part] of roles) {
      if (part === undefined) continue;
      rows.push([
        String(runId),
        document.stage,
        role,
        thousands(part.input_tokens),
        thousands(part.cache_read_input_tokens),
        thousands(part.cache_creation_input_tokens),
        thousands(part.output_tokens),
        dollars(part.cost_usd),
      ]);
    }
  }
  return rows;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `  ${row.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')}`;
  return [line(header), ...rows.map(line)];
}

function auditLine(entry: AuditEntry): string {
  const time = entry.at.slice(11, 23);
  const { detail } = entry;
  const what =
    entry.action === 'workflow.transition' && typeof detail.from === 'string' && typeof detail.to === 'string'
      ? ` ${String(detail.event)}: ${detail.from} → ${detail.to}`
      : typeof detail.outcome === 'string'
        ? ` ${detail.outcome}`
        : '';
  const run = entry.runId === null ? '' : ` run ${entry.runId}`;
  return `  ${time}  ${entry.actor.padEnd(22)} ${entry.action.padEnd(31)} ${entry.target}${run}${what}`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The developer's command runs as the agent loop answered them (tool results on the wire to the model
 * fake): the real outcome of each `npm test` the developer ran, not the model's account of it.
 */
function developerCommandRuns(world: World): string[] {
  if (world.model.kind !== 'recorded') return [];
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const request of world.model.fake.requests) {
    const body = request.body;
    if (!isObject(body) || !Array.isArray(body.messages)) continue;
    const system = Array.isArray(body.system) ? body.system[0] : undefined;
    if (!isObject(system) || typeof system.text !== 'string' || !system.text.startsWith('# Role: developer'))
      continue;
    for (const message of body.messages) {
      if (!isObject(message) || message.role !== 'user' || !Array.isArray(message.content)) continue;
      for (const block of message.content) {
        if (!isObject(block) || block.type !== 'tool_result' || typeof block.content !== 'string') continue;
        const id = String(block.tool_use_id);
        if (seen.has(id) || !block.content.startsWith('$ ')) continue;
        seen.add(id);
        const [command, status] = block.content.split('\n');
        lines.push(`  ${command?.slice(2) ?? ''}: ${status ?? ''}`);
      }
    }
  }
  return lines;
}

export interface ReportInput {
  world: World;
  sample: SampleRepository;
  issue: number;
  /** The story pull requests, in story order. */
  pulls: number[];
}

/** The report's lines. */
export async function renderReport({ world, sample, issue, pulls }: ReportInput): Promise<string[]> {
  const { state } = world.github;
  const { repo } = sample;
  const lines: string[] = [];
  const results = uploadedResults(repo);
  const epic = await world.app.store.workItems.getByIssue(sample.fullName, issue);
  lines.push(`Issue #${issue}: ${state.issues.get(repo, issue).title} (${epic?.state ?? 'never picked up'})`);

  for (const number of pulls) {
    const { pull, issue: pullIssue } = state.pulls.get(repo, number);
    lines.push(`Pull request #${pull.number}: ${pullIssue.title}`);
    lines.push(`  branch ${pull.headRef} → ${pull.baseRef}, head ${pull.headSha}`);
    lines.push(
      pull.merged
        ? `  merged by ${pull.mergedBy?.login ?? 'unknown'} (${pull.mergeCommit?.method ?? 'merge'}) as ${pull.mergeCommitSha ?? 'unknown'}`
        : '  not merged',
    );
    const gateCheck = state.checks
      .listForRef(repo, pull.headSha)
      .filter((check) => check.name === RELEASE_GATE_CHECK && check.appId === world.ghApp.id)
      .at(-1);
    const gate = results
      .map((result) => result.document)
      .filter((document) => document.stage === 'release-gate' && document.pr === number)
      .map((document) =>
        document.outcome.status === 'succeeded'
          ? (document.outcome as { gate: GateDecision }).gate
          : undefined,
      )
      .filter(
        (decision): decision is GateDecision => decision !== undefined && decision.head_sha === pull.headSha,
      )
      .at(-1);
    lines.push(
      `  release gate (${RELEASE_GATE_CHECK}): ${gate?.decision ?? 'no decision'}, check ${gateCheck?.conclusion ?? gateCheck?.status ?? 'missing'}`,
    );
    for (const reason of gate?.reasons ?? []) lines.push(`    - ${reason}`);
    for (const reviewer of gate?.reviewers ?? []) {
      lines.push(
        `    ${reviewer.role.padEnd(16)} ${reviewer.status.padEnd(8)} ${reviewer.findings} finding(s)${reviewer.summary === undefined ? '' : `: ${reviewer.summary}`}`,
      );
    }
    const testsCheck = state.checks
      .listForRef(repo, pull.headSha)
      .filter((check) => check.name === 'ai-orchestrator/tests' && check.appId === world.ghApp.id)
      .at(-1);
    lines.push(
      `  tests on the head (ai-orchestrator/tests): ${testsCheck === undefined ? 'no check' : `${testsCheck.conclusion ?? testsCheck.status}, ${testsCheck.output.title ?? ''}`}`,
    );
  }
  const commandRuns = developerCommandRuns(world);
  if (commandRuns.length > 0) {
    lines.push('The commands the developer ran, as the agent loop answered them (the real outcomes):');
    lines.push(...commandRuns);
  }

  const validation = results
    .map((result) => result.document)
    .filter((document) => document.stage === 'validate' && document.outcome.status === 'succeeded')
    .at(-1);
  if (
    validation !== undefined &&
    validation.outcome.status === 'succeeded' &&
    'validation' in validation.outcome
  ) {
    const { tests, smoke_ok } = validation.outcome.validation;
    lines.push(
      `Validation of the default branch after the merge: ${tests.passed} passed, ${tests.failed} failed${smoke_ok === null ? '' : `, smoke command ${smoke_ok ? 'ok' : 'failed'}`}`,
    );
  }

  const audit = (await world.app.store.audit.list({ repository: sample.fullName, limit: 1000 })).reverse();
  lines.push('', `Audit log (${audit.length} entries, every write the app made, oldest first):`);
  lines.push(...audit.map(auditLine));

  // The release gate runs no model: its document repeats the reviewers' usage (read from their verdicts)
  // for the app's ledger, so the agent runs' own documents are the ones listed and summed here.
  const agentRuns = results.filter((result) => result.document.stage !== 'release-gate');
  const rows = usageRows(agentRuns);
  lines.push('', 'Token and cost ledger (per agent run, from the result documents):');
  lines.push(
    ...table(['run', 'stage', 'role', 'input', 'cache read', 'cache write', 'output', 'cost'], rows),
  );
  const documents = agentRuns.map((result) => result.document.usage);
  const sum = (pick: (usage: Usage) => number) => documents.reduce((total, usage) => total + pick(usage), 0);
  const input = sum(
    (usage) => usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
  );
  const cached = sum((usage) => usage.cache_read_input_tokens);
  lines.push(
    `  total: ${thousands(input)} input tokens (${input === 0 ? 0 : Math.round((cached / input) * 100)}% read from the prompt cache), ${thousands(sum((usage) => usage.output_tokens))} output, ${dollars(sum((usage) => usage.cost_usd))}`,
  );
  const ledger = await world.app.store.usage.totalsForRepository(sample.fullName);
  lines.push(
    `  the app's ledger for ${sample.fullName}: ${ledger.entries} entries, ${thousands(ledger.tokensIn + ledger.cacheReadTokens + ledger.cacheWriteTokens)} input tokens, ${thousands(ledger.tokensOut)} output, ${dollars(ledger.costUsd)}`,
  );
  const documented = sum((usage) => usage.cost_usd);
  if (Math.abs(documented - ledger.costUsd) >= 0.00005) {
    // Said, not smoothed over: the two figures come from different places and must agree.
    lines.push(
      `  the app's ledger and the agent runs' documents differ by ${dollars(documented - ledger.costUsd)}: the app books the documents it reads (each run's ai-orchestrator-result), and they do not add up to what the agents reported`,
    );
  }
  return lines;
}
