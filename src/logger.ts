// The one root logger. JSON by default, pretty on a terminal, secrets redacted.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'X_BEARER_TOKEN',
  'X_CONSUMER_SECRET',
  'X_CLIENT_SECRET',
  '*.X_CONSUMER_SECRET',
  '*.X_CLIENT_SECRET',
  'MASTODON_TOKENS',
  'ONRECORD_API_TOKEN',
  'SMTP_URL',
  'DATABASE_URL',
  'ONRECORD_LOG_KEY',
  '*.ONRECORD_LOG_KEY',
  'AWS_SECRET_ACCESS_KEY',
  '*.AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  '*.AWS_SESSION_TOKEN',
  '*.X_BEARER_TOKEN',
  '*.MASTODON_TOKENS',
  '*.ONRECORD_API_TOKEN',
  '*.SMTP_URL',
  '*.DATABASE_URL',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'bearerToken',
  '*.bearerToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true } } });
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}
