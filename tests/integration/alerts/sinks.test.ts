// Each channel end to end through the worker, against local receivers played
// by an HTTP server (Slack and Discord shapes) and an SMTP server (email).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertsRepository, type NewAlertRule } from '../../../src/adapters/db/alerts-repository.js';
import { emailMessage } from '../../../src/core/alert-messages.js';
import { discordMessage, slackMessage } from '../../../src/core/chat-messages.js';
import { deliverDueAlerts } from '../../../src/jobs/deliver-alerts.js';
import { toMessage } from '../../../src/jobs/send-delivery.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { alertContext, recordPostEvent, startReceiver, type Receiver } from './harness.js';

const getDb = useTestDatabase();
let closers: (() => Promise<void>)[] = [];
beforeEach(() => truncateAll(getDb()));
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

const rule = (r: Pick<NewAlertRule, 'channel' | 'target'> & Partial<NewAlertRule>): NewAlertRule => ({
  secret: null,
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new', 'edited', 'cited'],
  digest: 'none',
  ...r,
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(answer);
  closers.push(() => r.close());
  return r;
}

/** The message the worker renders for the only delivery, rebuilt from the database. */
async function expectedMessage() {
  const d = await getDb().prisma.delivery.findFirstOrThrow();
  const events = await getDb().prisma.event.findMany({ where: { id: d.eventId! } });
  return toMessage({ id: d.id, ruleId: d.ruleId, digestKey: d.digestKey }, events);
}

describe('Slack and Discord webhooks', () => {
  it('posts Slack’s text + blocks format with the delivery headers', async () => {
    const slack = await receiver();
    await createAlertsRepository(getDb().prisma).addRule(rule({ channel: 'slack', target: `${slack.url}/T1/B2/x` }));
    await recordPostEvent(getDb(), {
      text: 'Statement: <b>ceasefire</b> & talks',
      kind: 'edited',
      previousText: 'Draft',
    });
    expect(await deliverDueAlerts(alertContext(getDb()))).toMatchObject({ delivered: 1 });
    const [req] = slack.requests;
    const message = await expectedMessage();
    expect(req!.url).toBe('/hook/T1/B2/x');
    expect(JSON.parse(req!.raw)).toEqual(slackMessage(message));
    expect(JSON.parse(req!.raw).blocks[0].text.text).toContain('&lt;b&gt;ceasefire&lt;/b&gt; &amp; talks');
    expect([req!.headers['x-onrecord-event'], req!.headers['x-onrecord-delivery']]).toEqual([
      'edited',
      message.deliveryId,
    ]);
    expect(req!.headers['x-onrecord-signature-256']).toBeUndefined();
  });

  it('posts Discord’s content + embeds format, waiting for the message to be stored', async () => {
    const discord = await receiver(() => ({ status: 200, body: '{"id":"1"}' }));
    await createAlertsRepository(getDb().prisma).addRule(
      rule({ channel: 'discord', target: `${discord.url}/123/tok` }),
    );
    await recordPostEvent(getDb(), { text: '@everyone the minister speaks at noon' });
    expect(await deliverDueAlerts(alertContext(getDb()))).toMatchObject({ delivered: 1 });
    const [req] = discord.requests;
    const body = JSON.parse(req!.raw);
    expect(req!.url).toBe('/hook/123/tok?wait=true');
    expect(body).toEqual(discordMessage(await expectedMessage()));
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0].description).toBe('@everyone the minister speaks at noon');
  });
});

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtp(reject?: string): Promise<{ url: string; mails: ReceivedMail[] }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (reject) return callback(Object.assign(new Error(reject), { responseCode: 550 }));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback(null);
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails };
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
}

/** The text/plain part of a multipart/alternative mail, quoted-printable decoded. */
function textPart(raw: string): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/i.exec(raw)![1]!;
  const bytes = part
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}

describe('email over SMTP', () => {
  it('sends the subject, text and html with a Message-ID derived from the delivery', async () => {
    const smtp = await startSmtp();
    await createAlertsRepository(getDb().prisma).addRule(rule({ channel: 'email', target: 'desk@example.org' }));
    await recordPostEvent(getDb(), { text: 'Le ministre s’exprimera à midi.' });
    const ctx = alertContext(getDb(), undefined, { SMTP_URL: smtp.url, ALERT_FROM: 'onrecord <alerts@example.org>' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ delivered: 1 });
    const message = await expectedMessage();
    const mail = emailMessage(message);
    expect(smtp.mails).toHaveLength(1);
    const [received] = smtp.mails;
    expect([received!.from, received!.to]).toEqual(['alerts@example.org', ['desk@example.org']]);
    expect(header(received!.raw, 'Message-ID')).toBe(`<${message.deliveryId}@onrecord>`);
    expect(header(received!.raw, 'X-Onrecord-Delivery')).toBe(message.deliveryId);
    expect(header(received!.raw, 'X-Onrecord-Event')).toBe('new');
    expect(header(received!.raw, 'Subject')).toMatch(/^=\?UTF-8\?/); // encoded: the text has non-ASCII characters
    expect(textPart(received!.raw)).toBe(mail.text);
    expect(received!.raw).toMatch(/Content-Type: text\/html/i);
    const row = await getDb().prisma.delivery.findFirstOrThrow();
    expect([row.status, row.lastStatusCode]).toEqual(['delivered', 250]);
  });

  it('retries a mail the server refuses, recording its SMTP code', async () => {
    const smtp = await startSmtp('mailbox unavailable');
    await createAlertsRepository(getDb().prisma).addRule(rule({ channel: 'email', target: 'desk@example.org' }));
    await recordPostEvent(getDb(), { text: 'A statement.' });
    const ctx = alertContext(getDb(), undefined, { SMTP_URL: smtp.url });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ delivered: 0, failed: 1 });
    const row = await getDb().prisma.delivery.findFirstOrThrow();
    expect([row.status, row.attempts, row.lastStatusCode]).toEqual(['pending', 1, 550]);
    expect(row.lastError).toMatch(/mailbox unavailable/);
  });
});
