import { Type, type Static } from '@sinclair/typebox';

export const optionsSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Folder that receives `<certificate id>/{cert,chain,fullchain,key}.pem`; relative to the config file.' }),
    reloadCommand: Type.Optional(
      Type.String({ minLength: 1, description: "Run by the shell after the files are in place (like certbot's --deploy-hook), with CERTFLOW_* paths in its environment." }),
    ),
    hookAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Tries of the reload command per delivery (default 3).' })),
    hookBackoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'Wait before the second try, doubled for each next (default 1000).' })),
    hookTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, description: 'A reload command running longer is killed and counts as failed (default 60).' })),
  },
  { additionalProperties: false },
);

export type DirectoryOptions = Static<typeof optionsSchema>;
