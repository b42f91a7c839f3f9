// The client's address as a rate-limit key: CF-Connecting-IP only, IPv6 aggregated to its /64.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Expands an IPv6 address to its 8 groups, or null when it is not one. */
function ipv6Groups(address: string): string[] | null {
  if (!/^[0-9a-f:.]+$/i.test(address) || !address.includes(":")) return null;
  const [head = "", tail, extra] = address.split("::");
  if (extra !== undefined) return null;
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => "0"), ...right];
  return groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups.map((g) => g.toLowerCase().padStart(4, "0")) : null;
}

/**
 * `ip4:<address>` or `ip6:<first 64 bits>`, or null when the header is missing or malformed. Never reads
 * X-Forwarded-For, which any client can set (ASVS 5.0 4.1.3).
 *
 * @example
 * clientIpKey("2001:db8:1:2:aaaa::1"); // "ip6:2001:0db8:0001:0002"
 */
export function clientIpKey(header: string | null | undefined): string | null {
  const value = header?.trim();
  if (!value) return null;
  const v4 = IPV4.exec(value);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255) ? `ip4:${value}` : null;
  const groups = ipv6Groups(value);
  return groups ? `ip6:${groups.slice(0, 4).join(":")}` : null;
}
