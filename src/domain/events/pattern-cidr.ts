import { BlockList, isIP } from 'node:net';

/**
 * EventBridge `cidr` matching (IPv4 and IPv6): a string value that is an IP address inside the
 * block. node:net's BlockList does the address arithmetic (no I/O); a value that is not an IP
 * address, or of the other family, never matches.
 */
export function compileCidr(cidr: unknown): { readonly test: (value: string) => boolean } | { readonly problem: string } {
  if (typeof cidr !== 'string') return { problem: '"cidr" takes a string such as "10.0.0.0/24" or "2001:db8::/32"' };
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const family = match ? isIP(match[1] as string) : 0;
  const bits = match ? Number(match[2]) : NaN;
  if (!match || family === 0 || bits > (family === 4 ? 32 : 128)) {
    return { problem: `"cidr" needs an IPv4 or IPv6 block with a prefix length, got ${JSON.stringify(cidr.slice(0, 64))}` };
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(match[1] as string, bits, type);
  return { test: (value) => isIP(value) === family && block.check(value, type) };
}
