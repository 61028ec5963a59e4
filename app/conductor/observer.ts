/**
 * What the conductor reports as it works, for whoever watches it (the app's metrics). Every method is
 * optional and called after the fact it reports is stored, so an observer can neither change nor fail the
 * work: a throwing observer is a bug in the observer, and the conductor does not wait for it.
 */
import type { BeatReport } from '../heartbeat/report.js';
import type { DispatchRecord, NewUsage } from '../store/index.js';

export interface TransitionReport {
  /** The workflow event's type, e.g. `labelled`, `gate_result`. */
  event: string;
  from: string;
  to: string;
  /** The release gate's decision, for a `gate_result` event. */
  gate?: string;
}

export interface ConductorObserver {
  /** An event moved an item (stored, with its effects queued). */
  transitioned?(report: TransitionReport): void;
  /** The state machine refused an event in the item's state. */
  refused?(report: { event: string; state: string }): void;
  /** A stage's workflow was dispatched (also a re-dispatch by the heartbeat). */
  dispatched?(report: { stage: string }): void;
  /** A dispatch was completed: its run's result was taken in, or the run was given up. */
  runCompleted?(dispatch: DispatchRecord): void;
  /** Model usage was booked in the ledger (each entry once). */
  usageBooked?(usage: readonly NewUsage[]): void;
  /** A heartbeat ended. */
  beat?(report: BeatReport, startedAt: Date, finishedAt: Date): void;
}
