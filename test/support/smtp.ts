import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  attachments: Array<{ filename: string; content: Buffer }>;
}

/** Faults to inject; all off by default, so the server accepts everything at once. */
export interface SmtpFaults {
  /** Every connection and transaction is refused with 421 (try later): a mail server away for a while. */
  refusing: boolean;
  /** Recipients refused with a permanent 550 at RCPT TO. */
  rejected: Set<string>;
  /** The DATA reply is withheld: the sender stays mid-send until release() or until it goes away. */
  holding: boolean;
  /** The DATA reply comes this many milliseconds late (0: at once): a slow server that does accept the message. */
  answerDelayMs: number;
}

/** One RCPT TO as the server answered it: how often a sender tried an address, and with what result. */
export interface RecipientAttempt {
  address: string;
  code: number;
}

/** A real SMTP server in-process: what the system sent is what arrived here. */
export async function startSmtp() {
  const mails: ReceivedMail[] = [];
  /** Messages whose sender went away before the server's reply: never accepted, as on a real server. */
  const dropped: ReceivedMail[] = [];
  const recipientAttempts: RecipientAttempt[] = [];
  const faults: SmtpFaults = { refusing: false, rejected: new Set(), holding: false, answerDelayMs: 0 };
  const held = new Map<string, { mail: ReceivedMail; accept: () => void }>();
  const replyError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    onConnect(_session, callback) {
      callback(faults.refusing ? replyError(421, 'service not available, try again later') : undefined);
    },
    onMailFrom(_address, _session, callback) {
      callback(faults.refusing ? replyError(421, 'service not available, try again later') : undefined);
    },
    onRcptTo(address, _session, callback) {
      const refused = faults.rejected.has(address.address.toLowerCase());
      recipientAttempts.push({ address: address.address, code: refused ? 550 : 250 });
      callback(refused ? replyError(550, 'mailbox unavailable') : undefined);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address ?? '') : []));
          const attachments = parsed.attachments.map((a) => ({ filename: a.filename ?? '', content: a.content }));
          const mail = { to, subject: parsed.subject ?? '', text: parsed.text ?? '', messageId: parsed.messageId ?? '', attachments };
          const accept = () => {
            mails.push(mail);
            callback();
          };
          if (faults.holding) held.set(session.id, { mail, accept });
          else if (faults.answerDelayMs > 0) setTimeout(accept, faults.answerDelayMs);
          else accept();
        })
        .catch(callback);
    },
    onClose(session) {
      const pending = held.get(session.id);
      if (!pending) return;
      held.delete(session.id);
      dropped.push(pending.mail);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    dropped,
    recipientAttempts,
    faults,
    /** Messages read whose reply is withheld. */
    held: () => [...held.values()].map((h) => h.mail),
    /** Stops holding and accepts what is held from senders still connected. */
    release() {
      faults.holding = false;
      for (const [id, h] of held) {
        held.delete(id);
        h.accept();
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
