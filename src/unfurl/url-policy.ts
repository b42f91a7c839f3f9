// Which URLs the unfurl service may fetch: public http(s) hosts only — no credentials, odd ports or private addresses.

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const MAX_URL = 2_048;
const BLOCKED_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp", ".private"];

function ipv4Parts(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const numbers = parts.map(Number);
  return numbers.every((n) => n <= 255) ? numbers : null;
}

/** Loopback, private, link-local (cloud metadata), CGNAT, benchmark, multicast, reserved and unspecified. */
function isPrivateIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIpv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped or -compatible: judge the embedded IPv4 address (URL normalises it to hex groups).
  const mapped = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? "0", 16);
    const low = Number.parseInt(mapped[2] ?? "0", 16);
    return isPrivateIpv4([high >> 8, high & 255, low >> 8, low & 255]);
  }
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) return isPrivateIpv4(ipv4Parts(dotted[1] ?? "") ?? [0]);
  return (
    /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(h) ||
    h.startsWith("64:ff9b:") ||
    h.startsWith("100:") ||
    h.startsWith("2001:db8")
  );
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
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return isPrivateIpv6(host) ? { ok: false, reason: "private address" } : { ok: true, url };
  const v4 = ipv4Parts(host);
  if (v4) return isPrivateIpv4(v4) ? { ok: false, reason: "private address" } : { ok: true, url };
  // Numeric forms browsers accept (0x7f.1, 2130706433) never reach here: URL normalises them to dotted IPv4.
  if (host === "localhost" || BLOCKED_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return { ok: false, reason: "private host name" };
  }
  if (!host.includes(".")) return { ok: false, reason: "single-label host name" };
  return { ok: true, url };
}
