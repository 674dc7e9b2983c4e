// Slack incoming webhooks: a JSON message with text (the notification) and blocks.
import { slackMessage } from '../../core/chat-messages.js';
import type { AlertSink } from '../../ports/alert-sink.js';
import type { HttpPoster } from './http-post.js';
import { alertHeaders } from './webhook-sink.js';

export function createSlackSink(http: HttpPoster): AlertSink {
  return {
    send(alert, signal) {
      return http.post(alert.target, JSON.stringify(slackMessage(alert.message)), alertHeaders(alert), signal);
    },
  };
}
