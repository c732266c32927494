import type { Clock } from '../../../ports/clock.port.js';
import { LocalCaIssuer } from './local-ca.issuer.js';
import { optionsSchema, type LocalCaOptions } from './local-ca.options.js';

export { LocalCaIssuer, type LocalCaDeps } from './local-ca.issuer.js';
export { optionsSchema, type LocalCaOptions } from './local-ca.options.js';

/** Registry descriptor of the embedded local CA: certflow's first issuer, reached only through the port. */
export const localCaIssuer = {
  kind: 'local-ca',
  needsPrivateKey: false,
  optionsSchema,
  create(deps: { readonly dataDir: string; readonly clock: Clock }, name: string, options: LocalCaOptions = {}): LocalCaIssuer {
    return new LocalCaIssuer(deps, name, options);
  },
} as const;
