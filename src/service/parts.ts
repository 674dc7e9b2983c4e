// The parts the service runs, in start order (stopped in reverse).
import type { ServicePart } from './service.js';
import { embeddedDbPart } from './embedded-db-part.js';
import { pollerPart } from './poller-part.js';
import { alertsPart } from './alerts-part.js';
import { httpPart } from '../http/server.js';
import { checkpointPart } from './checkpoint-part.js';
import { mediaPart } from './media-part.js';

export function serviceParts(): ServicePart[] {
  return [embeddedDbPart, checkpointPart, pollerPart, mediaPart, httpPart, alertsPart];
}
