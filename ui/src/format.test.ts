import { describe, expect, it } from "vitest";
import { deleteBlocked, historyQuery, secondPassText, size, summaryCells, syncText, trendText, updateText } from "./format";
import { actionFor, ariaKeys } from "./keys";
import { changes, editable, envNote, facts, fields, noChange } from "./settings";
import type { SettingsView } from "./bindings/SettingsView";
import type { CallSummary } from "./bindings/CallSummary";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("keyboard shortcuts", () => {
  it("maps Ctrl (or Cmd) + key to actions and leaves typing alone", () => {
    expect(actionFor(key("1", { ctrlKey: true }))).toBe("view-live");
    expect(actionFor(key("3", { metaKey: true }))).toBe("view-settings");
    expect(actionFor(key("e", { ctrlKey: true }))).toBe("stop");
    expect(actionFor(key("F1"))).toBe("help");
    expect(actionFor(key("e"))).toBeUndefined();
    expect(actionFor(key("e", { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(actionFor(key("c", { ctrlKey: true }))).toBeUndefined();
    expect(ariaKeys("listen")).toBe("Control+L");
  });
});

describe("History formatting", () => {
  const call: CallSummary = {
    id: 3,
    source: "/calls/a.wav (realtime)",
    started_at_ms: Date.UTC(2026, 10, 20, 14, 5),
    duration_ms: 126_000,
    utterances: 27,
    model: "tiny.en",
    trend: "UP",
    quarters: [-0.4, null, 0.1, 0.354],
    expires_at_ms: Date.UTC(2027, 1, 18),
    recording: false,
  };
  it("shows length, turns and the trend with its first and last quarter", () => {
    const cells = summaryCells(call);
    expect(cells[1]).toBe("/calls/a.wav (realtime)");
    expect(cells[2]).toBe("02:06");
    expect(cells[3]).toBe("27");
    expect(cells[4]).toBe("improving ↗ (-0.40 → +0.35)");
    expect(trendText({ trend: null, quarters: [null, null, null, null] })).toBe("–");
    expect(summaryCells({ ...call, duration_ms: null, recording: true })[2]).toBe("being recorded");
    expect(summaryCells({ ...call, duration_ms: null })[2]).toBe("did not end cleanly");
  });
  it("lets a call be deleted only when the policy allows it and nobody is recording it", () => {
    expect(deleteBlocked(call, true)).toBeNull();
    expect(deleteBlocked({ recording: true }, true)).toBe("being recorded: it can be deleted once it has ended");
    expect(deleteBlocked(call, false)).toContain("calls are kept until their retention ends");
    expect(deleteBlocked({ recording: true }, false)).toContain("calls are kept until their retention ends");
  });
  it("turns the search fields into a query over local days, 'to' inclusive", () => {
    expect(historyQuery("  card  ", "", "")).toEqual({ text: "card", from_ms: null, to_ms: null });
    const q = historyQuery("", "2026-11-20", "2026-11-21");
    expect(q.text).toBeNull();
    expect(q.from_ms).toBe(new Date(2026, 10, 20).getTime());
    expect(q.to_ms).toBe(new Date(2026, 10, 22).getTime());
    expect(historyQuery("", "garbage", "").from_ms).toBeNull();
  });
  it("prints sizes", () => {
    expect(size(77_704_715)).toBe("77.7 MB");
    expect(size(147_951_465)).toBe("148.0 MB");
    expect(size(2_000)).toBe("2 kB");
  });
});

describe("Settings form", () => {
  const view: SettingsView = {
    model: "tiny.en",
    models: [
      { name: "tiny.en", size_bytes: 77_704_715, installed: true },
      { name: "base", size_bytes: 147_951_465, installed: false },
    ],
    caller_channel: "left",
    mic_device: "gone-headset",
    loopback_device: null,
    devices: [
      { name: "alsa_input.usb", description: "USB headset", role: "mic", default: true },
      { name: "out.monitor", description: "Speakers", role: "loopback", default: true },
    ],
    devices_error: null,
    managed: ["model", "retention_days"],
    policy_file: "/etc/earshot/policy.toml",
    retention_days: 30,
    allow_delete: true,
    siprec_listen: ["udp:0.0.0.0:5060"],
    siprec_allow: [],
    siprec_agents: ["1???"],
    knowledge_dir: "/etc/earshot/knowledge",
    suggestion_threshold: 0.35,
    assist_rules: null,
    queue: null,
    queues: ["billing", "cards"],
    environment: { assist_rules: "EARSHOT_ASSIST_RULES" },
  };
  it("marks managed settings read-only and uninstalled models unavailable", () => {
    const f = fields(view);
    const model = f.find((x) => x.key === "model")!;
    expect(model.managed).toBe(true);
    expect(model.options.map((o) => [o.label, o.disabled])).toEqual([
      ["tiny.en – 77.7 MB", false],
      ["base – 148.0 MB (not installed)", true],
    ]);
    expect(f.find((x) => x.key === "caller_channel")!.managed).toBe(false);
    expect(facts(view)[0]).toEqual({ label: "Calls kept", value: "30 days", managed: true });
    expect(facts(view).find((f) => f.label === "SIPREC accepted from")!.value).toContain("this machine only");
  });
  it("shows the assist keys as fields, read-only where the environment sets them", () => {
    const f = fields(view);
    const kb = f.find((x) => x.key === "knowledge_dir")!;
    expect([kb.kind, kb.value, editable(kb)]).toEqual(["text", "/etc/earshot/knowledge", true]);
    expect(f.find((x) => x.key === "suggestion_threshold")!.value).toBe("35");
    const rules = f.find((x) => x.key === "assist_rules")!;
    expect([rules.value, rules.env, editable(rules)]).toEqual(["", "EARSHOT_ASSIST_RULES", false]);
    expect(envNote(rules.env!)).toBe("Set by EARSHOT_ASSIST_RULES for this run");
    const queue = f.find((x) => x.key === "queue")!;
    expect(queue.options.map((o) => o.value)).toEqual(["billing", "cards"]);
    expect(queue.placeholder).toContain("default checklist");
  });
  it("sends only what changed and is editable, and refuses a percentage that is not one", () => {
    const same = Object.fromEntries(fields(view).map((f) => [f.key, f.value]));
    expect(changes(view, same)).toEqual(noChange());
    const update = changes(view, {
      ...same,
      knowledge_dir: " /srv/kb ",
      suggestion_threshold: "42",
      queue: "cards",
      caller_channel: "right",
      // Managed (model) and set by the environment (assist_rules): not sent.
      model: "base",
      assist_rules: "/tmp/other.toml",
    });
    expect(update).toEqual({
      ...noChange(),
      knowledge_dir: "/srv/kb",
      suggestion_threshold: 0.42,
      queue: "cards",
      caller_channel: "right",
    });
    // Emptied: "none".
    expect(changes(view, { ...same, knowledge_dir: "" }).knowledge_dir).toBe("");
    for (const bad of ["", "abc", "101", "-1"]) {
      expect(() => changes(view, { ...same, suggestion_threshold: bad })).toThrow("from 0 to 100");
    }
  });
  it("lists devices by role and keeps a saved device that is not connected", () => {
    const mic = fields(view).find((x) => x.key === "mic_device")!;
    expect(mic.options.map((o) => o.value)).toEqual(["", "alsa_input.usb", "gone-headset"]);
    expect(mic.options[1].label).toBe("USB headset (alsa_input.usb) – default");
    expect(mic.options[2].label).toContain("not connected");
    const loop = fields(view).find((x) => x.key === "loopback_device")!;
    expect(loop.value).toBe("");
    expect(loop.options.map((o) => o.value)).toEqual(["", "out.monitor"]);
  });
});

describe("sync state in the status bar", () => {
  const base = { hub: "https://hub:8443", queued: 0, dropped: 0, last_success_ms: null, last_error: null };
  it("says nothing without a hub", () => {
    expect(syncText(null)).toBeNull();
  });
  it("says what waits and what failed, in plain words, as a warning", () => {
    const s = syncText({ ...base, queued: 2, last_error: "cannot reach the hub: connection refused" });
    expect(s?.text).toBe("hub: 2 summaries waiting; nothing sent yet; cannot reach the hub: connection refused");
    expect(s?.warning).toBe(true);
  });
  it("is quiet when everything was sent", () => {
    const s = syncText({ ...base, last_success_ms: Date.UTC(2026, 10, 30, 9, 0) });
    expect(s?.text).toMatch(/^hub: all summaries sent; last sent /);
    expect(s?.warning).toBe(false);
  });
  it("warns about summaries the full outbox did not keep", () => {
    const s = syncText({ ...base, queued: 1, dropped: 3 });
    expect(s?.text).toBe("hub: 1 summary waiting; nothing sent yet; 3 not kept (outbox full)");
    expect(s?.warning).toBe(true);
  });
});

describe("second pass", () => {
  it("says which call was redone, with what, and how long it took", () => {
    expect(secondPassText({ call_id: 7, model: "base", utterances: 12, seconds: 6.42 })).toBe(
      "Call 7: transcript redone with base after the call (12 utterances, 6.4 s)",
    );
    expect(secondPassText({ call_id: 8, model: "base", utterances: 1, seconds: 0.5 })).toContain("(1 utterance, 0.5 s)");
  });
});

describe("updateText", () => {
  it("shows nothing when the policy turns updates off", () => {
    expect(updateText({ state: "off" })).toBeNull();
  });
  it("offers the install only for a verified release", () => {
    const ready = updateText({ state: "ready", version: "1.4.0" });
    expect(ready).toEqual({ text: expect.stringContaining("update 1.4.0 is ready"), warning: false, install: true });
    for (const u of [
      { state: "checking" } as const,
      { state: "up_to_date", version: "1.3.0" } as const,
      { state: "installing", version: "1.4.0" } as const,
    ]) {
      expect(updateText(u)?.install).toBe(false);
      expect(updateText(u)?.warning).toBe(false);
    }
  });
  it("warns, without an install, when a release is refused or the server fails", () => {
    const refused = updateText({ state: "refused", version: "9.9.9", reason: "not signed by the organisation's update key" });
    expect(refused).toEqual({ text: "update 9.9.9 refused: not signed by the organisation's update key", warning: true, install: false });
    expect(updateText({ state: "failed", reason: "connection refused" })).toEqual({
      text: "updates: connection refused",
      warning: true,
      install: false,
    });
  });
});
