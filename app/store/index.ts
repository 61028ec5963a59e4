/** The store's public surface, for the rest of the app. */
export { openStore, createStore, storeOptionsFromEnv, DEFAULT_DATA_DIR } from './store.js';
export type { Store, StoreOptions, StoreTables } from './store.js';
export { VersionConflictError, NotFoundError, DispatchNotPendingError } from './errors.js';
export type { Transition, TransitionResult } from './transition.js';
export type { RepositoryRecord } from './repositories.js';
export type { WorkItemRecord, NewWorkItem, WorkItemChange, WorkItemFilter } from './work-items.js';
export type { DeliveryRecord, DeliveryOutcome, Claim } from './deliveries.js';
export type { IncomingDelivery, PendingDelivery } from './pending-deliveries.js';
export { DISPATCH_STATUSES } from './dispatches.js';
export type { DispatchRecord, DispatchStatus, NewDispatch } from './dispatches.js';
export type { AuditEntry, NewAuditEntry, AuditFilter } from './audit.js';
export type { NewUsage, UsageTotals, DailyUsage, RepositoryDailyUsage } from './usage.js';
export { LESSON_SOURCES, MAX_LESSONS } from './lessons.js';
export type { LessonRecord, LessonSource } from './lessons.js';
