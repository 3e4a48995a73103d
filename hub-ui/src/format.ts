// Pure helpers of the hub's pages: no DOM, tested with vitest.

/** One CSV cell: quoted when needed, and a cell a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return) is made text with a leading quote. */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV (CRLF line ends, as RFC 4180 says). */
export function csv(rows: (string | number | null | undefined)[][]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** Milliseconds as m:ss (h:mm:ss from an hour). */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** A stretch of a call's audio that is missing (from the summary's `audio_gaps.spans`). */
export interface GapSpan {
  speaker: string;
  kind: "lost" | "dropped";
  start_ms: number;
  end_ms: number;
}

/** Where audio is missing, in words: at most `max` places, then how many more. */
export function gapPlaces(spans: GapSpan[] | undefined, max = 5): string {
  if (!spans || spans.length === 0) return "";
  const length = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
  const one = (g: GapSpan) => `${g.speaker} at ${duration(g.start_ms)} (${length(g.end_ms - g.start_ms)} ${g.kind})`;
  const shown = spans.slice(0, max).map(one).join("; ");
  return spans.length > max ? `${shown}; ${spans.length - max} more` : shown;
}

const TRENDS: Record<string, string> = { UP: "improving ↗", DOWN: "worsening ↘", FLAT: "steady →" };

/** A trend in words. */
export function trendWord(t: string | null | undefined): string {
  return t ? (TRENDS[t] ?? t) : "–";
}

/** A score as +0.35 / -0.40. */
export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  return `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
}

/** A redacted text cut into plain parts and `[TYPE]` tags (shown as chips). */
export function parts(text: string): { text: string; tag: boolean }[] {
  const out: { text: string; tag: boolean }[] = [];
  const re = /\[([A-Z][A-Z_]*)\]/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), tag: false });
    out.push({ text: m[1], tag: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), tag: false });
  return out;
}

/** The filters of the calls page. */
export interface Filters {
  windowMs: number;
  team: string;
  agent: string;
  trend: string;
  sensitive: boolean;
  /** An alert category, whole ("" for any). */
  alert: string;
  /** The column the hub orders by (`started`, `duration`, `caller_sentiment`, `findings`). */
  sort?: string;
  /** `desc` (default) or `asc`. */
  order?: string;
}

/** The list API's query for `f` at `now`: every filter is applied by the hub, so paging and
 * counts hold. */
export function listQuery(f: Filters, now: number, cursor?: string, limit = 100): string {
  const q = new URLSearchParams({ limit: String(limit), from_ms: String(now - f.windowMs) });
  if (f.team) q.set("team", f.team);
  if (f.agent.trim()) q.set("agent", f.agent.trim());
  if (f.trend) q.set("caller_trend", f.trend);
  if (f.alert.trim()) q.set("alert", f.alert.trim());
  if (f.sensitive) q.set("had_sensitive", "true");
  if (f.sort && f.sort !== "started") q.set("sort", f.sort);
  if (f.order === "asc") q.set("order", "asc");
  if (cursor) q.set("cursor", cursor);
  return q.toString();
}

/** Where to go after sign-in: only a page of this app (`#/…`), never another site. */
export function safeNext(next: string | null): string {
  return next && /^#\/[a-z]+(\/[0-9a-f]{32})?$/.test(next) ? next : "#/calls";
}

/** What a single sign-on refusal code (`/?sso_error=…`) means, in plain words; an unknown code
 * gets a general message (the code is never shown: a crafted link cannot put words here). */
export function ssoMessage(code: string): string {
  const messages: Record<string, string> = {
    provider: "The sign-in service cannot be reached or answered wrongly. Try again; the emergency admin can still sign in with a password.",
    state: "That sign-in expired or was not started here. Start again.",
    denied: "The sign-in service did not sign you in.",
    token: "The sign-in service's answer did not verify. Try again.",
    name: "The sign-in service did not give a usable user name. Ask IT.",
    norole: "You are signed in at your organisation, but none of your groups gives you access to the hub. Ask IT.",
    ambiguous: "Your groups give more than one hub role, and the hub does not guess. Ask IT to keep one.",
    local: "That name is a local account of the hub: sign in with its password.",
  };
  return Object.prototype.hasOwnProperty.call(messages, code) ? messages[code] : "Single sign-on failed. Start again.";
}
