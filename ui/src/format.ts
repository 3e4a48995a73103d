// Formatting for History and Settings. Pure: no DOM, tested with vitest.
import type { UpdateStatus } from "./bindings/UpdateStatus";
import type { SecondPassReport } from "./bindings/SecondPassReport";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { CallSummary } from "./bindings/CallSummary";
import type { HistoryQuery } from "./bindings/HistoryQuery";
import type { TrendDirection } from "./bindings/TrendDirection";
import { clock } from "./transcript";

/** The note next to a managed setting, and on what the organisation's policy turns off. */
export const MANAGED = "Managed by your organisation";

/** Bytes as a short size: 77.7 MB. */
export function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/** A day and time in the agent's locale. */
export function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A day in the agent's locale. */
export function day(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { dateStyle: "medium" });
}

const WORDS: Record<TrendDirection, string> = { UP: "improving ↗", DOWN: "worsening ↘", FLAT: "steady →" };

/** The call's sentiment trend in words, with its first and last quarter: "improving ↗ (-0.40 → +0.35)". */
export function trendText(c: Pick<CallSummary, "trend" | "quarters">): string {
  if (!c.trend) return "–";
  const q = c.quarters.filter((x): x is number => x !== null);
  const span = q.length >= 2 ? ` (${signed(q[0])} → ${signed(q[q.length - 1])})` : "";
  return `${WORDS[c.trend]}${span}`;
}

function signed(v: number): string {
  return `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
}

/**
 * The call's length, or why it has none: a running process is still recording it, or it was
 * cut off (its process ended before the call did).
 */
export function lengthText(c: Pick<CallSummary, "duration_ms" | "recording">): string {
  if (c.duration_ms !== null) return clock(c.duration_ms);
  return c.recording ? "being recorded" : "did not end cleanly";
}

/** Why the agent cannot delete this call now, or `null` when they can. */
export function deleteBlocked(c: Pick<CallSummary, "recording">, allowDelete: boolean): string | null {
  if (!allowDelete) return `${MANAGED}: calls are kept until their retention ends`;
  if (c.recording) return "being recorded: it can be deleted once it has ended";
  return null;
}

/** The cells of a History row: started, source, length, turns, trend, kept until. */
export function summaryCells(c: CallSummary): string[] {
  return [
    when(c.started_at_ms),
    c.source,
    lengthText(c),
    String(c.utterances),
    trendText(c),
    day(c.expires_at_ms),
  ];
}

/**
 * The History query for the search box and the date fields (`YYYY-MM-DD`, local days; "to"
 * includes its whole day). Empty parts are left out.
 */
export function historyQuery(text: string, from: string, to: string): HistoryQuery {
  const local = (d: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : null;
  };
  const toDay = local(to);
  return {
    text: text.trim() === "" ? null : text.trim(),
    from_ms: local(from),
    to_ms: toDay === null ? null : toDay + 86_400_000,
  };
}

/** The status bar's words about syncing to the hub, and whether they are a warning (`null`: no hub). */
export function syncText(s: SyncStatus | null): { text: string; warning: boolean } | null {
  if (s === null) return null;
  const waiting = s.queued === 1 ? "1 summary waiting" : `${s.queued} summaries waiting`;
  const sent = s.last_success_ms === null ? "nothing sent yet" : `last sent ${when(s.last_success_ms)}`;
  const parts = [s.queued > 0 ? waiting : "all summaries sent", sent];
  if (s.dropped > 0) parts.push(`${s.dropped} not kept (outbox full)`);
  if (s.last_error !== null) parts.push(s.last_error);
  return { text: `hub: ${parts.join("; ")}`, warning: s.last_error !== null || s.dropped > 0 };
}

/** The status bar's words about updates, whether they are a warning, and whether the install
 * button shows (`null`: the policy turns updates off and nothing is shown). */
export function updateText(u: UpdateStatus): { text: string; warning: boolean; install: boolean } | null {
  switch (u.state) {
    case "off":
      return null;
    case "checking":
      return { text: "updates: checking…", warning: false, install: false };
    case "up_to_date":
      return { text: `updates: ${u.version} is the latest`, warning: false, install: false };
    case "ready":
      return { text: `update ${u.version} is ready: it installs when you choose, with no call on`, warning: false, install: true };
    case "refused":
      return { text: `update ${u.version} refused: ${u.reason}`, warning: true, install: false };
    case "failed":
      return { text: `updates: ${u.reason}`, warning: true, install: false };
    case "installing":
      return { text: `installing update ${u.version}…`, warning: false, install: false };
  }
}

/** The status line once a call's second pass is stored (its transcript decoded again). */
export function secondPassText(r: SecondPassReport): string {
  const n = r.utterances === 1 ? "1 utterance" : `${r.utterances} utterances`;
  return `Call ${r.call_id}: transcript redone with ${r.model} after the call (${n}, ${r.seconds.toFixed(1)} s)`;
}
