import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { explainRefusal, localSecrets, slackEndpoint, verifySlackSignature } from '../../composition/slack-endpoint.js';
import { EXIT } from '../io.js';
import { runtimeOptions, stringOption, type CommandContext } from '../context.js';
import { openRuntime } from '../runtime.js';

async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/**
 * `certflow slack verify --secret-file F --timestamp T --signature S --body-file B [--at EPOCH]`:
 * checks one request offline, exactly as the endpoint does, and says why a mismatch is one.
 * Exit 0 valid, 2 invalid. For operators whose proxy may alter bodies.
 */
export async function slackVerifyCommand(ctx: CommandContext): Promise<number> {
  const secretFile = stringOption(ctx, 'secret-file');
  const timestamp = stringOption(ctx, 'timestamp');
  const signature = stringOption(ctx, 'signature');
  const bodyFile = stringOption(ctx, 'body-file');
  if (!secretFile || timestamp === undefined || signature === undefined || !bodyFile) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, "certflow slack verify needs --secret-file F --timestamp T --signature S --body-file B (see 'certflow slack verify --help')");
  }
  const at = stringOption(ctx, 'at');
  if (at !== undefined && !/^[0-9]{1,12}$/.test(at)) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--at takes Unix seconds');
  const secret = (await readBytes(secretFile, 'secret file')).toString('utf8').trim();
  const body = await readBytes(bodyFile, 'body file');
  const now = at === undefined ? Math.floor(Date.now() / 1000) : Number(at);
  const verdict = verifySlackSignature(secret, { headers: { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, body }, now);
  if (verdict.ok) {
    ctx.io.stdout(`valid: v0 signature over ${body.length.toString()} bytes, timestamp ${(now - Number(timestamp)).toString()} s old\n`);
    return EXIT.ok;
  }
  ctx.io.stdout(`invalid (${verdict.reason}): ${explainRefusal(verdict.reason)}\n`);
  if (verdict.reason === 'mismatch') {
    const text = body.toString('utf8');
    const hints = [
      text.endsWith('\n') ? 'the body ends with a line break Slack did not send' : undefined,
      !text.startsWith('payload=') ? 'the body does not start with payload= (was it decoded or re-encoded?)' : undefined,
      /%[0-9a-f]{2}/.test(text) && !/%[0-9A-F]{2}/.test(text) ? 'percent-escapes are lower-case (Slack sends upper-case)' : undefined,
    ].filter((h): h is string => h !== undefined);
    for (const h of hints) ctx.io.stdout(`  hint: ${h}\n`);
  }
  return EXIT.usage;
}

function collect(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => done(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', fail);
  });
}

/** A running local endpoint: its URL, and how to stop it. */
export interface SlackServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the interactivity endpoint on loopback over the local runtime (the command, and tests). */
export async function startSlackServer(ctx: CommandContext, listen: string, log: (line: string) => void = () => undefined): Promise<SlackServer> {
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):([0-9]{1,5})$/.exec(listen);
  if (!m) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--listen takes 127.0.0.1:PORT (loopback only)');
  const runtime = await openRuntime(ctx.io, runtimeOptions(ctx), 'write');
  let handle: Awaited<ReturnType<typeof slackEndpoint>>;
  try {
    handle = await slackEndpoint({ config: runtime.config, state: runtime.deps.state, clock: runtime.deps.clock, secrets: localSecrets(runtime.config.configPath) });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/slack/interactivity') {
        res.writeHead(404).end();
        return;
      }
      const body = await collect(req, 64 * 1024);
      const result = await handle({ headers: req.headers, body: body ?? Buffer.alloc(64 * 1024 + 1) });
      res.writeHead(result.status, { 'content-type': 'text/plain' }).end(result.body);
      log(`slack ${result.outcome}${result.code ? ` ${result.code}` : ''}\n`);
      // After the answer, as Slack expects: notes to the clicker, the decided message.
      await result.after?.();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const host = m[1] === '[::1]' ? '::1' : m[1]!;
  await new Promise<void>((ready) => server.listen(Number(m[2]), host, ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(m[2]);
  return {
    url: `http://${m[1]!}:${port.toString()}/slack/interactivity`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await runtime.close();
    },
  };
}

/**
 * `certflow slack serve --listen 127.0.0.1:PORT`: the interactivity endpoint on the local state,
 * for end-to-end tests with signed payloads. Loopback only. Stops on SIGINT/SIGTERM.
 */
export async function slackServeCommand(ctx: CommandContext): Promise<number> {
  const server = await startSlackServer(ctx, stringOption(ctx, 'listen') ?? '127.0.0.1:3000', (line) => ctx.io.stderr(line));
  ctx.io.stdout(`listening on ${server.url}\n`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', () => stop());
    process.once('SIGTERM', () => stop());
  });
  await server.close();
  return EXIT.ok;
}
