/** Partitions by region prefix; no SDK import, so account sources outside aws/ can use it. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The discovery role's ARN in an account, in the partition of the given region. */
export function roleArnFor(accountId: string, roleName: string, region: string | undefined): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}
