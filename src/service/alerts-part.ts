// The service's `alerts` part: the delivery worker, woken by LISTEN on
// PostgreSQL (ticking on the embedded database), delivering within a second.
import { startAlertWorker } from '../jobs/deliver-alerts.js';
import type { ServicePart } from './service.js';

export const alertsPart: ServicePart = {
  name: 'alerts',
  start: (ctx) => startAlertWorker(ctx),
};
