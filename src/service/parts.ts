// The parts the service runs, in start order (stopped in reverse).
import type { ServicePart } from './service.js';
import { embeddedDbPart } from './embedded-db-part.js';
import { createPollerPart } from './poller-part.js';
import { alertsPart } from './alerts-part.js';
import { createHttpPart } from '../http/server.js';
import { createWebhookLink } from '../jobs/webhook-intake.js';
import { checkpointPart } from './checkpoint-part.js';
import { mediaPart } from './media-part.js';

export function serviceParts(): ServicePart[] {
  // The X webhook's route (http) and its channel (the poller's stream job) meet here.
  const xWebhook = createWebhookLink();
  return [embeddedDbPart, checkpointPart, createPollerPart(xWebhook), mediaPart, createHttpPart(xWebhook), alertsPart];
}
