// Who may do what over HTTP. Writes always need the bearer token
// (ONRECORD_API_TOKEN; unset: writes are refused). Reads follow
// ONRECORD_READ_ACCESS: local (loopback clients only), open, or token.
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface AccessPolicy {
  token: string | undefined;
  readAccess: 'local' | 'open' | 'token';
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isLoopback(ip: string): boolean {
  try {
    const addr = ipaddr.process(ip);
    return addr.range() === 'loopback';
  } catch {
    return false;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1]?.trim();
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

type Verdict = { ok: true } | { ok: false; status: 401 | 403; error: string; message: string };

export function checkAccess(policy: AccessPolicy, request: FastifyRequest): Verdict {
  // A route that authenticates its callers itself (the X webhook checks X's signature).
  if (request.routeOptions.config?.isSigned) return { ok: true };
  const isRead = READ_METHODS.has(request.method);
  if (isRead && policy.readAccess === 'open') return { ok: true };
  // A health probe from this machine (a container's healthcheck, a local
  // supervisor) needs no token whatever the read policy.
  if (isRead && request.routeOptions.url === '/healthz' && isLoopback(request.ip)) return { ok: true };
  if (isRead && policy.readAccess === 'local') {
    if (isLoopback(request.ip)) return { ok: true };
    return {
      ok: false,
      status: 403,
      error: 'forbidden',
      message: 'reading is limited to this machine (set ONRECORD_READ_ACCESS=open or token to allow others)',
    };
  }
  if (!policy.token) {
    return {
      ok: false,
      status: 403,
      error: 'forbidden',
      message: `${isRead ? 'reading' : 'writing'} needs a token, and ONRECORD_API_TOKEN is not set on the server`,
    };
  }
  const given = bearer(request);
  if (!given || !sameSecret(given, policy.token)) {
    return {
      ok: false,
      status: 401,
      error: 'unauthorized',
      message: 'send Authorization: Bearer <ONRECORD_API_TOKEN>',
    };
  }
  return { ok: true };
}

export function accessHook(policy: AccessPolicy) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const verdict = checkAccess(policy, request);
    if (verdict.ok) return;
    if (verdict.status === 401) reply.header('www-authenticate', 'Bearer realm="onrecord"');
    return reply.code(verdict.status).send({ error: verdict.error, message: verdict.message });
  };
}
