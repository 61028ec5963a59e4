/**
 * `ai-orchestrator policy check <file>` and `ai-orchestrator policy schema`.
 *
 * `check` reads a repository configuration, merges it over the default policy and validates it:
 * exit 0 with a summary of the effective policy, 1 listing every bad field, 2 when the file can't be read
 * or parsed. `schema` prints the JSON schema of the configuration file for editors.
 */
import { parseArgs } from 'node:util';
import { configJsonSchema, parseConfigYaml, PolicySyntaxError, resolvePolicy } from '../core/policy.js';
import type { Policy } from '../core/policy.js';
import { EXIT } from './io.js';
import type { CliIO } from './io.js';

export const POLICY_USAGE = `Usage:
  ai-orchestrator policy check <file>   validate a .github/ai-orchestrator.yml (merged over the default policy)
  ai-orchestrator policy schema         print the JSON schema of the configuration file`;

export async function policyCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'check') return checkCommand(rest, io);
  if (sub === 'schema' && rest.length === 0) {
    io.out(JSON.stringify(configJsonSchema(), null, 2));
    return EXIT.ok;
  }
  io.err(sub === undefined ? POLICY_USAGE : `Unknown policy command "${sub}".\n${POLICY_USAGE}`);
  return EXIT.badInput;
}

async function checkCommand(args: string[], io: CliIO): Promise<number> {
  let file: string | undefined;
  try {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    if (positionals.length !== 1) throw new Error('expected exactly one file');
    file = positionals[0];
  } catch (error) {
    io.err(`policy check: ${(error as Error).message}.\n${POLICY_USAGE}`);
    return EXIT.badInput;
  }
  if (file === undefined) return EXIT.badInput;

  let text: string;
  try {
    text = await io.readText(file);
  } catch (error) {
    io.err(`${file}: cannot read the file: ${describeReadError(error)}`);
    return EXIT.badInput;
  }
  let config: Record<string, unknown>;
  try {
    config = parseConfigYaml(text, file);
  } catch (error) {
    if (error instanceof PolicySyntaxError) {
      io.err(error.message);
      return EXIT.badInput;
    }
    throw error;
  }
  const result = resolvePolicy(config);
  if (!result.ok) {
    io.err(`${file}: ${result.errors.length} invalid setting${result.errors.length === 1 ? '' : 's'}`);
    for (const error of result.errors) io.err(`  ${error.path}: ${error.message}`);
    return EXIT.failed;
  }
  io.out(`${file}: valid. Effective policy:`);
  for (const line of summarizePolicy(result.policy)) io.out(`  ${line}`);
  return EXIT.ok;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
};

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && READ_ERRORS[code]) ?? (error as Error).message;
}

const plural = (count: number, singular: string, plural = `${singular}s`) =>
  `${count} ${count === 1 ? singular : plural}`;
const orNone = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

/** A short, human-readable summary of an effective policy, one line per section. */
export function summarizePolicy(policy: Policy): string[] {
  const auth = policy.authorization;
  const commandsByLevel = new Map<string, string[]>();
  for (const [command, level] of Object.entries(auth.commands)) {
    commandsByLevel.set(level, [...(commandsByLevel.get(level) ?? []), `/${command}`]);
  }
  const skip = policy.gate.skip;
  const skipRules = [
    ...(skip.paths.length ? [`every changed file in ${skip.paths.join(', ')}`] : []),
    ...(skip.non_ai_authored ? ['pull requests not written by the orchestrator'] : []),
  ];
  const rows: Array<[string, string]> = [
    ['trigger label', policy.trigger.label],
    [
      'plan',
      `${policy.plan.require_approval ? 'human /approve required' : 'no approval (starts at once)'}, at most ${plural(policy.plan.max_stories, 'story', 'stories')}`,
    ],
    [
      'implement',
      `${policy.implement.max_parallel_stories} in parallel, ${plural(policy.implement.fix_attempts, 'fix attempt')}, commands time out after ${policy.implement.command_timeout_minutes} min, extra commands: ${orNone(policy.implement.allowed_commands)}`,
    ],
    [
      'review',
      `${plural(policy.review.revision_rounds, 'revision round')}; ${policy.review.reviewers.map((r) => `${r.role}${r.required ? ' (required)' : ' (optional)'}`).join(', ') || 'no reviewers'}`,
    ],
    [
      'gate',
      `concerns ${policy.gate.concerns === 'allow' ? 'allowed' : 'block'}; ${policy.gate.block_on_severity}+ findings block; test results ${policy.gate.require_test_results ? 'required' : 'optional'}; skipped when ${orNone(skipRules)}`,
    ],
    ['protected paths', orNone(policy.protected_paths)],
    ['diff limits', `${policy.limits.max_changed_files} files, ${policy.limits.max_changed_lines} lines`],
    [
      'commands',
      [...commandsByLevel]
        .map(
          ([level, commands]) =>
            `${commands.join(' ')} ${commands.length === 1 ? 'needs' : 'need'} ${level}+`,
        )
        .join('; '),
    ],
    [
      'approvers',
      `${auth.users.length || auth.teams.length ? `only ${orNone([...auth.users, ...auth.teams])}` : 'anyone with the permission'}; requester ${auth.allow_requester_approval ? 'may' : 'may not'} approve; bots: ${orNone(auth.allowed_bots.map((b) => `${b.login} (${b.commands.join(', ')})`))}`,
    ],
    ['merge', policy.merge.method],
    [
      'models',
      Object.entries(policy.models)
        .map(([role, model]) => `${role} ${model}`)
        .join(', '),
    ],
    [
      'budget',
      `${policy.budget.max_tokens_per_story.toLocaleString('en-US')} tokens and $${policy.budget.max_cost_usd_per_story.toFixed(2)} per story, ${policy.budget.max_turns} turns per run`,
    ],
    [
      'retries',
      `GitHub ${policy.retries.github_requests}, model ${policy.retries.model_requests}, dispatch ${policy.retries.dispatch}; retry-after capped at ${policy.retries.max_retry_after_seconds} s`,
    ],
    [
      'heartbeat',
      policy.heartbeat.enabled
        ? `every ${policy.heartbeat.interval_minutes} min; re-dispatch after ${policy.heartbeat.run_start_timeout_minutes} min, fail after ${policy.heartbeat.run_stuck_minutes} min, flag merges waiting ${policy.heartbeat.merge_reminder_hours} h`
        : 'off',
    ],
    ['lessons', `at most ${policy.lessons.max} per repository`],
    ['validate', policy.validate.smoke_command ? `tests and \`${policy.validate.smoke_command}\`` : 'tests'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`);
}
