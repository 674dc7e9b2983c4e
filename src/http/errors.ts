// Errors as HTTP answers: the taxonomy's code and message, with a status.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OnrecordError } from '../core/errors.js';

const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404,
  invalid_input: 400,
  fetch_refused: 422,
  query_timeout: 503,
  config: 500,
};

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof OnrecordError) {
    const status = STATUS_BY_CODE[err.code] ?? (err.isRetryable ? 503 : 502);
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send({ error: err.code, message: err.message });
  }
  const fastifyError = err as FastifyError;
  if (fastifyError.validation || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
    return reply.code(fastifyError.statusCode ?? 400).send({
      error: fastifyError.validation ? 'invalid_input' : (fastifyError.code ?? 'bad_request'),
      message: err.message,
    });
  }
  request.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'internal error' });
}
