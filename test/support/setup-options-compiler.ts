import { useOptionsCompiler } from '../../src/config/adapter-settings.js';
import { createAjv } from '../../src/domain/schema/ajv.js';

// Kinds a test registers have no precompiled options validator: compile theirs, as ajv would at load.
const ajv = createAjv({ useDefaults: true, strict: false });
useOptionsCompiler((schema) => ajv.compile(schema));
