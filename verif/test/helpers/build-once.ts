// Child process for the parallel-build test: builds one design and prints what it saw as JSON.
import { buildModel } from '../../build/model.js';

const [source, top] = process.argv.slice(2);
const model = await buildModel({ sources: [source!], top: top!, log: () => {} });
process.stdout.write(JSON.stringify({ dir: model.dir, cacheHit: model.cacheHit, pid: process.pid }) + '\n');
