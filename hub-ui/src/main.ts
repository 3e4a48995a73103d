import "./style.css";
// The hub's pages: sign-in (password, then a TOTP code), calls, call detail, live board.
// Every text reaches the page through textContent or attributes: never innerHTML.
import { csv, duration, listQuery, parts, safeNext, signed, trendWord, type Filters } from "./format";

interface Me { name: string; role: string; teams: string[]; csrf: string }
interface Item {
  summary_id: string; agent: string; team: string; started_at_ms: number; duration_ms: number;
  caller_sentiment: number | null; caller_trend: string; findings: number;
}
interface Page { items: Item[]; next_cursor: string | null }
interface Beat { agent: string; team: string; at_ms: number; on_call: boolean; duration_ms: number; caller_trend: string | null; alerts: string[] }

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const VIEWS = ["signin", "calls", "call", "live"];
let me: Me | null = null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function say(id: string, text: string | null) {
  const p = $(id);
  p.hidden = text === null;
  p.textContent = text ?? "";
}

class HttpError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && me) headers["x-csrf-token"] = me.csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (r.status === 204) return undefined as T;
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new HttpError(r.status, (data as { error?: string }).error ?? `HTTP ${r.status}`);
  return data as T;
}

function show(view: string) {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
  say("error", null);
}

// ---- Sign-in ----------------------------------------------------------------------------
let pending = "";
$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const step = await api<{ pending: string; setup: { secret: string; uri: string; qr_svg: string } | null }>(
      "POST", "/web/login", { name: $<HTMLInputElement>("signin-name").value, password: $<HTMLInputElement>("signin-password").value });
    pending = step.pending;
    $<HTMLInputElement>("signin-password").value = "";
    $("signin-form").hidden = true;
    $("totp-form").hidden = false;
    $("totp-setup").hidden = step.setup === null;
    if (step.setup) {
      $<HTMLImageElement>("totp-qr").src = `data:image/svg+xml;base64,${btoa(step.setup.qr_svg)}`;
      $("totp-secret").textContent = step.setup.secret;
    }
    say("signin-error", null);
    $("totp-code").focus();
  } catch (e) {
    say("signin-error", String((e as Error).message));
  }
});
$("totp-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    me = await api<Me>("POST", "/web/totp", { pending, code: $<HTMLInputElement>("totp-code").value });
    $<HTMLInputElement>("totp-code").value = "";
    signedIn();
    location.hash = safeNext(sessionStorage.getItem("next"));
    sessionStorage.removeItem("next");
    void route();
  } catch (e) {
    say("signin-error", String((e as Error).message));
    if ((e as HttpError).status === 401 && String((e as Error).message).includes("expired")) resetSignin();
  }
});

function resetSignin() {
  $("signin-form").hidden = false;
  $("totp-form").hidden = true;
  pending = "";
}

function signedIn() {
  if (!me) return;
  $("nav").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = `${me.name} (${me.role})`;
  $("nav-live").hidden = me.role !== "supervisor";
  const team = $<HTMLSelectElement>("f-team");
  team.replaceChildren(el("option", undefined, "all my teams"));
  (team.firstChild as HTMLOptionElement).value = "";
  for (const t of me.teams) {
    const o = el("option", undefined, t);
    o.value = t;
    team.append(o);
  }
}

$("logout").addEventListener("click", async () => {
  await api("POST", "/web/logout").catch(() => undefined);
  me = null;
  location.hash = "#/signin";
  location.reload();
});

// ---- Calls ------------------------------------------------------------------------------
let cursor: string | null = null;
let shown: Item[] = [];

function filters(): Filters {
  return {
    windowMs: Number($<HTMLSelectElement>("f-window").value),
    team: $<HTMLSelectElement>("f-team").value,
    agent: $<HTMLInputElement>("f-agent").value,
    trend: $<HTMLSelectElement>("f-trend").value,
    sensitive: $<HTMLInputElement>("f-sensitive").checked,
  };
}

function callRow(c: Item): HTMLTableRowElement {
  const tr = el("tr");
  const open = el("a", undefined, "Open");
  open.href = `#/call/${c.summary_id}`;
  const cells = [
    new Date(c.started_at_ms).toLocaleString(),
    c.agent,
    c.team,
    duration(c.duration_ms),
    `${signed(c.caller_sentiment)} ${trendWord(c.caller_trend)}`,
    c.findings > 0 ? `yes (${c.findings})` : "no",
  ];
  for (const text of cells) tr.append(el("td", undefined, text));
  const td = el("td");
  td.append(open);
  tr.append(td);
  return tr;
}

async function loadCalls(more = false) {
  const f = filters();
  if (!more) { shown = []; cursor = null; $("calls-body").replaceChildren(); }
  const page = await api<Page>("GET", `/v1/summaries?${listQuery(f, Date.now(), cursor ?? undefined)}`);
  const items = page.items.filter((c) => !f.trend || c.caller_trend === f.trend);
  shown.push(...items);
  $("calls-body").append(...items.map(callRow));
  cursor = page.next_cursor;
  $("calls-more").hidden = cursor === null;
  $("calls-count").textContent = `${shown.length} call${shown.length === 1 ? "" : "s"}`;
}

$("filters").addEventListener("submit", (ev) => { ev.preventDefault(); void loadCalls().catch(fail); });
$("calls-more").addEventListener("click", () => void loadCalls(true).catch(fail));
$("export").addEventListener("click", () => {
  const rows = [["summary_id", "started", "agent", "team", "duration_s", "caller_sentiment", "caller_trend", "sensitive_findings"]];
  for (const c of shown) {
    rows.push([c.summary_id, new Date(c.started_at_ms).toISOString(), c.agent, c.team, String(Math.round(c.duration_ms / 1000)),
      c.caller_sentiment === null ? "" : String(c.caller_sentiment), c.caller_trend, String(c.findings)]);
  }
  const a = el("a");
  a.href = URL.createObjectURL(new Blob([csv(rows)], { type: "text/csv" }));
  a.download = "earshot-calls.csv";
  document.body.append(a);
  a.click();
  a.remove();
});

// ---- Call detail ------------------------------------------------------------------------
interface SpeakerFigures { turns: number; talk_ms: number; sentiment_mean: number | null; sentiment_quarters: (number | null)[]; sentiment_trend: string }
interface Summary {
  agent: string | null; source: string; started_at_ms: number; duration_ms: number;
  speakers: { caller: SpeakerFigures; agent: SpeakerFigures; unknown?: SpeakerFigures };
  silence_ratio: number; overtalk_ratio: number; findings: Record<string, number>; keypad_entries: number;
  audio_gaps?: { lost_packets: number; concealed_ms: number; filled_ms: number; dropped_ms: number };
  key_phrases: string[]; key_turns: { speaker: string; start_ms: number; text: string }[]; key_turn_method: string;
  engines: { earshot: string; asr_model: string; sentiment: string | null };
}

function section(title: string, ...children: Node[]): HTMLElement {
  const s = el("section", "card");
  s.append(el("h2", undefined, title), ...children);
  return s;
}

function facts(pairs: [string, string][]): HTMLDListElement {
  const dl = el("dl");
  for (const [k, v] of pairs) dl.append(el("dt", undefined, k), el("dd", undefined, v));
  return dl;
}

function bar(label: string, share: number, cls: string): HTMLElement {
  const row = el("div", "bar-row");
  const track = el("div", "bar-track");
  const fill = el("div", `bar-fill ${cls}`);
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
  track.append(fill);
  row.append(el("span", "bar-label", label), track, el("span", "bar-value", `${Math.round(share * 100)} %`));
  return row;
}

/** Sentiment per quarter per speaker as an SVG line chart (−1 … +1). */
function chart(s: Summary): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 400 160");
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Sentiment per quarter of the call, caller and agent");
  const y = (v: number) => 80 - v * 70;
  const zero = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", "20"], ["x2", "380"], ["y1", "80"], ["y2", "80"], ["class", "axis"]]) zero.setAttribute(k, v);
  svg.append(zero);
  for (const [who, cls] of [["caller", "caller"], ["agent", "agent"]] as const) {
    const q = s.speakers[who].sentiment_quarters;
    const pts = q.map((v, i) => (v === null ? null : `${60 + i * 90},${y(v)}`)).filter((p): p is string => p !== null);
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", pts.join(" "));
    line.setAttribute("class", `line ${cls}`);
    svg.append(line);
  }
  for (let i = 0; i < 4; i++) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", String(60 + i * 90));
    t.setAttribute("y", "156");
    t.setAttribute("text-anchor", "middle");
    t.textContent = `Q${i + 1}`;
    svg.append(t);
  }
  return svg;
}

function turnText(text: string): HTMLElement {
  const p = el("p", "turn-text");
  for (const part of parts(text)) p.append(part.tag ? el("span", "chip", part.text.replace(/_/g, " ").toLowerCase()) : document.createTextNode(part.text));
  return p;
}

async function loadCall(id: string) {
  const d = await api<{ summary: Summary } & Item>("GET", `/v1/summaries/${id}`);
  const s = d.summary;
  $("call-title").textContent = `Call of ${d.agent}, ${new Date(d.started_at_ms).toLocaleString()}`;
  const total = Math.max(1, s.duration_ms);
  const quarters = el("table", "quarters");
  const head = el("tr");
  for (const h of ["", "Q1", "Q2", "Q3", "Q4", "mean", "trend"]) head.append(el("th", undefined, h));
  quarters.append(head);
  for (const who of ["caller", "agent"] as const) {
    const f = s.speakers[who];
    const tr = el("tr");
    tr.append(el("th", undefined, who), ...f.sentiment_quarters.map((q) => el("td", undefined, signed(q))),
      el("td", undefined, signed(f.sentiment_mean)), el("td", undefined, trendWord(f.sentiment_trend)));
    quarters.append(tr);
  }
  const findings = el("ul", "findings");
  const kinds = Object.entries(s.findings);
  for (const [k, n] of kinds) findings.append(el("li", undefined, `${k.replace(/_/g, " ").toLowerCase()}: ${n}`));
  if (kinds.length === 0) findings.append(el("li", undefined, "none"));
  const phrases = el("ul", "phrases");
  for (const p of s.key_phrases) phrases.append(el("li", "phrase", p));
  const turns = el("ol", "turns");
  for (const t of s.key_turns) {
    const li = el("li", `turn ${t.speaker}`);
    li.append(el("span", "who", `${t.speaker} at ${duration(t.start_ms)}`), turnText(t.text));
    turns.append(li);
  }
  const gaps = s.audio_gaps;
  $("call-detail").replaceChildren(
    section("Call", facts([
      ["Agent", d.agent], ["Team", d.team], ["Source", s.source], ["Started", new Date(s.started_at_ms).toLocaleString()],
      ["Duration", duration(s.duration_ms)], ["Keypad entries", String(s.keypad_entries)],
      ["Audio gaps", gaps ? `${gaps.lost_packets} packets lost (${gaps.concealed_ms} ms concealed), ${gaps.filled_ms} ms silent on the wire, ${gaps.dropped_ms} ms dropped` : "not counted for this source"],
      ["Engines", `Earshot ${s.engines.earshot}, ${s.engines.asr_model}, sentiment ${s.engines.sentiment ?? "–"}`],
    ])),
    section("Sentiment", chart(s), quarters),
    section("Talk time", bar("caller", s.speakers.caller.talk_ms / total, "caller"), bar("agent", s.speakers.agent.talk_ms / total, "agent"),
      bar("silence", s.silence_ratio, "silence"), bar("overtalk", s.overtalk_ratio, "overtalk")),
    section("Sensitive input (counts by type; values never leave the workstation)", findings),
    section("Key phrases", phrases),
    section(`Key turns (${s.key_turn_method.replace(/_/g, " ")}; redacted)`, turns),
  );
}

// ---- Live board -------------------------------------------------------------------------
let liveTimer: number | undefined;
async function loadLive() {
  const beats = await api<Beat[]>("GET", "/v1/live");
  const rows = beats.map((b) => {
    const tr = el("tr", b.on_call ? "on-call" : "idle");
    tr.dataset.agent = b.agent;
    for (const t of [b.agent, b.team, b.on_call ? "on a call" : "available", b.on_call ? duration(b.duration_ms) : "–", trendWord(b.caller_trend), b.alerts.join(", ") || "–"]) {
      tr.append(el("td", undefined, t));
    }
    if (b.caller_trend === "DOWN") tr.classList.add("worsening");
    return tr;
  });
  $("live-body").replaceChildren(...rows);
  $("live-updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

// ---- Routing ----------------------------------------------------------------------------
function fail(e: unknown) {
  if ((e as HttpError).status === 401 || (e as HttpError).status === 403 && !me) {
    me = null;
    location.hash = "#/signin";
    return;
  }
  say("error", String((e as Error).message));
}

async function route() {
  window.clearInterval(liveTimer);
  const hash = location.hash || "#/calls";
  if (!me) {
    try {
      me = await api<Me>("GET", "/web/me");
      signedIn();
    } catch {
      if (hash !== "#/signin") sessionStorage.setItem("next", hash);
      show("signin");
      resetSignin();
      return;
    }
  }
  const call = /^#\/call\/([0-9a-f]{32})$/.exec(hash);
  try {
    if (call) { show("call"); await loadCall(call[1]); }
    else if (hash === "#/live") { show("live"); await loadLive(); liveTimer = window.setInterval(() => void loadLive().catch(fail), 2000); }
    else { show("calls"); await loadCalls(); }
  } catch (e) {
    fail(e);
  }
}

window.addEventListener("hashchange", () => void route());
void route();
