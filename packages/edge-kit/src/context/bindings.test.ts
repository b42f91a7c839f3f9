import { describe, expect, it } from "vitest";
import { BindingUnavailableError, createBindingAccessor } from "./bindings";

interface FakeEnv {
  DB?: { name: string };
  CACHE?: { name: string } | null;
}

describe("createBindingAccessor", () => {
  it("returns a configured binding", () => {
    const bindings = createBindingAccessor<FakeEnv>(() => ({ DB: { name: "db" } }));
    expect(bindings.get("DB")).toEqual({ name: "db" });
    expect(bindings.has("DB")).toBe(true);
  });

  it("fails fast, naming the binding, when it is missing or null", () => {
    const bindings = createBindingAccessor<FakeEnv>(() => ({ CACHE: null }));
    expect(() => bindings.get("DB")).toThrow(BindingUnavailableError);
    expect(() => bindings.get("DB")).toThrow(/Binding DB is not configured/);
    expect(() => bindings.get("CACHE")).toThrow(/Binding CACHE/);
    expect(bindings.has("CACHE")).toBe(false);
  });

  it("fails fast when there is no environment at all, instead of returning an empty object", () => {
    const bindings = createBindingAccessor<FakeEnv>(() => undefined);
    expect(() => bindings.get("DB")).toThrow(/No Worker environment/);
    expect(bindings.has("DB")).toBe(false);
  });
});
