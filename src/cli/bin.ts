import { main } from './main.js';

const env = process.env;
const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env,
  cwd: process.cwd(),
  // https://no-color.org: any NO_COLOR disables colour; so does a pipe or a dumb terminal.
  color: process.stdout.isTTY === true && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb',
  progress: process.stderr.isTTY === true && env['TERM'] !== 'dumb',
});
process.exitCode = code;
