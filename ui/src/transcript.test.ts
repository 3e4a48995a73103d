import { describe, expect, it } from "vitest";
import { Transcript, clock, pieces, runningTrend, storedTurns, timeline } from "./transcript";
import type { CallEvent } from "./bindings/CallEvent";

const partial = (id: number, text: string, start = 0): CallEvent => ({
  type: "partial", id, speaker: "caller", start_ms: start, end_ms: start + 500, text, latency_ms: 300,
});
const final = (id: number, text: string, findings: { type: any; sealed: boolean }[] = [], start = 0): CallEvent => ({
  type: "final", id, speaker: "caller", start_ms: start, end_ms: start + 900, text,
  sentiment: { label: "neutral", score: 0.1 }, findings, latency_ms: 1500,
});

describe("pieces", () => {
  it("turns tags into chips with the finding's sealed flag", () => {
    const p = pieces("card is [CREDIT_DEBIT_NUMBER], code [CREDIT_DEBIT_CVV].", [
      { type: "CREDIT_DEBIT_NUMBER", sealed: true },
      { type: "CREDIT_DEBIT_CVV", sealed: false },
    ]);
    expect(p).toEqual([
      { kind: "text", text: "card is " },
      { kind: "chip", type: "CREDIT_DEBIT_NUMBER", label: "CARD", sealed: true },
      { kind: "text", text: ", code " },
      { kind: "chip", type: "CREDIT_DEBIT_CVV", label: "CVV", sealed: false },
      { kind: "text", text: "." },
    ]);
  });
  it("leaves brackets that are not tags as text", () => {
    expect(pieces("see [note] here")).toEqual([{ kind: "text", text: "see [note] here" }]);
  });
  it("shows a partial's fail-closed mask as an unsealed chip", () => {
    expect(pieces("it is [NUMBER]")[1]).toMatchObject({ kind: "chip", label: "NUMBER", sealed: false });
  });
});

describe("Transcript", () => {
  it("replaces a partial in place with its final, and never the other way", () => {
    const t = new Transcript();
    t.apply(partial(1, "hello"));
    t.apply(partial(1, "hello there"));
    expect(t.turns).toHaveLength(1);
    expect(t.turns[0].partial).toBe(true);
    t.apply(final(1, "Hello there."));
    expect(t.turns[0]).toMatchObject({ partial: false, pieces: [{ kind: "text", text: "Hello there." }] });
    expect(t.apply(partial(1, "late"))).toBe(false);
    expect(t.turns[0].partial).toBe(false);
  });
  it("keeps turns in time order and drops discarded partials", () => {
    const t = new Transcript();
    t.apply(partial(2, "second", 5000));
    t.apply(partial(1, "first", 1000));
    expect(t.turns.map((x) => x.id)).toEqual([1, 2]);
    t.apply({ type: "discarded", id: 2 });
    expect(t.turns.map((x) => x.id)).toEqual([1]);
  });
  it("tracks the engine's degradation level", () => {
    const t = new Transcript();
    t.apply({ type: "degraded", level: "partials_paused", reason: "the CPU cannot keep up", lag_ms: 1800 });
    expect([t.level, t.lagMs]).toEqual(["partials_paused", 1800]);
  });
  it("keeps the checklist's latest state", () => {
    const t = new Transcript();
    const item = (state: string) => ({ id: "verify_identity", label: "Verify", weight: 3, state });
    expect(t.apply({ type: "checklist", id: 0, checklist: "standard", items: [item("open")], score: 0 })).toBe(true);
    t.apply({ type: "checklist", id: 4, checklist: "standard", items: [item("missed_order")], score: 0 });
    expect(t.checklist?.items[0].state).toBe("missed_order");
  });
  it("draws each speaker's scored finals on the timeline, in call order", () => {
    const t = new Transcript();
    const fin = (id: number, speaker: "caller" | "agent", start: number, score: number | null): CallEvent => ({
      type: "final", id, speaker, start_ms: start, end_ms: start + 500, text: "x", findings: [], latency_ms: 0,
      sentiment: { label: score === null ? "unscored" : "neutral", score },
    });
    t.apply(fin(1, "agent", 0, 0.5));
    t.apply(fin(2, "caller", 5_000, -0.25));
    t.apply(fin(3, "caller", 10_000, null));
    t.apply({ type: "partial", id: 4, speaker: "caller", start_ms: 12_000, end_ms: 12_500, text: "y", latency_ms: 0 });
    t.apply(fin(5, "caller", 20_000, -2));
    const line = timeline(t.turns);
    expect(line.agent).toEqual([{ x: 0, y: 0.5 }]);
    // The unscored final and the partial are not drawn; a score is kept within −1 … +1.
    expect(line.caller).toEqual([{ x: 0.25, y: -0.25 }, { x: 1, y: -1 }]);
  });
  it("keeps alerts newest first", () => {
    const t = new Transcript();
    t.apply({ type: "alert", id: 2, rule: "sensitive_input", category: "Sensitive input", severity: "info", speaker: "caller" });
    t.apply({ type: "alert", id: 5, rule: "sensitive_readback", category: "Read back", severity: "critical", speaker: "agent" });
    expect(t.alerts.map((a) => a.rule)).toEqual(["sensitive_readback", "sensitive_input"]);
  });
  it("lists suggested articles newest first, each once, and forgets a dismissed one", () => {
    const t = new Transcript();
    const s = (id: number, article_id: string) =>
      ({ type: "suggestion", id, article_id, title: article_id, heading: "h", snippet: "s", score: 0.5, trigger: null }) as const;
    expect(t.apply(s(1, "a.md"))).toBe(true);
    expect(t.apply(s(3, "b.md"))).toBe(true);
    expect(t.apply(s(5, "a.md"))).toBe(false);
    expect(t.suggestions.map((x) => x.article_id)).toEqual(["b.md", "a.md"]);
    t.dismiss("b.md");
    expect(t.suggestions.map((x) => x.article_id)).toEqual(["a.md"]);
  });
});

describe("helpers", () => {
  it("formats a clock", () => {
    expect(clock(0)).toBe("00:00");
    expect(clock(83_500)).toBe("01:23");
  });
  it("averages the recent finals only", () => {
    const t = new Transcript();
    t.apply(final(1, "a", [], 0));
    t.apply(partial(2, "b", 1000));
    expect(runningTrend(t.turns)).toBeCloseTo(0.1);
  });
  it("leaves unscored finals out of the mean", () => {
    const t = new Transcript();
    t.apply(final(1, "a", [], 0));
    t.apply({ ...final(2, "b", [], 1000), sentiment: { label: "unscored", score: null } } as CallEvent);
    expect(runningTrend(t.turns)).toBeCloseTo(0.1);
    const only = new Transcript();
    only.apply({ ...final(1, "a", [], 0), sentiment: { label: "unscored", score: null } } as CallEvent);
    expect(runningTrend(only.turns)).toBeUndefined();
  });
});

describe("stored turns", () => {
  it("render like live finals, chips from the stored findings", () => {
    const turns = storedTurns([
      {
        seq: 2,
        speaker: "caller",
        start_ms: 19_100,
        end_ms: 27_000,
        text: "Sure, the card number is [CREDIT_DEBIT_NUMBER]",
        sentiment: { label: "neutral", score: 0.1 },
        findings: [{ type: "CREDIT_DEBIT_NUMBER", sealed: true }],
      },
    ]);
    expect(turns).toHaveLength(1);
    expect(turns[0].partial).toBe(false);
    expect(turns[0].pieces).toEqual([
      { kind: "text", text: "Sure, the card number is " },
      { kind: "chip", type: "CREDIT_DEBIT_NUMBER", label: "CARD", sealed: true },
    ]);
  });
});
