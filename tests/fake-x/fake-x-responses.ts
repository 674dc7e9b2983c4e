// Canned bodies and body faults: the problem documents X sends, and the
// changes a fault makes to a good JSON body.
import { PROBLEMS, type ApiResult } from './fake-x-api.js';
import type { Fault } from './fake-x-faults.js';
import type { RateLimitHeaders } from './fake-x-rate-limits.js';

export const problem = (status: number, title: string, extra: Record<string, unknown> = {}) => ({
  title,
  type: 'about:blank',
  status,
  detail: title,
  ...extra,
});

export const FAULT_RESPONSES: Partial<Record<Fault['kind'], () => ApiResult>> = {
  'rate-limited': () => ({ status: 429, body: problem(429, 'Too Many Requests') }),
  'usage-capped': () => ({ status: 429, body: usageCapped() }),
  unauthorized: () => ({ status: 401, body: problem(401, 'Unauthorized') }),
  forbidden: () => ({
    status: 403,
    body: {
      client_id: '123',
      detail:
        'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
      title: 'Client Forbidden',
      reason: 'client-not-enrolled',
      type: `${PROBLEMS}client-forbidden`,
    },
  }),
};

export function usageCapped() {
  return {
    account_id: '1',
    product_name: 'pay-per-use',
    title: 'UsageCapExceeded',
    period: 'Monthly',
    scope: 'Product',
    detail: 'Usage cap exceeded: Monthly product cap',
    type: `${PROBLEMS}usage-capped`,
  };
}

export function rateLimitHeaders(limits: RateLimitHeaders): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limits.limit),
    'x-rate-limit-remaining': String(limits.remaining),
    'x-rate-limit-reset': String(limits.reset),
  };
}

export function mutateBody(fault: Fault, body: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(body);
  const data = Array.isArray(copy.data) ? copy.data : copy.data ? [copy.data] : [];
  const first = data[0] as Record<string, unknown> | undefined;
  if (fault.kind === 'missing-id' && first) delete first.id;
  if (fault.kind === 'wrong-type' && first) Object.assign(first, { id: Number(first.id), text: 42 });
  if (fault.kind === 'partial-error') {
    const error = fault.error ?? {
      value: '1',
      detail: 'Could not find tweet with ids: [1].',
      title: 'Not Found Error',
      resource_type: 'tweet',
      parameter: 'ids',
      resource_id: '1',
      type: `${PROBLEMS}resource-not-found`,
    };
    copy.errors = [...((copy.errors as unknown[]) ?? []), error];
  }
  if (fault.kind === 'mutate') return (fault.mutate(copy) as Record<string, unknown>) ?? copy;
  return copy;
}
