// Where alerts go: a webhook, Slack, Discord, an email address. One method;
// the adapters under src/adapters/alerts render the message in their
// channel's format and translate transport errors into a failed result.
import type { AlertMessage } from '../core/alert-messages.js';

export const ALERT_CHANNELS = ['webhook', 'slack', 'discord', 'email'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export interface OutgoingAlert {
  /** The delivery's id, sent as X-Onrecord-Delivery: the same on every retry. */
  id: string;
  channel: AlertChannel;
  /** A URL, or an email address for `email`. */
  target: string;
  /** The webhook's shared secret (signs the body). */
  secret: string | null;
  message: AlertMessage;
}

/**
 * `accepted`: the receiver took it (a 2xx answer, or SMTP accepted the mail).
 * `failed`: anything else, including timeouts and refused connections; the
 * worker retries it. Never thrown: a failure is an expected outcome.
 */
export type SendResult =
  | { status: 'accepted'; statusCode: number | null; detail: string }
  | { status: 'failed'; statusCode: number | null; error: string };

export interface AlertSink {
  send(alert: OutgoingAlert, signal?: AbortSignal): Promise<SendResult>;
}

/** The sinks of every channel, and what they hold open (connections). */
export interface AlertSinks {
  forChannel(channel: AlertChannel): AlertSink;
  close(): Promise<void>;
}
