/** The names users type and see: roles, stages, permission levels and commands (design §3). */

export const REVIEWER_ROLES = ['story-alignment', 'test-quality', 'architecture', 'security'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

export const AGENT_ROLES = ['planner', 'developer', ...REVIEWER_ROLES] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const STAGES = ['plan', 'implement', 'review', 'release-gate', 'validate'] as const;
export type Stage = (typeof STAGES)[number];

/** GitHub repository permission levels, lowest first. */
export const PERMISSION_LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export const COMMAND_NAMES = [
  'approve',
  'clarify',
  'reject',
  'retry',
  'cancel',
  'pause',
  'resume',
  'status',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The one required check and the reviewer checks. */
export const RELEASE_GATE_CHECK = 'ai-orchestrator/release-gate';
export const reviewCheckName = (role: ReviewerRole): string => `ai-orchestrator/review: ${role}`;

/** The label on everything the system creates. */
export const AI_GENERATED_LABEL = 'ai-generated';

/**
 * The repository label that exists exactly while the repository is paused: the app creates it on `/pause`
 * and deletes it on `/resume`; the actions, which can't read the app's store, stop before any write while
 * it exists.
 */
export const PAUSED_LABEL = 'ai:paused';
