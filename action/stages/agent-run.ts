/**
 * One agent run inside a stage: the role's prompt from the action's own prompts folder, its settings from
 * the default-branch policy with the budget the stage has left, the model client, and its usage booked
 * in the stage's ledger whatever the outcome (a failed run still spent tokens).
 */
import type { Policy } from '../../core/policy.js';
import type { AgentRole } from '../../core/roles.js';
import type { CommandToolOptions } from '../agent/command-tool.js';
import type { UntrustedInput } from '../agent/conversation.js';
import { loadRolePrompt } from '../agent/prompts.js';
import { runAgent } from '../agent/run-agent.js';
import type { AgentRunResult } from '../agent/run-agent.js';
import { agentSettings } from '../agent/settings.js';
import type { StageRun } from './result.js';
import type { StageDeps } from './types.js';

export interface RoleRun {
  role: AgentRole;
  policy: Policy;
  promptsDir: string;
  /** The repository brief (context assembly). */
  brief: string;
  /** The stage's own words: never untrusted text. */
  task: string;
  untrusted: readonly UntrustedInput[];
  workspace: string;
  /** The developer's command allow-list; only the developer has run_command. */
  commands?: CommandToolOptions;
}

/** Runs the agent; books its usage in `run.ledger`; resolves with the agent's outcome. */
export async function runRole(spec: RoleRun, run: StageRun, deps: StageDeps): Promise<AgentRunResult> {
  const rolePrompt = await loadRolePrompt(spec.promptsDir, spec.role);
  const settings = agentSettings(spec.policy, spec.role, run.ledger.spent());
  const result = await runAgent(
    {
      role: spec.role,
      rolePrompt,
      brief: spec.brief,
      task: spec.task,
      untrusted: spec.untrusted,
      workspaceRoot: spec.workspace,
      protectedPaths: spec.policy.protected_paths,
      ...(spec.commands ? { commands: spec.commands } : {}),
      settings,
    },
    { client: deps.model(), sleep: deps.sleep, random: deps.random, now: deps.now, log: deps.log },
  );
  run.ledger.add(spec.role, result.usage);
  deps.log(
    `${spec.role}: ${result.status} after ${result.turns} turns and ${result.requests} requests; ` +
      `$${result.usage.cost_usd.toFixed(4)}, ${Math.round(result.cacheHitRatio * 100)}% of input from the cache`,
  );
  return result;
}

/** The reason a failed agent run gives the stage, e.g. "the developer could not finish (model_unavailable): …". */
export function agentFailure(result: Extract<AgentRunResult, { status: 'failed' }>): string {
  return `the ${result.role} agent could not finish (${result.reason}): ${result.message}`;
}
