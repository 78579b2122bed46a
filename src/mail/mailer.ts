import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/**
 * Outgoing e-mail through the operator's SMTP server (CXKPI_SMTP_URL). Without one there is no
 * mailer: survey links are still made, and the interface says that nothing is e-mailed.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** Files, and images the HTML shows by `cid:` (reports). */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string; cid?: string }>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** The SMTP host, for status displays (never the credentials). */
  host: string;
  close(): void;
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer | undefined {
  if (!config.smtpUrl) return undefined;
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    host: new URL(config.smtpUrl).host,
    async send(message) {
      await transport.sendMail({ from: config.mailFrom, ...message });
    },
    close: () => transport.close(),
  };
}
