// Every text a request brings in (query string, path parameters, JSON body) is
// made storable before validation: a NUL or lone surrogate, which PostgreSQL
// refuses, becomes U+FFFD, so such input is answered like any other instead of
// failing in the database. A route that keeps what it receives as evidence (an
// article's page) sets `config: { keepsRawBody: true }`: its body is left as
// sent and the job stores it exactly (see core/storable-text.ts).
import type { FastifyRequest } from 'fastify';
import { storableValue } from '../core/storable-text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    keepsRawBody?: boolean;
  }
}

export async function storableInputHook(request: FastifyRequest): Promise<void> {
  request.query = storableValue(request.query).value;
  request.params = storableValue(request.params).value;
  if (!request.routeOptions.config.keepsRawBody) request.body = storableValue(request.body).value;
}
