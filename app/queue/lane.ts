/**
 * Which lane a delivery is handled in: one lane per repository (its deliveries are handled in arrival
 * order), else one per installation (installation events), else the app's own lane.
 */

/** The numeric `id` of an object field of the payload, if it has one. */
function idOf(payload: Record<string, unknown>, field: string): number | undefined {
  const value = payload[field];
  if (value === null || typeof value !== 'object') return undefined;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

/**
 * The lane of a payload: `repository:<id>`, `installation:<id>` or `app`. Keyed by id, not name, so a
 * repository renamed between two deliveries stays in one lane.
 */
export function laneOf(payload: Record<string, unknown>): string {
  const repository = idOf(payload, 'repository');
  if (repository !== undefined) return `repository:${repository}`;
  const installation = idOf(payload, 'installation');
  if (installation !== undefined) return `installation:${installation}`;
  return 'app';
}
