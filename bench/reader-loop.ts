/**
 * A reader of bench:readers, in a process of its own as `best` or `report` would be: it queries
 * the study over and over (the summary, the best 10, the first page of the trials table by value,
 * and every epoch as `export` reads them, a long snapshot) until told to stop, then sends how many
 * rounds it made and how long each took. Usage: reader-loop.js STORE STUDY
 */
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/store/open-store.js';

const [location, name] = process.argv.slice(2) as [string, string];
const store = await openStore(location, 'read');
const study = await store.getStudy(name);
let stopping = false;
process.on('message', () => (stopping = true));
process.send?.({ ready: true });
const rounds: number[] = [];
while (!stopping) {
  const start = performance.now();
  await store.summariseStudy(study.id);
  await store.bestTrials(study.id, 10);
  await store.pageTrials(study.id, { sort: 'value', descending: true, limit: 50, offset: 0 });
  let epochs = 0;
  for await (const page of store.epochPages(study.id)) epochs += page.length;
  if (epochs === 0) throw new Error('the study has no epochs to read');
  rounds.push(performance.now() - start);
  // SQLite's reads are synchronous: without a turn of the event loop the stop message never arrives.
  await new Promise((resolve) => setImmediate(resolve));
}
await store.close();
process.send?.({ rounds });
process.disconnect?.();
