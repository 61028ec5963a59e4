/**
 * The kill switch's checkbox in the dashboard issue: the one line of the issue a human is meant to change.
 * GitHub's task-list click rewrites `[ ]` to `[x]` in the body; an edit in the browser may also bring
 * `\r\n` line ends, an upper-case `X`, or another list marker.
 */

export const PAUSE_BOX_TEXT = 'Pause all AI activity in this repository';

const PAUSE_BOX = /^[ \t]*[-*+][ \t]+\[([ xX])\][ \t]+Pause all AI activity in this repository[ \t]*\r?$/m;

/** The checkbox line as the app writes it. */
export function pauseBox(paused: boolean): string {
  return `- [${paused ? 'x' : ' '}] ${PAUSE_BOX_TEXT}`;
}

/** Whether the body's pause box is ticked; undefined when the body has no such line. */
export function pauseBoxState(body: string | null | undefined): boolean | undefined {
  if (typeof body !== 'string') return undefined;
  const match = PAUSE_BOX.exec(body);
  return match === null ? undefined : match[1] !== ' ';
}
