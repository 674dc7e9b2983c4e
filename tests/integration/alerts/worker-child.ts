// A worker in its own process, for crash tests: node --import tsx worker-child.ts
// Reads DATABASE_URL and ALERT_TIMEOUT; the lease (ms) is argv[2]. Prints
// "ready" once started, then runs until killed.
import { openDatabase } from '../../../src/adapters/db/database.js';
import { startAlertWorker } from '../../../src/jobs/deliver-alerts.js';
import { alertContext } from './harness.js';

const url = process.env.DATABASE_URL!;
const db = await openDatabase({ url, dataDir: '' });
const ctx = alertContext({ ...db, url }, undefined, { ALERT_TIMEOUT: process.env.ALERT_TIMEOUT ?? '10s' });
await startAlertWorker(ctx, { leaseMs: Number(process.argv[2]), tickMs: 100, owner: 'child-worker' });
process.stdout.write('ready\n');
