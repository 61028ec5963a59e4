/**
 * Runs one trusted command line (a detected build, test or lint command, or one the policy allows) under
 * `bash -c`, with a time limit, and captures what it prints.
 *
 * The command runs in its own process group. On timeout the whole group gets SIGTERM, then SIGKILL after a
 * grace period, so a test runner's workers and servers die with it. When the command exits on its own, the
 * group is killed too: a check leaves nothing running behind it, and a stray background process that keeps
 * the output pipe open cannot turn a finished command into a timeout.
 *
 * Only trusted strings reach here: untrusted text is never interpolated into `command`.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface RunProcessOptions {
  readonly cwd: string;
  /** The child's complete environment: nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Most characters of output held in memory (the first quarter and the last three quarters). */
  readonly maxCaptureChars: number;
  /** Time between SIGTERM and SIGKILL on timeout, and the wait for the output pipes after exit. */
  readonly graceMs?: number;
}

export interface ProcessResult {
  /** The exit code; null when the process was ended by a signal or could not start. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Why the process could not start, when it could not. */
  readonly startError: string | null;
  /** stdout and stderr interleaved in arrival order, with a marker where the middle was dropped. */
  readonly output: string;
  /** Characters dropped from the middle of the output because of `maxCaptureChars`. */
  readonly droppedChars: number;
  readonly durationMs: number;
}

const DEFAULT_GRACE_MS = 2_000;

/** Keeps the start and the end of a stream within a budget. */
class Capture {
  private head = '';
  private tail = '';
  dropped = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(max: number) {
    this.headMax = Math.floor(max / 4);
    this.tailMax = max - this.headMax;
  }

  add(text: string): void {
    const room = this.headMax - this.head.length;
    if (room > 0) {
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    this.tail += text;
    if (this.tail.length > this.tailMax) {
      this.dropped += this.tail.length - this.tailMax;
      this.tail = this.tail.slice(-this.tailMax);
    }
  }

  text(): string {
    return this.dropped > 0
      ? `${this.head}\n[… ${this.dropped} characters dropped …]\n${this.tail}`
      : this.head + this.tail;
  }
}

/**
 * Signals the process group `pid`. A group that is already gone (ESRCH) needs nothing more; a member that
 * changed its credentials (EPERM) cannot be signalled by us at all, and the group's other members were.
 */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}

/**
 * Runs `bash -c <command>` in `options.cwd` with exactly `options.env`. Resolves (never rejects) when the
 * command has exited and its output is read, or could not start.
 */
export function runProcess(command: string, options: RunProcessOptions): Promise<ProcessResult> {
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const started = performance.now();
  const capture = new Capture(options.maxCaptureChars);
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: { ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let startError: string | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')];

    const finish = () => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      child.stdout.destroy();
      child.stderr.destroy();
      decoders.forEach((decoder) => capture.add(decoder.end()));
      resolve({
        exitCode: startError === null ? (exit?.code ?? null) : null,
        signal: exit?.signal ?? null,
        timedOut,
        startError,
        output: capture.text(),
        droppedChars: capture.dropped,
        durationMs: Math.round(performance.now() - started),
      });
    };

    child.stdout.on('data', (chunk: Buffer) => capture.add(decoders[0]!.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => capture.add(decoders[1]!.write(chunk)));
    timers.push(
      setTimeout(() => {
        timedOut = true;
        signalGroup(child.pid, 'SIGTERM');
        timers.push(setTimeout(() => signalGroup(child.pid, 'SIGKILL'), grace));
      }, options.timeoutMs),
    );
    child.on('error', (error) => {
      startError = error.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the command left running in its group goes with it.
      signalGroup(child.pid, 'SIGKILL');
      // Output still in the pipes arrives before 'close'; do not wait for it forever.
      timers.push(setTimeout(finish, grace));
    });
    child.on('close', finish);
  });
}
