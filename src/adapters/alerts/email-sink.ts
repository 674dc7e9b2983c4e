// Email alerts over SMTP (nodemailer, SMTP_URL). Accepted means the SMTP
// server accepted the message for delivery. The Message-ID is derived from the
// delivery id, so a resent alert is the same message to mail software too.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { emailMessage, eventName } from '../../core/alert-messages.js';
import { ConfigError } from '../../core/errors.js';
import { DELIVERY_HEADER, EVENT_HEADER } from '../../core/signature.js';
import type { AlertSink, SendResult } from '../../ports/alert-sink.js';

export interface EmailSinkOptions {
  smtpUrl: string | undefined;
  from: string;
  timeoutMs: number;
}

export interface EmailSink extends AlertSink {
  close(): void;
}

export function createEmailSink(options: EmailSinkOptions): EmailSink {
  let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  const connect = () =>
    (transport ??= nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    }));
  return {
    async send(alert): Promise<SendResult> {
      if (!options.smtpUrl) throw new ConfigError('email alerts need SMTP_URL');
      const mail = emailMessage(alert.message);
      try {
        const info = await connect().sendMail({
          from: options.from,
          to: alert.target,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${alert.id}@onrecord>`,
          headers: { [EVENT_HEADER]: eventName(alert.message), [DELIVERY_HEADER]: alert.id },
        });
        return { status: 'accepted', statusCode: smtpCode(info.response), detail: info.response };
      } catch (err) {
        const e = err as { responseCode?: number; message?: string };
        return { status: 'failed', statusCode: e.responseCode ?? null, error: e.message ?? String(err) };
      }
    },
    close() {
      transport?.close();
    },
  };
}

function smtpCode(response: string | undefined): number | null {
  const m = /^(\d{3})/.exec(response ?? '');
  return m ? Number(m[1]) : null;
}
