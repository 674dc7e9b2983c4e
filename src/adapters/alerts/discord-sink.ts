// Discord webhooks: content plus embeds, mentions disabled. `wait=true` makes
// Discord answer only once the message is stored, so a 2xx means it is posted.
import { discordMessage } from '../../core/chat-messages.js';
import type { AlertSink } from '../../ports/alert-sink.js';
import type { HttpPoster } from './http-post.js';
import { alertHeaders } from './webhook-sink.js';

export function createDiscordSink(http: HttpPoster): AlertSink {
  return {
    send(alert, signal) {
      const url = new URL(alert.target);
      url.searchParams.set('wait', 'true');
      return http.post(url.toString(), JSON.stringify(discordMessage(alert.message)), alertHeaders(alert), signal);
    },
  };
}
