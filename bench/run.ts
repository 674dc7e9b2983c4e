// npm run bench [-- name...]: runs the named benchmarks (default: all), each
// beside its baseline in the same run. Results are printed and written to
// bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';

interface Bench {
  name: string;
  description: string;
  run(): Promise<Record<string, unknown>>;
}

const BENCHES: Record<string, () => Promise<Bench>> = {
  search: async () => (await import('./search.js')).default,
  link: async () => (await import('./link.js')).default,
  alerts: async () => (await import('./alerts.js')).default,
  ingest: async () => (await import('./ingest.js')).default,
  import: async () => (await import('./import.js')).default,
  verify: async () => (await import('./verify.js')).default,
  realtime: async () => (await import('./realtime.js')).default,
  poll: async () => (await import('./poll.js')).default,
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(BENCHES);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    console.error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  const bench = await load();
  console.log(`\n== ${bench.name}: ${bench.description}`);
  const result = await bench.run();
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), JSON.stringify(result, null, 2));
}
