// A process that takes an account's lock, says "held", and keeps it until it
// is killed: what a poller killed mid-poll leaves behind.
import { createAccountLocks, type AccountLocksSpec } from '../../src/adapters/db/account-locks.js';

const spec = JSON.parse(process.argv[2]!) as AccountLocksSpec;
const hold = await createAccountLocks(spec).tryHold(Number(process.argv[3]));
process.stdout.write(hold.held ? 'held\n' : `busy ${hold.holder}\n`);
setInterval(() => {}, 60_000);
