// Builds the sink of every channel around one HTTP agent and one SMTP transport.
import type { AlertChannel, AlertSink, AlertSinks } from '../../ports/alert-sink.js';
import { createDiscordSink } from './discord-sink.js';
import { createEmailSink } from './email-sink.js';
import { createHttpPoster } from './http-post.js';
import { createSlackSink } from './slack-sink.js';
import { createWebhookSink } from './webhook-sink.js';

export interface AlertSinksOptions {
  /** The longest one send may take before it counts as failed. */
  timeoutMs: number;
  smtpUrl?: string;
  from: string;
  /** Let HTTP targets be loopback, private or link-local addresses (ONRECORD_ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets: boolean;
}

export function createAlertSinks(options: AlertSinksOptions): AlertSinks {
  const http = createHttpPoster({ timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivateTargets });
  const email = createEmailSink({ smtpUrl: options.smtpUrl, from: options.from, timeoutMs: options.timeoutMs });
  const byChannel: Record<AlertChannel, AlertSink> = {
    webhook: createWebhookSink(http),
    slack: createSlackSink(http),
    discord: createDiscordSink(http),
    email,
  };
  return {
    forChannel: (channel) => byChannel[channel],
    async close() {
      email.close();
      await http.close();
    },
  };
}
