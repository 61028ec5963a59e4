/**
 * Inputs of this runner's equivalents of third-party actions: each declares the inputs it implements,
 * with their defaults as the real action has them; any other input is refused rather than ignored.
 */
import { StepFailure } from '../steps.js';

/** The given inputs over the defaults. Throws a StepFailure naming an input the equivalent lacks. */
export function takeInputs<T extends Record<string, string>>(
  action: string,
  given: Record<string, string>,
  defaults: T,
  accepts: (name: string) => boolean = () => false,
): T & Record<string, string> {
  for (const name of Object.keys(given)) {
    if (!(name in defaults) && !accepts(name)) {
      throw new StepFailure(`the local runner's ${action} does not implement the input ${name}`);
    }
  }
  return { ...defaults, ...given };
}
