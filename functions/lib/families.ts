import { isAdapterFamily, type AdapterFamily } from '../../src/adapters/registries.js';
import { CertflowError, ErrorCodes } from '../../src/domain/errors/index.js';
import declared from './families.json' with { type: 'json' };

/**
 * The adapter families each function's code path uses, by handler file (functions/<name>.ts),
 * declared once in families.json because two readers need it: the handler builds only these
 * (buildAdapters gives the others stand-ins that fail with ADAPTER.FAMILY_NOT_BUILT), and
 * scripts/esbuild-plugins.cjs leaves the others' implementations out of the function's bundle.
 * The configuration is still validated for every family, so a bad one fails every cold start.
 *
 * - plan: sources and account sources (discovery), issuers (ACME renewal information). No key
 *   store: the planner's role cannot read secrets, and ACME asks renewalInfo without its account key.
 * - work-requests: key store, DNS providers (ACME DNS-01), issuers, destinations. No notifier: the
 *   notify function tells people from the events.
 * - notify: notifiers. request-intake, slack-interactivity (which reads the Slack settings itself)
 *   and the functions without configuration: none.
 */
export type FunctionName = keyof typeof declared;

export function familiesOf(fn: FunctionName): ReadonlySet<AdapterFamily> {
  const names: readonly string[] = declared[fn];
  return new Set(
    names.map((name) => {
      if (!isAdapterFamily(name)) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `functions/lib/families.json: ${fn} names no adapter family ${name}`, { context: { fn, name } });
      return name;
    }),
  );
}
