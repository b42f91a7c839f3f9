import { ConfigError } from "@outpost/edge-kit/config";
import { describe, expect, it } from "vitest";
import { getRoomsConfig } from "./rooms.config";

describe("rooms configuration", () => {
  it("defaults the send budget and the retention when the vars are absent", () => {
    expect(getRoomsConfig({})).toEqual({ ROOM_SEND_BUDGET: 0, ROOM_RETENTION: 10_000 });
    expect(getRoomsConfig({ ROOM_SEND_BUDGET: "5000", ROOM_RETENTION: "100" })).toEqual({
      ROOM_SEND_BUDGET: 5_000,
      ROOM_RETENTION: 100,
    });
  });

  it("fails fast on a bad value, naming the variable (it used to fall back silently)", () => {
    expect(() => getRoomsConfig({ ROOM_SEND_BUDGET: "lots" })).toThrow(ConfigError);
    expect(() => getRoomsConfig({ ROOM_SEND_BUDGET: "-1" })).toThrow(/ROOM_SEND_BUDGET: must be a whole number/);
    expect(() => getRoomsConfig({ ROOM_RETENTION: "99" })).toThrow(/ROOM_RETENTION/);
  });
});
