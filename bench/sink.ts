import { SMTPServer } from 'smtp-server';

/**
 * An SMTP sink in the benchmark's process that accepts everything and counts messages by Message-ID.
 * Unlike the tests' server (test/support/smtp.ts) it does not parse each message, so the sink costs
 * little next to what is measured.
 */
export async function startSink() {
  const seen = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^message-id:\s*(\S+)/im.exec(head.split('\r\n\r\n')[0])?.[1] ?? '';
        seen.set(id, (seen.get(id) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Of the messages expected (by Message-ID): how many arrived, how many never did, how many arrived more than once. */
    count(expected: Iterable<string>): { messages: number; missing: number; duplicates: number } {
      let messages = 0;
      let missing = 0;
      let duplicates = 0;
      for (const id of expected) {
        const n = seen.get(id) ?? 0;
        messages += n;
        if (n === 0) missing += 1;
        if (n > 1) duplicates += n - 1;
      }
      return { messages, missing, duplicates };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
