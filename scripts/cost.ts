/**
 * Monthly AWS cost of certflow for N managed certificates, from serverless.yml and a config.
 *
 *   npm run cost -- --certificates 1000 [--config certflow.yaml] [--pca general|short-lived|none] [--cas 1] [--kms-key]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { costModel, PRICES, type CostInputs } from './lib/cost-model.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const stack = readFileSync(join(import.meta.dirname, '..', 'serverless.yml'), 'utf8');
const memoryMb = Number(/^\s{2}memorySize:\s*(\d+)/m.exec(stack)?.[1] ?? 512);
const minutes = [...stack.matchAll(/^\s+(?:planRate|expiryRate|publishRate):\s*rate\((\d+) minutes?\)/gm)].map((m) => Number(m[1]));
const scheduledPerMonth = minutes.reduce((s, m) => s + (30 * 24 * 60) / m, 0);

let validityDays = 90;
let pcaMode: CostInputs['pcaMode'] = 'general';
const configPath = arg('config');
if (configPath && existsSync(configPath)) {
  const config = parse(readFileSync(configPath, 'utf8')) as { defaults?: { validityDays?: number }; issuers?: { kind: string; options?: { usageMode?: string } }[] };
  validityDays = config.defaults?.validityDays ?? validityDays;
  const pca = config.issuers?.find((i) => i.kind === 'aws-private-ca');
  pcaMode = !pca ? 'none' : pca.options?.usageMode === 'SHORT_LIVED_CERTIFICATE' ? 'short-lived' : 'general';
}
const pcaArg = arg('pca');
if (pcaArg === 'general' || pcaArg === 'short-lived' || pcaArg === 'none') pcaMode = pcaArg;
if (pcaMode === 'short-lived') validityDays = Math.min(validityDays, 7);
validityDays = Number(arg('validity-days') ?? validityDays);

const certificates = Number(arg('certificates') ?? 1_000);
if (!Number.isFinite(certificates) || certificates < 1) {
  console.error('usage: npm run cost -- --certificates N [--config FILE] [--pca general|short-lived|none] [--cas N] [--validity-days D] [--kms-key]');
  process.exit(2);
}
const inputs: CostInputs = { certificates, validityDays, pcaMode, cas: Number(arg('cas') ?? 1), memoryMb, scheduledPerMonth, customerManagedKey: args.includes('--kms-key') };
const { lines, total, issuances, dominant } = costModel(inputs);
const usd = (n: number) => `$${n.toFixed(2)}`;
console.log(`certflow on AWS, per month: ${certificates.toString()} certificates, ${validityDays.toString()}-day validity (${Math.round(issuances).toString()} issuances), Private CA ${pcaMode}, ${memoryMb.toString()} MB functions`);
console.log('');
console.log('| Item | USD/month | Basis |');
console.log('|---|---:|---|');
for (const l of lines) console.log(`| ${l.item} | ${usd(l.usd)} | ${l.basis} |`);
console.log(`| **Total** | **${usd(total)}** | |`);
console.log('');
console.log(`Dominant term: ${dominant.item} (${((dominant.usd / total) * 100).toFixed(0)}%).`);
console.log('');
console.log('Prices (list, us-east-1/eu-west-1; "verify": recalled, not re-read on the page):');
for (const [name, p] of Object.entries(PRICES)) console.log(`- ${name}: $${p.usd.toString()} per ${p.per}; ${p.source} (read ${p.read})${'verify' in p && p.verify ? ' [verify]' : ''}`);
console.log(`RESULT cost certificates=${certificates.toString()} usd_per_month=${total.toFixed(2)} dominant="${dominant.item}"`);
