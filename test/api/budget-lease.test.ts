// The lease rules of api/src/limits/budget-lease.ts on the in-process store and a clock the
// test moves: how big a lease is asked for, and that waiting requests share one ask.
import { describe, expect, it } from "vitest";
import { createBudgetLeases } from "../../api/src/limits/budget-lease.ts";
import { memoryBudgetStore, type BudgetStore } from "../../api/src/limits/budget-store.ts";

function setup(windowMs = 60_000) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const inner = memoryBudgetStore(windowMs, clock.now);
  const asks: number[] = [];
  const store: BudgetStore = { take: (key, want, limit) => (asks.push(want), inner.take(key, want, limit)) };
  return { clock, asks, leases: createBudgetLeases(store, clock.now) };
}

describe("budget leases", () => {
  it("twenty requests arriving together make two store calls: one hit for the first, one lease for the rest", async () => {
    const { asks, leases } = setup();
    const admissions = await Promise.all(Array.from({ length: 20 }, () => leases.admit("api:biz", 3000, 30)));
    expect(admissions.every((a) => a.allowed)).toBe(true);
    expect(asks).toEqual([1, 20]);
    expect(admissions.map((a) => a.remaining)).toEqual(Array.from({ length: 20 }, (_, i) => 3000 - 1 - i));
  });

  it("a bucket with a request a second asks for one hit each time, as without leases", async () => {
    const { clock, asks, leases } = setup();
    for (let i = 0; i < 5; i++) {
      expect((await leases.admit("api:biz", 3000, 30)).allowed).toBe(true);
      clock.advance(1000);
    }
    expect(asks).toEqual([1, 1, 1, 1, 1]);
  });

  it("a lease never exceeds the bucket's cap, and a cap of 1 counts every request", async () => {
    const { asks, leases } = setup();
    await Promise.all(Array.from({ length: 100 }, () => leases.admit("api:biz", 3000, 30)));
    expect(Math.max(...asks)).toBe(30);
    const exact = setup();
    await Promise.all(Array.from({ length: 10 }, () => exact.leases.admit("auth:1.2.3.4", 20, 1)));
    expect(exact.asks).toEqual(Array.from({ length: 10 }, () => 1));
  });

  it("a used-up window is refused without asking the store again until it ends", async () => {
    const { clock, asks, leases } = setup(10_000);
    for (let i = 0; i < 3; i++) await leases.admit("api:biz", 3, 1);
    const refused = await leases.admit("api:biz", 3, 1);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    const calls = asks.length;
    clock.advance(5_000);
    expect((await leases.admit("api:biz", 3, 1)).allowed).toBe(false);
    expect(asks.length).toBe(calls);
    clock.advance(5_000);
    expect(await leases.admit("api:biz", 3, 1)).toMatchObject({ allowed: true, remaining: 2, resetInMs: 10_000 });
  });
});
