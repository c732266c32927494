/**
 * Cold import of each Lambda function (issue 7, Must show): for every handler in serverless.yml's
 * `functions:` (and any other `functions/*.ts`), in one run, interleaved so load on this shared
 * machine hits every variant alike:
 *
 *   - fn        the minified ESM bundle, built with serverless.yml's own `custom.esbuild` options;
 *   - floor     the function's SDK floor: a bare bundle, built the same way, of exactly the
 *               `@aws-sdk/client-*` clients and commands the function's bundle holds (read from
 *               its esbuild metafile), instantiating the clients as the handler does at import;
 *   - unbundled the same handler compiled file by file to JS, loading its dependencies from
 *               node_modules (what a zip of the sources would do);
 *   - empty     an empty ES module.
 *
 * Side figures: fn/floor run by run, the fastest runs, the SDK floor loaded from node_modules, and
 * fn and floor built with credentials from the environment only (scripts/esbuild-plugins.cjs),
 * below the stock floor.
 *
 * Each figure is the median of RUNS fresh `node` processes timing `await import(bundle)`, with
 * the environment serverless.yml sets given dummy values. One extra process per bundle imports it
 * with outbound connections trapped: the bench fails if anything is called at import.
 *
 *   npm run bench:cold            (or: node --import tsx bench/cold-import.bench.ts [runs])
 *
 * Last line: RESULT cold-import worst_fn=… worst_ms=… worst_floor_ms=… overhead_ratio=max(fn/floor)
 * max_bundle_kib=… bundle_ratio=max(bundle bytes/floor bytes) unbundled_ratio=min(unbundled/fn)
 * Goals: overhead_ratio ≤ 1.15, bundle_ratio ≤ 1.15, unbundled_ratio ≥ 3.
 *
 * Measured (see bench/README.md for the figures of each run and what they mean).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { dummyEnvironment, handlerEntries, lambdaEsbuildOptions, readServerless } from '../scripts/lib/serverless-config.js';

const REPO = join(import.meta.dirname, '..');
const RUNS = Math.max(1, Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 21));
const work = mkdtempSync(join(tmpdir(), 'certflow-cold-import-'));

const serverless = readServerless();

const requireHere = createRequire(import.meta.url);

/** The plugin that bundles environment credentials only (scripts/esbuild-plugins.cjs): the floor "the other way". */
const envCredentials = (requireHere(join(REPO, 'scripts/esbuild-plugins.cjs')) as { envCredentials: Plugin }).envCredentials;

/** Where the configured functions find their configuration at cold start: the SSM stand-in. */
const CONFIG_PARAMETER = '/certflow/bench/config';
/**
 * The configuration the stand-in serves, in the smallest form the schema takes, with an issuer and
 * a key store that run on AWS (Private CA, Secrets Manager), so the configured functions are timed.
 */
const BENCH_CONFIG = {
  keyStore: { kind: 'secrets-manager' },
  issuers: [{ name: 'bench', kind: 'aws-private-ca', options: { certificateAuthorityArn: 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012' } }],
  certificates: [],
};

/**
 * What the handlers see: serverless.yml's variables with dummy values, dummy credentials, and every
 * AWS endpoint pointed at the local stand-in, so an import that reads its configuration gets it
 * from there and nothing reaches AWS.
 */
function environment(standInPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...dummyEnvironment(serverless),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${standInPort}`,
  };
  if ('CERTFLOW_CONFIG_LOCATION' in env) env.CERTFLOW_CONFIG_LOCATION = `ssm:${CONFIG_PARAMETER}`;
  return env;
}

/** A stand-in for SSM GetParameter (the configuration), in its own process; other calls are refused. */
function startStandIn(): Promise<{ port: number; stop: () => void }> {
  const script = `
    import { createServer } from 'node:http';
    const config = ${JSON.stringify(JSON.stringify(BENCH_CONFIG))};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const target = req.headers['x-amz-target'] ?? '';
        const ok = target === 'AmazonSSM.GetParameter';
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(ok ? { Parameter: { Name: JSON.parse(body).Name, Type: 'String', Value: config, Version: 1 } } : { __type: 'UnknownOperationException', message: 'the bench stand-in serves SSM GetParameter only' }));
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ port: Number(chunk.toString().trim()), stop: () => child.kill() }));
    child.once('error', reject);
  });
}

/** Bundles a file of the repository, or (`source`) a module written here that resolves packages from it. */
async function bundle(entry: string | { source: string }, outfile: string, withEnvCredentials = false): Promise<{ bytes: number; metafile: Metafile }> {
  const input: BuildOptions =
    typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.source, resolveDir: REPO, sourcefile: 'floor.mjs', loader: 'js' } };
  const options = lambdaEsbuildOptions(serverless);
  const plugins = withEnvCredentials && !options.plugins!.some((p) => p.name === envCredentials.name) ? [...options.plugins!, envCredentials] : options.plugins!;
  const result = await build({ ...options, ...input, plugins, outfile, absWorkingDir: REPO });
  return { bytes: statSync(outfile).size, metafile: result.metafile! };
}

/**
 * The AWS SDK clients of a bundle (`@aws-sdk/client-*`, and lib-dynamodb's document client),
 * each package with the client classes and commands the bundle holds.
 */
function sdkUse(metafile: Metafile): Map<string, { clients: Set<string>; commands: Set<string> }> {
  const use = new Map<string, { clients: Set<string>; commands: Set<string> }>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput === 0) continue;
      const m = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\/dist-[a-z]+\/(?:(commands)\/)?([A-Za-z0-9]+)\.js$/.exec(path);
      if (!m) continue;
      const [, pkg, commandsDir, file] = m as unknown as [string, string, string | undefined, string];
      const entry = use.get(pkg) ?? { clients: new Set<string>(), commands: new Set<string>() };
      if (commandsDir && file.endsWith('Command')) entry.commands.add(file);
      else if (!commandsDir && file.endsWith('Client')) entry.clients.add(file);
      use.set(pkg, entry);
    }
  }
  for (const [pkg, u] of use) {
    // A CommonJS build (one file per package) would hide its classes: say so rather than measure an empty floor.
    if (u.clients.size === 0) throw new Error(`cannot tell the client class of @aws-sdk/${pkg} from the metafile (mainFields must pick its dist-es build)`);
  }
  return use;
}

/** The floor's source: those clients instantiated (as the handler does at import) and those commands kept. */
function floorSource(use: ReturnType<typeof sdkUse>): string {
  // Commands are aliased per package: two clients can both have e.g. GetCertificateCommand (ACM, ACM PCA).
  const alias = (pkg: string, name: string) => `${name}__${pkg.replace(/[^a-zA-Z0-9]/g, '_')}`;
  const lines = [...use].map(([pkg, u]) => `import { ${[...u.clients, ...[...u.commands].map((c) => `${c} as ${alias(pkg, c)}`)].join(', ')} } from '@aws-sdk/${pkg}';`);
  // lib-dynamodb's document client wraps a DynamoDB client.
  if (use.has('lib-dynamodb') && !use.get('client-dynamodb')?.clients.has('DynamoDBClient')) lines.push("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
  const clients = [...use.values()].flatMap((u) =>
    [...u.clients].map((c) => (c === 'DynamoDBDocumentClient' ? `${c}.from(new DynamoDBClient({}))` : `new ${c}({})`)),
  );
  const commands = [...use].flatMap(([pkg, u]) => [...u.commands].map((c) => alias(pkg, c)));
  return `${lines.join('\n')}\nexport const clients = [${clients.join(', ')}];\nexport const commands = [${commands.join(', ')}];\n`;
}

/** Compiles src/ and functions/ file by file (no bundling) beside a link to node_modules. */
async function compileUnbundled(dir: string): Promise<void> {
  const sources = (root: string): string[] =>
    readdirSync(join(REPO, root), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join(REPO, root, f));
  await build({
    entryPoints: [...sources('src'), ...sources('functions')],
    outdir: dir,
    outbase: REPO,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
  });
  // JSON modules (functions/lib/families.json) are imported as they are.
  for (const root of ['src', 'functions']) {
    for (const f of readdirSync(join(REPO, root), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'))) copyFileSync(join(REPO, root, f), join(dir, root, f));
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/** Milliseconds one fresh process spends importing `file`. */
function importMs(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { env, encoding: 'utf8' }));
}

/**
 * Imports `file` with every outbound connection trapped: what it tried to reach other than the
 * stand-in, and the error if the import failed (e.g. a configuration the aws runtime refuses).
 */
function checkImport(file: string, env: NodeJS.ProcessEnv): { elsewhere: string[]; error?: string } {
  const script = `
    import net from 'node:net';
    const tried = [];
    const connect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function (...args) { const o = Array.isArray(args[0]) ? args[0][0] : args[0]; tried.push({ host: o?.host, port: o?.port, path: o?.path }); return connect.apply(this, args); };
    let error;
    try { await import(${JSON.stringify(pathToFileURL(file).href)}); } catch (e) { error = String(e?.message ?? e) + (e?.details ? ' ' + JSON.stringify(e.details) : ''); }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const standIn = new URL(process.env.AWS_ENDPOINT_URL);
    const elsewhere = tried.filter((t) => !(t.host === standIn.hostname && String(t.port) === standIn.port)).map((t) => JSON.stringify(t));
    process.stdout.write(JSON.stringify({ elsewhere, error }));
    process.exit(0);`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { env, encoding: 'utf8' })) as { elsewhere: string[]; error?: string };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

const standIn = await startStandIn();
try {
  const env = environment(standIn.port);
  const fns = handlerEntries(serverless);
  const unbundledDir = join(work, 'unbundled');
  await compileUnbundled(unbundledDir);
  const empty = join(work, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');

  const rows = [];
  for (const fn of fns) {
    const fnFile = join(work, fn.name, 'handler.mjs');
    mkdirSync(join(work, fn.name), { recursive: true });
    const built = await bundle(fn.entry, fnFile);
    const use = sdkUse(built.metafile);
    const floor = await bundle({ source: floorSource(use) }, join(work, fn.name, 'floor.mjs'));
    // The same floor from node_modules: how much bundling alone gains on the SDK (the ceiling of unbundled_ratio).
    const floorUnbundled = join(unbundledDir, `floor-${fn.name}.mjs`);
    writeFileSync(floorUnbundled, floorSource(use));
    // The other way: both built with credentials from the environment only (below the stock floor).
    const fnEnv = await bundle(fn.entry, join(work, fn.name, 'handler-env.mjs'), true);
    const floorEnv = await bundle({ source: floorSource(use) }, join(work, fn.name, 'floor-env.mjs'), true);
    const unbundled = join(unbundledDir, relative(REPO, fn.entry).replace(/\.ts$/, '.js'));
    const checks = [fnFile, join(work, fn.name, 'handler-env.mjs'), unbundled].map((file) => ({ file, ...checkImport(file, env) }));
    for (const c of checks) {
      if (c.elsewhere.length > 0) throw new Error(`${relative(work, c.file)} connects at import: ${c.elsewhere.join(', ')}`);
    }
    rows.push({
      ...fn,
      importError: checks.find((c) => c.error !== undefined)?.error,
      sdk: [...use].map(([pkg, u]) => `${pkg}[${u.commands.size > 6 ? `${u.commands.size} commands` : [...u.commands].join(',')}]`).join(' '),
      files: { fn: fnFile, floor: join(work, fn.name, 'floor.mjs'), unbundled, floorUnbundled, fnEnv: join(work, fn.name, 'handler-env.mjs'), floorEnv: join(work, fn.name, 'floor-env.mjs') },
      bytes: { fn: built.bytes, floor: floor.bytes, fnEnv: fnEnv.bytes, floorEnv: floorEnv.bytes },
      ms: { fn: [] as number[], floor: [] as number[], unbundled: [] as number[], floorUnbundled: [] as number[], fnEnv: [] as number[], floorEnv: [] as number[] },
    });
  }

  const emptyMs: number[] = [];
  const timed = rows.filter((row) => row.importError === undefined);
  for (let run = 0; run < RUNS; run++) {
    emptyMs.push(importMs(empty, env));
    for (const row of timed) {
      row.ms.fn.push(importMs(row.files.fn, env));
      row.ms.floor.push(importMs(row.files.floor, env));
      row.ms.unbundled.push(importMs(row.files.unbundled, env));
      row.ms.floorUnbundled.push(importMs(row.files.floorUnbundled, env));
      row.ms.fnEnv.push(importMs(row.files.fnEnv, env));
      row.ms.floorEnv.push(importMs(row.files.floorEnv, env));
    }
  }

  console.log(`node ${process.version}, ${RUNS} processes per figure (median), empty module ${median(emptyMs).toFixed(1)} ms`);
  for (const row of rows.filter((r) => r.importError !== undefined)) {
    console.log(
      `${row.name}: bundle ${kib(row.bytes.fn)} KiB | floor ${kib(row.bytes.floor)} KiB (${row.sdk}) | bytes ${(row.bytes.fn / row.bytes.floor).toFixed(3)}` +
        ` | not timed: its import fails here (${row.importError!.slice(0, 300)})`,
    );
  }
  const results = timed.map((row) => {
    const fnMs = median(row.ms.fn);
    const floorMs = median(row.ms.floor);
    const unbundledMs = median(row.ms.unbundled);
    // Side figures, steadier when the machine is busy: each run's fn/floor (taken back to back), and the fastest runs.
    const paired = median(row.ms.fn.map((ms, i) => ms / row.ms.floor[i]!));
    console.log(
      `${row.name}: bundle ${kib(row.bytes.fn)} KiB ${fnMs.toFixed(1)} ms | floor ${kib(row.bytes.floor)} KiB ${floorMs.toFixed(1)} ms (${row.sdk}) | unbundled ${unbundledMs.toFixed(1)} ms` +
        ` | fn/floor ${(fnMs / floorMs).toFixed(3)} bytes ${(row.bytes.fn / row.bytes.floor).toFixed(3)} unbundled/fn ${(unbundledMs / fnMs).toFixed(2)}`,
    );
    console.log(
      `  side: fn/floor per run ${paired.toFixed(3)}; fastest fn ${Math.min(...row.ms.fn).toFixed(1)} floor ${Math.min(...row.ms.floor).toFixed(1)} unbundled ${Math.min(...row.ms.unbundled).toFixed(1)} ms;` +
        ` SDK floor from node_modules ${median(row.ms.floorUnbundled).toFixed(1)} ms (${(median(row.ms.floorUnbundled) / floorMs).toFixed(2)}x its bundle)`,
    );
    console.log(
      `  below the stock floor (credentials from the environment, scripts/esbuild-plugins.cjs): fn ${kib(row.bytes.fnEnv)} KiB ${median(row.ms.fnEnv).toFixed(1)} ms,` +
        ` floor ${kib(row.bytes.floorEnv)} KiB ${median(row.ms.floorEnv).toFixed(1)} ms; fn/stock floor ${(median(row.ms.fnEnv) / floorMs).toFixed(3)} bytes ${(row.bytes.fnEnv / row.bytes.floor).toFixed(3)}`,
    );
    return { name: row.name, fnMs, floorMs, unbundledMs, bytes: row.bytes };
  });
  const worst = results.reduce((a, b) => (b.fnMs / b.floorMs > a.fnMs / a.floorMs ? b : a));
  const bundleRatio = Math.max(...rows.map((r) => r.bytes.fn / r.bytes.floor));
  const unbundledRatio = Math.min(...results.map((r) => r.unbundledMs / r.fnMs));
  const maxBundle = Math.max(...rows.map((r) => r.bytes.fn));
  console.log(
    `RESULT cold-import worst_fn=${worst.name} worst_ms=${worst.fnMs.toFixed(1)} worst_floor_ms=${worst.floorMs.toFixed(1)} overhead_ratio=${(worst.fnMs / worst.floorMs).toFixed(3)}` +
      ` max_bundle_kib=${kib(maxBundle)} bundle_ratio=${bundleRatio.toFixed(3)} unbundled_ratio=${unbundledRatio.toFixed(2)}`,
  );
} finally {
  standIn.stop();
  rmSync(work, { recursive: true, force: true });
}
