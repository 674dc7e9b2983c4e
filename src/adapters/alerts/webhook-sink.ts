// The generic JSON webhook: the body is signed with HMAC-SHA256 over its raw
// bytes (X-Onrecord-Signature-256), and every request names the event and the
// delivery so that receivers can route and dedupe.
import { eventName, webhookBody } from '../../core/alert-messages.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signBody } from '../../core/signature.js';
import type { AlertSink, OutgoingAlert } from '../../ports/alert-sink.js';
import type { HttpPoster } from './http-post.js';

/** Headers every HTTP alert carries, whatever its channel. */
export function alertHeaders(alert: OutgoingAlert): Record<string, string> {
  return { [EVENT_HEADER]: eventName(alert.message), [DELIVERY_HEADER]: alert.id };
}

export function createWebhookSink(http: HttpPoster): AlertSink {
  return {
    send(alert, signal) {
      const raw = JSON.stringify(webhookBody(alert.message));
      const headers = alertHeaders(alert);
      if (alert.secret) headers[SIGNATURE_HEADER] = signBody(alert.secret, raw);
      return http.post(alert.target, raw, headers, signal);
    },
  };
}
