/**
 * SDK clients, built once per cold start (or CLI process) and shared. Every adapter asks here
 * instead of constructing its own, so one region's DynamoDB client serves the state store and
 * any other adapter that needs it, and tests replace clients in one place.
 */

/** Who the client acts as: the runtime's own credentials, or a role assumed into another account. */
export interface AwsClientScope {
  /** Default: the runtime's region (AWS_REGION). */
  readonly region?: string;
  /** Credentials (or a provider of them) for another identity, e.g. from STS AssumeRole. */
  readonly credentials?: unknown;
  /** Distinguishes cached clients built with different `credentials` (e.g. the role ARN). */
  readonly identity?: string;
  /** Client configuration for this scope only, e.g. `{ retryMode: 'adaptive' }` for discovery clients. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface AwsClientFactory {
  /** The one client of this class for this scope, built on first use. */
  client<C>(ctor: new (config: Record<string, unknown>) => C, scope?: AwsClientScope): C;
}

export interface AwsClientFactoryOptions {
  /** Default region when a scope names none (the CLI's `--region`). */
  readonly region?: string;
  /** Extra client configuration for every client, e.g. `maxAttempts`. Endpoints come from AWS_ENDPOINT_URL. */
  readonly clientConfig?: Readonly<Record<string, unknown>>;
}

export function awsClientFactory(options: AwsClientFactoryOptions = {}): AwsClientFactory {
  const built = new Map<string, unknown>();
  return {
    client<C>(ctor: new (config: Record<string, unknown>) => C, scope: AwsClientScope = {}): C {
      const region = scope.region ?? options.region;
      const key = `${ctor.name}|${region ?? ''}|${scope.identity ?? ''}|${scope.config ? JSON.stringify(scope.config) : ''}`;
      let client = built.get(key) as C | undefined;
      if (!client) {
        client = new ctor({
          ...options.clientConfig,
          ...scope.config,
          ...(region ? { region } : {}),
          ...(scope.credentials ? { credentials: scope.credentials } : {}),
        });
        built.set(key, client);
      }
      return client;
    },
  };
}
