// Which URLs the unfurl service may fetch: public http(s) hosts only — no credentials, odd ports or private addresses.

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const MAX_URL = 2_048;
/** Names that only mean something on a local network (RFC 6761, 6762, 8375 and common private suffixes). */
const BLOCKED_SUFFIXES = [
  ".localhost",
  ".localdomain",
  ".local",
  ".internal",
  ".intranet",
  ".lan",
  ".home",
  ".home.arpa",
  ".corp",
  ".private",
];

/**
 * IPv4 blocks that are not the public internet (IANA special-purpose registry, RFC 6890): [first address, prefix].
 * Broadcast (255.255.255.255) is inside 240.0.0.0/4.
 */
const PRIVATE_V4: readonly (readonly [string, number])[] = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the limited broadcast address
];

function ipv4Number(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const numbers = parts.map(Number);
  if (numbers.some((n) => n > 255)) return null;
  return numbers.reduce((sum, n) => sum * 256 + n, 0);
}

const V4_RANGES = PRIVATE_V4.map(([first, prefix]) => {
  const start = ipv4Number(first) ?? 0;
  return { start, end: start + 2 ** (32 - prefix) - 1 };
});

/** Whether the IPv4 address (as a 32-bit number) is in a private, local or special-purpose block. */
export function isPrivateIpv4(address: number): boolean {
  return V4_RANGES.some(({ start, end }) => address >= start && address <= end);
}

/** The eight 16-bit groups of an IPv6 address as the URL parser serialises it (hex, `::` for zeros), or null. */
function ipv6Groups(host: string): number[] | null {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  const halves = h.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * Only global unicast (2000::/3) may be fetched, less documentation (2001:db8::/32, 3fff::/20), IETF protocol
 * assignments (2001::/23, Teredo included) and 6to4 (2002::/16). IPv4-mapped addresses (::ffff:0:0/96) are judged
 * by the IPv4 address inside. Everything else is refused: loopback, unspecified, IPv4-compatible (deprecated), ULA
 * (fc00::/7), link-local (fe80::/10), multicast (ff00::/8), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), discard (100::/64).
 */
export function isPrivateIpv6(host: string): boolean {
  const g = ipv6Groups(host);
  if (!g) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return isPrivateIpv4(g6 * 65_536 + g7);
  }
  if (g0 < 0x2000 || g0 > 0x3fff) return true;
  if (g0 === 0x2001 && (g1 <= 0x01ff || g1 === 0x0db8)) return true;
  if (g0 === 0x2002) return true;
  return g0 === 0x3fff && g1 <= 0x0fff;
}

/**
 * @example
 * checkUrl("http://169.254.169.254/latest/meta-data"); // { ok: false, reason: "private address" }
 */
export function checkUrl(raw: string): UrlVerdict {
  if (raw.length > MAX_URL) return { ok: false, reason: "URL too long" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "only http and https" };
  if (url.username || url.password) return { ok: false, reason: "credentials in URL" };
  if (url.port && url.port !== "80" && url.port !== "443") return { ok: false, reason: "non-standard port" };
  // One trailing dot is the fully qualified form of the same name; an empty label anywhere else is refused below.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return isPrivateIpv6(host) ? { ok: false, reason: "private address" } : { ok: true, url };
  const v4 = ipv4Number(host);
  if (v4 !== null) return isPrivateIpv4(v4) ? { ok: false, reason: "private address" } : { ok: true, url };
  // Numeric forms browsers accept (0x7f.1, 2130706433) never reach here: URL normalises them to dotted IPv4.
  if (host === "localhost" || BLOCKED_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return { ok: false, reason: "private host name" };
  }
  if (!host.includes(".") || host.split(".").includes("")) return { ok: false, reason: "single-label host name" };
  return { ok: true, url };
}
