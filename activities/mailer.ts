import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Where mail goes, for logs: an SMTP URL without credentials, or the outbox folder. */
  readonly target: string;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Mail over SMTP when SMTP_URL is set; otherwise each message is written as an .eml file, so nothing is lost in development. */
export function createMailer(options: { smtpUrl?: string; outboxDir: string; from: string }): Mailer {
  if (options.smtpUrl) {
    // Socket limits below the activity's 30 s start-to-close, so Temporal never retries a send still in progress.
    // Pooled: thousands of reminders reuse a few connections instead of one each.
    const transport = nodemailer.createTransport(options.smtpUrl, {
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as object);
    const url = new URL(options.smtpUrl);
    url.username = '';
    url.password = '';
    return {
      target: url.toString(),
      async send(m) {
        await transport.sendMail({ from: options.from, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId, attachments: m.attachments });
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    target: options.outboxDir,
    async send(m) {
      const info = await transport.sendMail({
        from: options.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
        attachments: m.attachments,
      });
      await mkdir(options.outboxDir, { recursive: true });
      const file = path.join(options.outboxDir, `${m.messageId.replace(/[^A-Za-z0-9_.-]/g, '_')}.eml`);
      await writeFile(file, info.message as Buffer);
    },
    close: () => transport.close(),
  };
}

/** A 5xx reply is the server's final word on this message; anything else may pass on a retry. */
export function isPermanentMailError(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
