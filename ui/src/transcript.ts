// The live call's state, built from the engine's events. Pure: no DOM, tested with vitest.
import type { CallEvent } from "./bindings/CallEvent";
import type { Speaker } from "./bindings/Speaker";
import type { SentimentView } from "./bindings/SentimentView";
import type { TurnView } from "./bindings/TurnView";

/** A piece of an utterance's text: plain text, or a redacted span shown as a chip. */
export type Piece =
  | { kind: "text"; text: string }
  | { kind: "chip"; type: string; label: string; sealed: boolean };

/** One turn of the transcript: a partial (may change) or a final (never changes). */
export interface Turn {
  id: number;
  speaker: Speaker;
  startMs: number;
  pieces: Piece[];
  partial: boolean;
  sentiment?: SentimentView;
}

/** Short chip labels for the finding types. */
const LABELS: Record<string, string> = {
  CREDIT_DEBIT_NUMBER: "CARD",
  CREDIT_DEBIT_CVV: "CVV",
  CREDIT_DEBIT_EXPIRY: "EXPIRY",
  SSN: "SSN",
  BANK_ACCOUNT_NUMBER: "ACCOUNT",
  BANK_ROUTING: "ROUTING",
  IBAN: "IBAN",
  PIN: "PIN",
  PHONE: "PHONE",
  EMAIL: "EMAIL",
  ADDRESS: "ADDRESS",
  NAME: "NAME",
  DATE_OF_BIRTH: "DOB",
  DTMF: "KEYPAD",
  NUMBER: "NUMBER",
};

const TAG = /\[([A-Z_]+)\]/g;

/**
 * Splits redacted text into text and chips. The i-th tag takes the i-th finding's sealed flag;
 * a tag without a finding (a partial's fail-closed mask) is unsealed.
 */
export function pieces(text: string, findings: { type: string; sealed: boolean }[] = []): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(TAG)) {
    const type = m[1];
    if (!(type in LABELS)) continue;
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: "text", text: text.slice(last, at) });
    const sealed = findings[n]?.sealed ?? false;
    n += 1;
    out.push({ kind: "chip", type, label: LABELS[type], sealed });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/** Formats milliseconds as mm:ss. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** The running mean of the finals' sentiment over the last `window` turns. */
export function runningTrend(turns: Turn[], window = 6): number | undefined {
  // Unscored finals have no score: they count in no mean.
  const scores = turns
    .filter((t) => !t.partial)
    .map((t) => t.sentiment?.score)
    .filter((s): s is number => typeof s === "number");
  if (scores.length === 0) return undefined;
  const recent = scores.slice(-window);
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

/** One speaker's scored finals as points of the sentiment timeline: x = start in the call
 * (0–1 of `spanMs`), y = score (−1 … +1). Partials and unscored finals are left out. */
export interface TimelinePoint {
  x: number;
  y: number;
}

/** The sentiment timeline of a call: each speaker's scored finals in call order. */
export function timeline(turns: Turn[]): { spanMs: number; caller: TimelinePoint[]; agent: TimelinePoint[] } {
  const scored = turns.filter((t) => !t.partial && typeof t.sentiment?.score === "number");
  const spanMs = Math.max(1, ...turns.map((t) => t.startMs));
  const of = (who: Speaker) =>
    scored
      .filter((t) => t.speaker === who)
      .sort((a, b) => a.startMs - b.startMs)
      .map((t) => ({ x: t.startMs / spanMs, y: Math.max(-1, Math.min(1, t.sentiment!.score as number)) }));
  return { spanMs, caller: of("caller"), agent: of("agent") };
}

/** A knowledge article suggested for what the caller said. */
export type Suggestion = Extract<CallEvent, { type: "suggestion" }>;

/** An alert raised during the call. */
export type Alert = Extract<CallEvent, { type: "alert" }>;

/** The compliance checklist's latest state. */
export type Checklist = Extract<CallEvent, { type: "checklist" }>;

/** The live call view's state. */
export class Transcript {
  /** Alerts, newest first. */
  alerts: Alert[] = [];
  turns: Turn[] = [];
  /** Suggested articles, newest first; the agent may hide one. */
  suggestions: Suggestion[] = [];
  level = "normal";
  levelReason = "";
  /** How far finals were behind at the last level change, ms. */
  lagMs = 0;
  ended?: Extract<CallEvent, { type: "call_end" }>;
  /** The checklist as it stands, when one applies. */
  checklist?: Checklist;
  /** The agent's Useful / Not useful marks, by article. */
  rated = new Map<string, boolean>();
  /** Audio the receiver lost so far (a SIPREC call), when it lost any. */
  gaps?: Extract<CallEvent, { type: "gaps" }>;

  /** Hides a suggested article for the rest of the call. */
  dismiss(articleId: string): void {
    this.suggestions = this.suggestions.filter((s) => s.article_id !== articleId);
  }

  /** Applies one event; returns whether the view must be redrawn. */
  apply(e: CallEvent): boolean {
    switch (e.type) {
      case "partial":
      case "final": {
        const turn: Turn = {
          id: e.id,
          speaker: e.speaker,
          startMs: e.start_ms,
          pieces: e.type === "final" ? pieces(e.text, e.findings) : pieces(e.text),
          partial: e.type === "partial",
          sentiment: e.type === "final" ? e.sentiment : undefined,
        };
        const i = this.turns.findIndex((t) => t.id === e.id);
        if (i >= 0) {
          // A final is never replaced by a late partial.
          if (!this.turns[i].partial && turn.partial) return false;
          this.turns[i] = turn;
        } else {
          this.turns.push(turn);
          this.turns.sort((a, b) => a.startMs - b.startMs || a.id - b.id);
        }
        return true;
      }
      case "discarded": {
        const before = this.turns.length;
        this.turns = this.turns.filter((t) => !(t.id === e.id && t.partial));
        return this.turns.length !== before;
      }
      case "degraded":
        this.level = e.level;
        this.levelReason = e.reason;
        this.lagMs = e.lag_ms;
        return true;
      case "alert":
        this.alerts.unshift(e);
        return true;
      case "suggestion":
        if (this.suggestions.some((s) => s.article_id === e.article_id)) return false;
        this.suggestions.unshift(e);
        return true;
      case "checklist":
        this.checklist = e;
        return true;
      case "gaps":
        this.gaps = e;
        return true;
      case "call_end":
        this.ended = e;
        return true;
    }
  }
}

/** The turns of a stored call, for the same rendering as a live one. */
export function storedTurns(turns: TurnView[]): Turn[] {
  return turns.map((t) => ({
    id: t.seq,
    speaker: t.speaker,
    startMs: t.start_ms,
    pieces: pieces(t.text, t.findings),
    partial: false,
    sentiment: t.sentiment,
  }));
}
