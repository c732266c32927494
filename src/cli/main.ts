import { EXIT, reportError, type CliIo } from './io.js';
import { runCommand } from './commands/run.command.js';
import { lsCommand, requestsCommand, showCommand } from './commands/inventory.command.js';
import { decisionCommand, requestCommand } from './commands/decision.command.js';
import { exportCommand } from './commands/export.command.js';
import { eventsCommand } from './commands/events.command.js';
import { revokeCommand } from './commands/revoke.command.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  ls: lsCommand,
  requests: requestsCommand,
  show: showCommand,
  request: requestCommand,
  approve: decisionCommand('approve'),
  deny: decisionCommand('deny'),
  export: exportCommand,
  revoke: revokeCommand,
  events: (args, io) => eventsCommand(args, io),
};

export const USAGE = `usage: certflow <command> [options]

commands:
  run                          one full cycle: discover, plan, decide, issue, alert, publish
  ls [--json]                  the inventory
  requests [--state S] [--json]  issuance requests
  show <certificate|request>   one item, with its revisions and key store versions
  request <certificate> --as WHO         ask for a new revision now
  approve <request|certificate> --as WHO [--comment TEXT]
  deny <request|certificate> --as WHO [--comment TEXT]
  export <certificate> --out DIR [--force]   cert.pem, chain.pem, key.pem (0600), root.pem
  revoke <certificate> [--reason R]      revoke the CURRENT certificate at its issuer (RFC 5280 reason, e.g. keyCompromise)
  events test-pattern --pattern FILE --event FILE
  events validate FILE

options: --config FILE (default $CERTFLOW_CONFIG or ./certflow.yaml), --now ISO-DATE (rehearse a later time)
exit codes: 0 success, 1 failure, 2 bad usage or bad input
`;

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`certflow: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command(args, io);
  } catch (error) {
    return reportError(io, error);
  }
}
