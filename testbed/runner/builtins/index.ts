/**
 * The third-party actions our workflow uses, each with a local equivalent, matched by `owner/repo`
 * whatever the pinned SHA or tag: anything else is refused by the resolver.
 */
import type { BuiltinCall } from '../steps.js';
import { createAppToken } from './app-token.js';
import { checkout } from './checkout.js';
import type { RunServices } from './services.js';
import { uploadArtifact } from './upload-artifact.js';

export type { RunServices } from './services.js';

type Builtin = (call: BuiltinCall, services: RunServices) => Promise<Record<string, string>>;

const BUILTINS: Record<string, Builtin> = {
  'actions/checkout': checkout,
  'actions/create-github-app-token': createAppToken,
  'actions/upload-artifact': uploadArtifact,
};

/** The `owner/repo` of every third-party action the runner has an equivalent of. */
export const BUILTIN_ACTIONS = Object.keys(BUILTINS);

/** The equivalent of `owner/repo` (case-insensitive), or undefined. */
export function builtinAction(name: string): Builtin | undefined {
  return BUILTINS[name.toLowerCase()];
}
