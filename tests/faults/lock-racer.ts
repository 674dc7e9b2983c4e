// A process that races for the embedded database's lock: it loads, says
// "ready", waits for "go" on stdin, tries the lock once, prints the outcome,
// and holds what it got until its stdin closes.
import { tryLock } from '../../src/adapters/db/pglite-lock.js';

const dir = process.argv[2]!;
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const attempt = tryLock(dir);
  process.stdout.write(`${attempt.kind}\n`);
  process.stdin.once('end', () => {
    if (attempt.kind === 'acquired') attempt.release();
    process.exit(0);
  });
});
