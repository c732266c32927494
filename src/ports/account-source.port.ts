/** One AWS account certflow looks into, with the regions to look at. */
export interface AccountRef {
  readonly accountId: string;
  readonly name?: string;
  readonly regions: readonly string[];
  /**
   * The role to assume to look into the account (a read-only discovery role); absent when
   * certflow's own credentials already reach it (the account certflow runs in).
   */
  readonly roleArn?: string;
  /** The ExternalId the role's trust policy requires. */
  readonly externalId?: string;
}

/**
 * Lists the accounts discovery covers (a static list, or an organization). A source that cannot
 * list fails on its own; discovery goes on with the others.
 */
export interface AccountSource {
  readonly name: string;
  listAccounts(): Promise<AccountRef[]>;
}
