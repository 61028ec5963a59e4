/** The entry of `npm start` (bundled as dist/app.js): the conductor, run from the environment. */
import { conductorApp } from './conductor-app.js';
import { run } from './run.js';

await run(conductorApp);
