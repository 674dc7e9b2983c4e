// The OpenAPI document around the route schemas: servers, license, security,
// and per operation an operationId and described responses (documentation only:
// what is added here never changes how an answer is serialized).
import type { FastifyDynamicSwaggerOptions, SwaggerTransform } from '@fastify/swagger';

type Responses = Record<string, Record<string, unknown>>;

const error = (description: string) => ({ description, $ref: 'Error#' });
/** Reads are refused without a token when ONRECORD_READ_ACCESS asks for one, and off loopback when local. */
const READ_REFUSALS: Responses = {
  401: error('A token is needed (ONRECORD_READ_ACCESS=token) and is missing or wrong'),
  403: error('Reading is open to loopback only (ONRECORD_READ_ACCESS=local), or no token is set on the server'),
};
const ARTICLE_ANSWER = { type: 'object', additionalProperties: true };
const BINARY = { schema: { type: 'string', format: 'binary' } };
const MEDIA_CONTENT = { 'image/*': BINARY, 'video/*': BINARY, 'application/octet-stream': BINARY };

/** Per "METHOD /path": the operation's id and the responses its route schema does not declare. */
const OPERATIONS: Record<string, { operationId: string; responses?: Responses }> = {
  'GET /api/posts': { operationId: 'searchPosts', responses: READ_REFUSALS },
  'GET /api/posts/:platform/:id': { operationId: 'getPost', responses: READ_REFUSALS },
  'GET /api/accounts': { operationId: 'listAccounts', responses: READ_REFUSALS },
  'GET /api/actors': { operationId: 'listActors', responses: READ_REFUSALS },
  'GET /api/actors/:name': { operationId: 'getActor', responses: READ_REFUSALS },
  'GET /api/articles/:id': { operationId: 'getArticle', responses: READ_REFUSALS },
  'POST /api/articles': {
    operationId: 'addArticle',
    responses: {
      201: { description: 'The article was added; its references are linked', ...ARTICLE_ANSWER },
      200: { description: 'The article was already archived: it is returned as it is', ...ARTICLE_ANSWER },
      422: error('The URL may not be fetched (private address, not http(s), too large)'),
      503: error('Adding articles is not available on this server'),
    },
  },
  'GET /api/posts/:platform/:id/evidence.zip': {
    operationId: 'getEvidenceBundle',
    responses: {
      200: {
        description: 'The bundle: captures, versions, observations, citing articles, proofs, key, manifest and report',
        content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
      },
      ...READ_REFUSALS,
    },
  },
  'GET /api/log/checkpoint': { operationId: 'getLogCheckpoint', responses: READ_REFUSALS },
  'GET /api/log/proof/inclusion': { operationId: 'getInclusionProof', responses: READ_REFUSALS },
  'GET /api/log/proof/consistency': { operationId: 'getConsistencyProof', responses: READ_REFUSALS },
  'GET /media/:sha256': {
    operationId: 'getMediaFile',
    responses: {
      200: {
        description:
          'The file as captured (ETag: its sha256; cached as immutable); types not safe to show inline come as a download',
        content: MEDIA_CONTENT,
      },
      206: { description: 'The byte range asked for (Range: bytes=start-end)', content: MEDIA_CONTENT },
      304: { description: 'If-None-Match names this sha256: the copy held is this file' },
      404: error('No captured media file has this sha256, or its bytes are missing from the media store'),
      416: error('The range lies past the end of the file'),
      ...READ_REFUSALS,
    },
  },
  'GET /api/alerts': { operationId: 'listAlertRules', responses: READ_REFUSALS },
  'GET /api/events': {
    operationId: 'followEvents',
    responses: {
      200: {
        description:
          'A stream of events: `id:` the event id, `event:` its kind, `data:` the event as webhooks carry it (docs/alerts.md)',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      400: error('An invalid filter, since or Last-Event-ID: the message names it'),
      ...READ_REFUSALS,
    },
  },
  'POST /api/alerts': { operationId: 'addAlertRule' },
  'DELETE /api/alerts/:id': { operationId: 'removeAlertRule' },
  'GET /healthz': {
    operationId: 'getHealth',
    responses: {
      200: { description: 'The database answers and no account is failing (status ok or degraded)', type: 'object' },
      403: error('Off loopback, health needs the read access of the API'),
      503: { description: 'The database is unreachable or an account is failing', type: 'object' },
    },
  },
  'GET /metrics': {
    operationId: 'getMetrics',
    responses: {
      200: {
        description: 'Metrics in the Prometheus text format',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      ...READ_REFUSALS,
    },
  },
};

/** What an answer of this status means, where the route did not say. */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no content',
  400: 'Invalid input: the message names the parameter',
  401: 'The bearer token is missing or wrong',
  403: 'Refused: no token is set on the server, or reading is limited',
  404: 'Not found',
};

const transform: SwaggerTransform = ({ schema, url, route }) => {
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) as string;
  const operation = OPERATIONS[`${method} ${url}`];
  if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
  const responses: Responses = {
    ...(operation?.responses ?? {}),
    ...((schema.response ?? {}) as Responses),
  };
  for (const [status, response] of Object.entries(responses)) {
    if (!response.description)
      responses[status] = { description: STATUS_DESCRIPTIONS[status] ?? 'Answer', ...response };
  }
  return { schema: { ...schema, operationId: operation?.operationId, response: responses }, url };
};

export function openapiOptions(serverUrl: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      info: {
        title: 'onrecord',
        description: 'An archive of what officials say on the record: search posts, their versions and citations.',
        version: '1',
        license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      },
      servers: [{ url: serverUrl, description: 'this onrecord server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      // Writes require the token (each declares it); reads take it when ONRECORD_READ_ACCESS=token.
      security: [{}, { bearer: [] }],
    },
    transform,
  };
}
