/**
 * `ai-orchestrator gate`: runs the release-gate fold on a file of reviewer verdicts, the same code the
 * release-gate stage runs, so a decision can be reproduced and explained offline.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { foldGate } from '../core/gate.js';
import type { GateInput } from '../core/gate.js';
import { defaultPolicy, parseConfigYaml, PolicySyntaxError, resolvePolicy } from '../core/policy.js';
import type { Policy } from '../core/policy.js';
import { issuesToLines, ShaSchema, TestResultsSchema } from '../core/results.js';
import { EXIT } from './io.js';
import type { CliIO } from './io.js';

export const GATE_USAGE = `Usage: ai-orchestrator gate --verdicts <file.json> [--policy <file.yml>] [--head <sha>]

Folds reviewer verdicts into the release-gate decision and prints it as JSON.

  --verdicts <file>  a JSON array of verdict documents, or an object
                     {"verdicts": [...], "tests": {"passed": n, "failed": n},
                      "changed_files": [...], "head_sha": "...", "ai_authored": true}
  --policy <file>    a repository config (.github/ai-orchestrator.yml) merged over the default policy
  --head <sha>       the head commit to decide for (overrides head_sha in the file)

Exit status: 0 approved or skipped, 1 blocked, 2 bad input.`;

/** The verdicts file when it is an object: the list of documents with the other gate inputs. */
const GateEnvelopeSchema = z.strictObject(
  {
    verdicts: z.array(z.unknown(), { error: 'expected a list of verdict documents' }),
    tests: TestResultsSchema.optional(),
    changed_files: z
      .array(z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }), {
        error: 'expected a list of file paths',
      })
      .optional(),
    head_sha: ShaSchema.optional(),
    ai_authored: z.boolean({ error: 'expected true or false' }).optional(),
  },
  { error: 'expected a list of verdict documents or an object with "verdicts"' },
);

/** Bad input: the lines to say on standard error. */
class BadInput extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/**
 * Runs `gate` with the arguments after the command name. Prints the decision on `io.out` and returns 0
 * (approved or skipped) or 1 (blocked); on bad flags or an unreadable, malformed or invalid file or policy,
 * says why on `io.err` (naming the file) and returns 2.
 */
export async function gateCommand(args: string[], io: CliIO): Promise<number> {
  try {
    const flags = readFlags(args);
    if (flags === 'help') {
      io.out(GATE_USAGE);
      return EXIT.ok;
    }
    const input = await readGateFile(flags.verdicts, io);
    const policy = flags.policy === undefined ? defaultPolicy() : await readPolicy(flags.policy, io);
    if (flags.head !== undefined) input.head_sha = flags.head;
    const decision = foldGate(input, policy);
    io.out(JSON.stringify(decision, null, 2));
    return decision.decision === 'blocked' ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (!(error instanceof BadInput)) throw error;
    error.lines.forEach((line) => io.err(line));
    return EXIT.badInput;
  }
}

interface GateFlags {
  verdicts: string;
  policy?: string;
  head?: string;
}

function readFlags(args: string[]): GateFlags | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        verdicts: { type: 'string' },
        policy: { type: 'string' },
        head: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BadInput([`gate: ${(error as Error).message}`, GATE_USAGE]);
  }
  if (values.help) return 'help';
  if (values.verdicts === undefined) throw new BadInput(['gate: --verdicts <file> is required', GATE_USAGE]);
  const flags: GateFlags = { verdicts: values.verdicts };
  if (values.policy !== undefined) flags.policy = values.policy;
  if (values.head !== undefined) {
    // Git prints SHAs in lowercase; a person may paste one in capitals.
    const head = ShaSchema.safeParse(values.head.toLowerCase());
    if (!head.success)
      throw new BadInput([`gate: --head ${JSON.stringify(values.head)}: ${head.error.issues[0]?.message}`]);
    flags.head = head.data;
  }
  return flags;
}

async function readText(path: string, io: CliIO): Promise<string> {
  try {
    return await io.readText(path);
  } catch (error) {
    throw new BadInput([`${path}: cannot read the file: ${(error as Error).message}`]);
  }
}

async function readGateFile(path: string, io: CliIO): Promise<GateInput> {
  const text = await readText(path, io);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadInput([`${path}: not valid JSON: ${(error as Error).message}`]);
  }
  if (Array.isArray(json)) return { verdicts: json };
  const parsed = GateEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new BadInput([
      `${path}: not a gate input:`,
      ...issuesToLines(parsed.error.issues, json).map((line) => `  ${line}`),
    ]);
  }
  const { verdicts, tests, changed_files, head_sha, ai_authored } = parsed.data;
  return {
    verdicts,
    ...(tests === undefined ? {} : { tests }),
    ...(changed_files === undefined ? {} : { changed_files }),
    ...(head_sha === undefined ? {} : { head_sha }),
    ...(ai_authored === undefined ? {} : { ai_authored }),
  };
}

async function readPolicy(path: string, io: CliIO): Promise<Policy> {
  const text = await readText(path, io);
  let config: Record<string, unknown>;
  try {
    config = parseConfigYaml(text, path);
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new BadInput([error.message]);
    throw error;
  }
  const resolved = resolvePolicy(config);
  if (!resolved.ok) {
    const lines = resolved.errors.map((problem) => `${problem.path}: ${problem.message}`);
    throw new BadInput([`${path}: invalid policy:`, ...lines.map((line) => `  ${line}`)]);
  }
  return resolved.policy;
}
