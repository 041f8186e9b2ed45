import { AddressInfo } from 'node:net';
import { AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface CaughtMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  /** The From header's display name, e.g. "Avvikelser MIA". */
  fromName: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

function addresses(value: AddressObject | AddressObject[] | undefined): Array<{ name: string; address: string }> {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((entry) => entry.value.map((a) => ({ name: a.name, address: a.address ?? '' })));
}

/**
 * A real SMTP server in the test process on 127.0.0.1 (random port), collecting parsed mails.
 * stop() and start() keep the port, so a test can take SMTP "down" and bring it back.
 */
export class SmtpCatcher {
  readonly mails: CaughtMail[] = [];
  private server: SMTPServer | null = null;
  private port = 0;
  private rejecting: ((recipient: string) => boolean) | null = null;

  static async start(): Promise<SmtpCatcher> {
    const catcher = new SmtpCatcher();
    await catcher.start();
    return catcher;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Starts listening, on the same port as before if it ran already. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // stop() should look like an outage at once, not after the default 30 s grace period.
      closeTimeout: 50,
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        if (this.rejecting?.(address.address)) {
          const error = Object.assign(new Error('Mottagaren finns inte'), { responseCode: 550 });
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        simpleParser(stream)
          .then((parsed) => {
            const from = addresses(parsed.from)[0];
            this.mails.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: from?.address ?? '',
              fromName: from?.name ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
            });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const listener = server.listen(this.port, '127.0.0.1', () => resolve());
      listener.once('error', reject);
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: the app sees SMTP as down. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answers 550 to RCPT TO for matching recipients (null: accept everyone again). */
  rejectRecipients(predicate: ((recipient: string) => boolean) | null): void {
    this.rejecting = predicate;
  }

  /** Waits until at least `count` mails arrived; throws after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.mails.length < count) {
      if (Date.now() > deadline) throw new Error(`SMTP-fångaren fick ${this.mails.length} e-post, väntade på ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.mails;
  }

  clear(): void {
    this.mails.length = 0;
  }
}
