import { benchRunOverhead } from './run-overhead.js';

/** `npm run bench`: every benchmark, printing its figures against a baseline measured in the same run. */
await benchRunOverhead();
