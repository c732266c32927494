/**
 * The adapter kinds Lambda handlers build from. One module, so a test can register a test-only
 * kind (e.g. an issuer that answers `pending` twice) with `vi.mock` and run the real handlers.
 */
export { registries } from '../../src/adapters/registries.js';
