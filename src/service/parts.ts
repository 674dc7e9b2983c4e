// The parts the service runs, in start order (stopped in reverse).
import type { ServicePart } from './service.js';

export function serviceParts(): ServicePart[] {
  return [];
}
