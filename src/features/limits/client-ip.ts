// The client's address as a rate-limit key: CF-Connecting-IP only, IPv6 aggregated to its /64.
import type { Context } from "hono";

/** Set by Cloudflare's edge, which overwrites any value the client sent. */
export const CLIENT_IP_HEADER = "CF-Connecting-IP";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** The four octets of a dotted-quad IPv4 address, or null. */
function ipv4Octets(text: string): number[] | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/** 16-bit groups of one side of `::`; a dotted IPv4 tail (two groups) only where the address ends. */
function hexGroups(part: string, endsAddress: boolean): number[] | null {
  if (part === "") return [];
  const pieces = part.split(":");
  const out: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    const octets = endsAddress && index === pieces.length - 1 ? ipv4Octets(piece) : null;
    if (octets) {
      const [a = 0, b = 0, c = 0, d = 0] = octets;
      out.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_GROUP.test(piece)) out.push(Number.parseInt(piece, 16));
    else return null;
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 address, or null. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = hexGroups(halves[0] ?? "", !compressed);
  const tail = compressed ? hexGroups(halves[1] ?? "", true) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array.from({ length: missing }, () => 0), ...tail];
}

/** RFC 5952 text for a /64 prefix: lower case, no leading zeros, the longest zero run as `::`. */
function formatPrefix64(groups: number[]): string {
  const words = [...groups.slice(0, 4), 0, 0, 0, 0];
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && words[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = (part: number[]) => part.map((word) => word.toString(16)).join(":");
  return `${hex(words.slice(0, best.start))}::${hex(words.slice(best.start + best.length))}/64`;
}

/**
 * The normalised client address: `203.0.113.7`, or the /64 of an IPv6 address (`2001:db8:1:2::/64`): one
 * subscriber usually holds a whole /64, so per-address limits there are evaded by rotating addresses.
 * IPv4-mapped IPv6 addresses count as their IPv4 address. Null when the value is missing or malformed.
 *
 * @example
 * normaliseClientIp("2001:DB8:1:2:aaaa::1"); // "2001:db8:1:2::/64"
 */
export function normaliseClientIp(header: string | null | undefined): string | null {
  const value = header?.trim() ?? "";
  if (value === "" || value.length > 64) return null;
  const v4 = ipv4Octets(value);
  if (v4) return v4.join(".");
  if (!value.includes(":")) return null;
  const groups = ipv6Groups(value);
  if (!groups) return null;
  const isV4Mapped = groups.slice(0, 5).every((word) => word === 0) && groups[5] === 0xffff;
  if (isV4Mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return formatPrefix64(groups);
}

/**
 * The rate-limit key of a `CF-Connecting-IP` value: `ip:<normalised address>`, or null. Never read
 * X-Forwarded-For for this: any client can set it (ASVS 5.0 4.1.3, 15.3.4).
 *
 * @example
 * clientIpKey("203.0.113.7"); // "ip:203.0.113.7"
 */
export function clientIpKey(header: string | null | undefined): string | null {
  const address = normaliseClientIp(header);
  return address ? `ip:${address}` : null;
}

/** The normalised address of the request's client (see `normaliseClientIp`), or null. */
export function clientIp(c: Context): string | null {
  return normaliseClientIp(c.req.header(CLIENT_IP_HEADER));
}
