/** The reviewed pins (checklist 35), read from the fixture `pinned-actions.json` next to this file. */
import { readFileSync } from 'node:fs';
import type { PinList } from './rules.js';

export function loadPins(): PinList {
  return JSON.parse(readFileSync(new URL('./pinned-actions.json', import.meta.url), 'utf8')) as PinList;
}
