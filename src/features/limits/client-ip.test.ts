import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientIpKey, normaliseClientIp } from "./client-ip";

const hex = (groups: number[]) => groups.map((g) => g.toString(16)).join(":");

/** Ways to write one IPv6 address: padded, unpadded, upper case, and with a run of zeros as `::`. */
function spellings(groups: number[]): string[] {
  const out = [groups.map((g) => g.toString(16).padStart(4, "0")).join(":"), hex(groups), hex(groups).toUpperCase()];
  const start = groups.indexOf(0);
  if (start >= 0) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    out.push(`${hex(groups.slice(0, start))}::${hex(groups.slice(end))}`);
  }
  return out;
}

const isV4Mapped = (groups: number[]) => groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
const ipv6Arb = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .filter((groups) => !isV4Mapped(groups));

describe("clientIpKey", () => {
  it("keys IPv4 by address and IPv6 by /64, in one canonical spelling", () => {
    const cases: [string, string][] = [
      ["203.0.113.7", "ip:203.0.113.7"],
      [" 203.0.113.7 ", "ip:203.0.113.7"],
      ["2001:db8:1:2:aaaa::1", "ip:2001:db8:1:2::/64"],
      ["2001:DB8::1", "ip:2001:db8::/64"],
      ["2001:db8::192.0.2.1", "ip:2001:db8::/64"],
      ["::1", "ip:::/64"],
      ["fe80::1", "ip:fe80::/64"],
      ["0:0:1:0::1", "ip:0:0:1::/64"],
      ["::ffff:192.0.2.1", "ip:192.0.2.1"],
      ["::ffff:c000:201", "ip:192.0.2.1"],
    ];
    for (const [header, key] of cases) expect(clientIpKey(header), header).toBe(key);
  });

  it("refuses anything that is not one well-formed address", () => {
    for (const bad of [
      undefined,
      null,
      "",
      "unknown",
      "999.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "1.2.3.4, 5.6.7.8",
      "2001:db8::1::2",
      "x:y::z",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1::2:3:4:5:6:7:8",
      "1.2.3.4::",
      "12345::",
      ":1::2",
      "fe80::1%eth0",
      `${"1:".repeat(40)}1`,
    ]) {
      expect(normaliseClientIp(bad), String(bad)).toBeNull();
    }
  });

  it("gives every spelling of an IPv6 address the same key, and the same key exactly to addresses of one /64", () => {
    let runs = 0;
    fc.assert(
      fc.property(ipv6Arb, ipv6Arb, (a, b) => {
        runs++;
        const keys = new Set(spellings(a).map(clientIpKey));
        expect([...keys]).toEqual([clientIpKey(hex(a))]);
        const sameNetwork = a.slice(0, 4).join() === b.slice(0, 4).join();
        expect(clientIpKey(hex(a)) === clientIpKey(hex(b))).toBe(sameNetwork);
        const sameNetworkOtherHost = [...a.slice(0, 4), ...b.slice(4)];
        if (!isV4Mapped(sameNetworkOtherHost)) expect(clientIpKey(hex(sameNetworkOtherHost))).toBe(clientIpKey(hex(a)));
      }),
      { seed: 20_261_122, numRuns: 1_000 },
    );
    expect(runs).toBe(1_000);
  });
});
