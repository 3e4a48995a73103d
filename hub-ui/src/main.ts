import "./style.css";
// The hub's pages: sign-in (password, then a TOTP code), calls, call detail, live board.
// Every text reaches the page through textContent or attributes: never innerHTML.
import { csv, duration, gapPlaces, listQuery, parts, safeNext, signed, ssoMessage, trendWord, type Filters, type GapSpan } from "./format";

interface Me { name: string; role: string; teams: string[]; csrf: string; recovery_codes?: string[]; recovery_left: number }
interface Item {
  summary_id: string; agent: string; team: string; started_at_ms: number; duration_ms: number;
  caller_sentiment: number | null; caller_trend: string; findings: number;
  agent_sentiment: number | null; agent_trend: string | null; key_phrases: string[];
  alerts: Pill[]; adherence: number | null;
}
interface Pill { category: string; severity: string; count: number }
interface Page { items: Item[]; next_cursor: string | null }
interface Beat { agent: string; team: string; at_ms: number; on_call: boolean; duration_ms: number; caller_trend: string | null; alerts: string[] }

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const VIEWS = ["signin", "calls", "call", "live", "admin", "audit", "account"];
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

// Single sign-on, when the hub has it: a link to the provider, and what a refusal meant.
void api<{ sso: string | null }>("GET", "/web/config").then((c) => {
  if (c.sso === null) return;
  $("sso-link").textContent = c.sso;
  $("sso").hidden = false;
  $("sso-note").hidden = false;
}).catch(() => undefined);
{
  const code = new URLSearchParams(location.search).get("sso_error");
  if (code !== null) {
    history.replaceState(null, "", `/${location.hash}`);
    say("signin-error", ssoMessage(code));
  }
}
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
    say("signin-error", null);
    const codes = me.recovery_codes ?? [];
    if (codes.length > 0) {
      // Shown once, before anything else.
      $("totp-form").hidden = true;
      $("recovery-codes").replaceChildren(...codes.map((c) => el("li", "code", c)));
      $("recovery").hidden = false;
      return;
    }
    enter();
  } catch (e) {
    say("signin-error", String((e as Error).message));
    if ((e as HttpError).status === 401 && String((e as Error).message).includes("expired")) resetSignin();
  }
});

/** After sign-in: the page asked for before, or the role's first page. */
function enter() {
  signedIn();
  location.hash = safeNext(sessionStorage.getItem("next"));
  sessionStorage.removeItem("next");
  void route();
}

$("recovery-done").addEventListener("click", () => {
  $("recovery").hidden = true;
  $("recovery-codes").replaceChildren();
  enter();
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
  $("nav-account").hidden = false;
  $("who").textContent = `${me.name} (${me.role})`;
  // Each role sees its pages only (the API refuses the rest anyway).
  const reads = me.role === "supervisor" || me.role === "agent";
  $("nav-calls").hidden = !reads;
  $("nav-live").hidden = me.role !== "supervisor";
  $("nav-admin").hidden = me.role !== "admin";
  $("nav-audit").hidden = me.role !== "auditor";
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

// ---- Account ----------------------------------------------------------------------------
$("password-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await api("POST", "/web/password", { current: $<HTMLInputElement>("pw-current").value, new: $<HTMLInputElement>("pw-new").value });
    $<HTMLInputElement>("pw-current").value = "";
    $<HTMLInputElement>("pw-new").value = "";
    $("pw-done").hidden = false;
    say("pw-error", null);
  } catch (e) {
    $("pw-done").hidden = true;
    say("pw-error", String((e as Error).message));
  }
});
$("logout-all").addEventListener("click", async () => {
  await api("POST", "/web/logout-all").catch(() => undefined);
  me = null;
  location.hash = "#/signin";
  location.reload();
});

async function loadAccount() {
  me = await api<Me>("GET", "/web/me");
  $("account-recovery").textContent = `${me.recovery_left} recovery code${me.recovery_left === 1 ? "" : "s"} left.`;
}

// ---- Calls ------------------------------------------------------------------------------
let cursor: string | null = null;
let shown: Item[] = [];
/** Counts the list requests: only the latest one's answer is shown. */
let listing = 0;
/** When the list on screen was asked for: the export asks for the same window. */
let listedAt = Date.now();
/** The most rows an export gathers (500 per request). */
const EXPORT_MAX = 10_000;
/** The column the hub orders the list by, and which way. */
let sorting = { sort: "started", order: "desc" };

function filters(): Filters {
  return {
    windowMs: Number($<HTMLSelectElement>("f-window").value),
    team: $<HTMLSelectElement>("f-team").value,
    agent: $<HTMLInputElement>("f-agent").value,
    trend: $<HTMLSelectElement>("f-trend").value,
    sensitive: $<HTMLInputElement>("f-sensitive").checked,
    alert: $<HTMLInputElement>("f-alert").value,
    ...sorting,
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
    `${signed(c.agent_sentiment)} ${trendWord(c.agent_trend)}`,
    c.key_phrases.join(" · ") || "–",
  ];
  for (const text of cells) tr.append(el("td", undefined, text));
  tr.append(pills(c.alerts));
  tr.append(el("td", undefined, c.adherence === null ? "–" : `${Math.round(c.adherence * 100)} %`));
  tr.append(el("td", undefined, c.findings > 0 ? `yes (${c.findings})` : "no"));
  const td = el("td");
  td.append(open);
  tr.append(td);
  return tr;
}

/** A call's alert categories as pills (severity as the colour, the count after the name). */
function pills(alerts: Pill[]): HTMLTableCellElement {
  const td = el("td", "pills");
  if (alerts.length === 0) td.textContent = "–";
  for (const a of alerts) td.append(el("span", `pill pill-${a.severity}`, a.count > 1 ? `${a.category} ×${a.count}` : a.category));
  return td;
}

/** Offers the categories seen so far in the alert filter. */
function offerCategories(items: Item[]) {
  const list = $("alert-categories");
  const known = new Set(Array.from(list.children, (o) => (o as HTMLOptionElement).value));
  for (const c of items.flatMap((i) => i.alerts.map((a) => a.category))) {
    if (known.has(c)) continue;
    known.add(c);
    const o = el("option");
    o.value = c;
    list.append(o);
  }
}

async function loadCalls(more = false) {
  const f = filters();
  if (!more) { shown = []; cursor = null; listedAt = Date.now(); $("calls-body").replaceChildren(); }
  // A newer list (another filter or sort asked for meanwhile) wins over this one's late answer.
  const mine = ++listing;
  const page = await api<Page>("GET", `/v1/summaries?${listQuery(f, listedAt, cursor ?? undefined)}`);
  if (mine !== listing) return;
  const items = page.items;
  offerCategories(items);
  shown.push(...items);
  $("calls-body").append(...items.map(callRow));
  cursor = page.next_cursor;
  $("calls-more").hidden = cursor === null;
  $("calls-count").textContent = `${shown.length} call${shown.length === 1 ? "" : "s"}`;
}

// A column header orders the list on the hub: again, the other way round.
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("#calls button.sort"))) {
  b.addEventListener("click", () => {
    const key = b.dataset.sort ?? "started";
    sorting = { sort: key, order: sorting.sort === key && sorting.order === "desc" ? "asc" : "desc" };
    for (const other of Array.from(document.querySelectorAll<HTMLButtonElement>("#calls button.sort"))) {
      const th = other.parentElement as HTMLElement;
      th.setAttribute("aria-sort", other === b ? (sorting.order === "asc" ? "ascending" : "descending") : "none");
    }
    void loadCalls().catch(fail);
  });
}

$("filters").addEventListener("submit", (ev) => { ev.preventDefault(); void loadCalls().catch(fail); });
$("calls-more").addEventListener("click", () => void loadCalls(true).catch(fail));
/** Every call of the filtered list (not only the pages loaded), up to EXPORT_MAX. */
async function filteredCalls(): Promise<{ items: Item[]; capped: boolean }> {
  const f = filters();
  const items: Item[] = [];
  let next: string | undefined;
  do {
    const page = await api<Page>("GET", `/v1/summaries?${listQuery(f, listedAt, next, 500)}`);
    items.push(...page.items);
    next = page.next_cursor ?? undefined;
  } while (next && items.length < EXPORT_MAX);
  return { items: items.slice(0, EXPORT_MAX), capped: next !== undefined };
}

$("export").addEventListener("click", () => void exportCsv().catch(fail));
async function exportCsv() {
  const { items, capped } = await filteredCalls();
  if (capped) say("error", `The export holds the first ${EXPORT_MAX} calls of the list: narrow the filters for the rest.`);
  const rows = [["summary_id", "started", "agent", "team", "duration_s", "caller_sentiment", "caller_trend", "agent_sentiment", "agent_trend", "key_phrases", "alerts", "checklist_score", "sensitive_findings"]];
  for (const c of items) {
    rows.push([c.summary_id, new Date(c.started_at_ms).toISOString(), c.agent, c.team, String(Math.round(c.duration_ms / 1000)),
      c.caller_sentiment === null ? "" : String(c.caller_sentiment), c.caller_trend,
      c.agent_sentiment === null ? "" : String(c.agent_sentiment), c.agent_trend ?? "", c.key_phrases.join("; "),
      c.alerts.map((a) => `${a.category} (${a.count})`).join("; "), c.adherence === null ? "" : String(c.adherence), String(c.findings)]);
  }
  const a = el("a");
  a.href = URL.createObjectURL(new Blob([csv(rows)], { type: "text/csv" }));
  a.download = "earshot-calls.csv";
  document.body.append(a);
  a.click();
  a.remove();
}

// ---- Call detail ------------------------------------------------------------------------
interface SpeakerFigures { turns: number; talk_ms: number; sentiment_mean: number | null; sentiment_quarters: (number | null)[]; sentiment_trend: string }
interface Summary {
  agent: string | null; source: string; started_at_ms: number; duration_ms: number;
  speakers: { caller: SpeakerFigures; agent: SpeakerFigures; unknown?: SpeakerFigures };
  silence_ratio: number; overtalk_ratio: number; findings: Record<string, number>; keypad_entries: number;
  audio_gaps?: { lost_packets: number; concealed_ms: number; filled_ms: number; dropped_ms: number; spans?: GapSpan[] };
  key_phrases: string[]; key_turns: { speaker: string; start_ms: number; text: string }[]; key_turn_method: string;
  engines: { earshot: string; asr_model: string; sentiment: string | null };
  alerts?: Pill[];
  checklist?: { checklist: string; score: number; items: number; met: string[]; unmet: string[]; out_of_order: string[] };
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
  for (const [who, x] of [["caller", 300], ["agent", 350]] as const) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", String(x));
    t.setAttribute("y", "14");
    t.setAttribute("class", `legend ${who}`);
    t.textContent = who;
    svg.append(t);
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
  const alerts = el("ul", "alert-counts");
  for (const a of s.alerts ?? []) {
    const li = el("li");
    li.append(el("span", `pill pill-${a.severity}`, a.category), document.createTextNode(` ${a.count} time${a.count === 1 ? "" : "s"} (${a.severity})`));
    alerts.append(li);
  }
  if (!s.alerts?.length) alerts.append(el("li", undefined, "none"));
  const c = s.checklist;
  const ids = (v: string[]) => v.map((i) => i.replace(/_/g, " ")).join(", ") || "none";
  const checklist = c
    ? facts([["Checklist", c.checklist.replace(/_/g, " ")], ["Adherence", `${Math.round(c.score * 100)} % (weighted, items met in order)`],
      ["Met", `${c.met.length} of ${c.items}`], ["Not met", ids(c.unmet)], ["Out of order", ids(c.out_of_order)]])
    : el("p", undefined, "No checklist applied to this call.");
  $("call-detail").replaceChildren(
    section("Call", facts([
      ["Agent", d.agent], ["Team", d.team], ["Source", s.source], ["Started", new Date(s.started_at_ms).toLocaleString()],
      ["Duration", duration(s.duration_ms)], ["Keypad entries", String(s.keypad_entries)],
      ["Audio gaps", gaps ? `${gaps.lost_packets} packets lost (${gaps.concealed_ms} ms concealed), ${gaps.filled_ms} ms silent on the wire, ${gaps.dropped_ms} ms dropped` : "not counted for this source"],
      ...(gaps?.spans?.length ? [["Where audio is missing", gapPlaces(gaps.spans)] as [string, string]] : []),
      ["Engines", `Earshot ${s.engines.earshot}, ${s.engines.asr_model}, sentiment ${s.engines.sentiment ?? "–"}`],
    ])),
    section("Sentiment", chart(s), quarters),
    section("Talk time", bar("caller", s.speakers.caller.talk_ms / total, "caller"), bar("agent", s.speakers.agent.talk_ms / total, "agent"),
      bar("silence", s.silence_ratio, "silence"), bar("overtalk", s.overtalk_ratio, "overtalk")),
    section("Alerts", alerts),
    section("Compliance checklist", checklist),
    section("Sensitive input (counts by type; values never leave the workstation)", findings),
    section("Key phrases", phrases),
    section(`Key turns (${s.key_turn_method.replace(/_/g, " ")}; redacted)`, turns),
  );
}

// ---- Live board -------------------------------------------------------------------------
let liveStream: EventSource | null = null;
function showBoard(beats: Beat[]) {
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

/** The board now, then every change the hub pushes (Server-Sent Events). */
async function openLive() {
  showBoard(await api<Beat[]>("GET", "/v1/live"));
  liveStream = new EventSource("/v1/live/stream");
  liveStream.addEventListener("board", (e) => showBoard(JSON.parse((e as MessageEvent<string>).data) as Beat[]));
}

// ---- Admin ------------------------------------------------------------------------------
interface Device { id: string; agent: string; team: string; hostname: string; last_seen_ms: number | null; outbox_len: number | null; revoked_at_ms: number | null }
interface Token { id: number; team: string; created_by: string; expires_at_ms: number; used_at_ms: number | null; revoked_at_ms: number | null }

/** Asks in the page (no browser dialog) and resolves to the answer. */
function confirmInPage(text: string): Promise<boolean> {
  const d = $<HTMLDialogElement>("confirm");
  $("confirm-text").textContent = text;
  d.showModal();
  return new Promise((resolve) => {
    const done = (answer: boolean) => () => { d.close(); resolve(answer); };
    $("confirm-yes").onclick = done(true);
    $("confirm-no").onclick = done(false);
  });
}

function actionButton(label: string, question: string, run: () => Promise<unknown>): HTMLButtonElement {
  const b = el("button", undefined, label);
  b.addEventListener("click", async () => {
    if (!(await confirmInPage(question))) return;
    try { await run(); await loadAdmin(); } catch (e) { fail(e); }
  });
  return b;
}

interface User { name: string; role: string; teams: string[] }

async function loadAdmin() {
  say("error", null);
  const [devices, tokens, users, retention, emergency] = await Promise.all([api<Device[]>("GET", "/v1/devices"), api<Token[]>("GET", "/v1/enrollment-tokens"),
    api<User[]>("GET", "/v1/users"), api<{ summary_days: number; audit_days: number }>("GET", "/v1/retention"),
    api<{ sso: boolean; uses: { name: string; at_ms: number }[] }>("GET", "/web/emergency")]);
  $("emergency-state").textContent = !emergency.sso
    ? "Single sign-on is off: people sign in with local passwords."
    : emergency.uses.length === 0 ? "Single sign-on is on; no local password has been used." : `Single sign-on is on; a local password was used ${emergency.uses.length} time(s):`;
  $("emergency").hidden = emergency.uses.length === 0;
  $("emergency-body").replaceChildren(...emergency.uses.map((u) => {
    const tr = el("tr", "flagged");
    tr.append(el("td", undefined, u.name), el("td", undefined, new Date(u.at_ms).toLocaleString()));
    return tr;
  }));
  $("users-body").replaceChildren(...users.map((u) => {
    const tr = el("tr");
    tr.dataset.user = u.name;
    for (const t of [u.name, u.role, u.teams.join(", ") || "–"]) tr.append(el("td", undefined, t));
    const td = el("td");
    if (u.name !== me?.name) td.append(actionButton("Remove", `Remove ${u.name} (${u.role})? Their API token and web sign-in stop working.`,
      () => api("DELETE", `/v1/users/${encodeURIComponent(u.name)}`)));
    tr.append(td);
    return tr;
  }));
  const who = $<HTMLSelectElement>("pw-set-name");
  const chosen = who.value;
  who.replaceChildren(...users.filter((u) => !emergency.sso || u.role === "admin").map((u) => {
    const o = el("option", undefined, `${u.name} (${u.role})`);
    o.value = u.name;
    return o;
  }));
  if (chosen) who.value = chosen;
  $<HTMLInputElement>("ret-summary").value = String(retention.summary_days);
  $<HTMLInputElement>("ret-audit").value = String(retention.audit_days);
  $("devices-body").replaceChildren(...devices.map((d) => {
    const tr = el("tr");
    tr.dataset.device = d.id;
    for (const t of [d.id.slice(0, 12), d.agent, d.team, d.hostname, d.last_seen_ms ? new Date(d.last_seen_ms).toLocaleString() : "never",
      d.outbox_len === null ? "–" : String(d.outbox_len), d.revoked_at_ms ? "revoked" : "active"]) tr.append(el("td", undefined, t));
    const td = el("td");
    if (!d.revoked_at_ms) td.append(actionButton("Revoke", `Revoke the device of ${d.agent} (${d.hostname})? It is refused at its next request.`,
      () => api("POST", `/v1/devices/${encodeURIComponent(d.id)}/revoke`)));
    tr.append(td);
    return tr;
  }));
  const now = Date.now();
  $("tokens-body").replaceChildren(...tokens.map((t) => {
    const tr = el("tr");
    tr.dataset.token = String(t.id);
    const state = t.revoked_at_ms ? "revoked" : t.used_at_ms ? "used" : t.expires_at_ms < now ? "expired" : "open";
    for (const x of [String(t.id), t.team, t.created_by, new Date(t.expires_at_ms).toLocaleString(), state]) tr.append(el("td", undefined, x));
    const td = el("td");
    if (state === "open") td.append(actionButton("Revoke", `Revoke enrollment token #${t.id} for team ${t.team}?`, () => api("POST", `/v1/enrollment-tokens/${t.id}/revoke`)));
    tr.append(td);
    return tr;
  }));
}

$("user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = $<HTMLInputElement>("user-name").value.trim();
  const role = $<HTMLSelectElement>("user-role").value;
  const teams = $<HTMLInputElement>("user-teams").value.split(",").map((t) => t.trim()).filter((t) => t);
  if (!(await confirmInPage(`Add ${name} as ${role}${teams.length ? ` of ${teams.join(", ")}` : ""}?`))) return;
  try {
    const u = await api<{ token: string }>("POST", "/v1/users", { name, role, teams });
    $("user-token").textContent = u.token;
    $("user-created").hidden = false;
    await loadAdmin();
  } catch (e) { fail(e); }
});

$("pw-set-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = $<HTMLSelectElement>("pw-set-name").value;
  const password = $<HTMLInputElement>("pw-set-password").value;
  if (!(await confirmInPage(`Set a new web password for ${name}? Their sessions end and they set up their authenticator again.`))) return;
  try {
    await api("POST", `/web/users/${encodeURIComponent(name)}/password`, { password });
    $<HTMLInputElement>("pw-set-password").value = "";
    say("pw-set-done", `Password set for ${name}: they set up their authenticator at their next sign-in.`);
  } catch (e) { fail(e); }
});

$("retention-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const summary_days = Number($<HTMLInputElement>("ret-summary").value);
  const audit_days = Number($<HTMLInputElement>("ret-audit").value);
  if (!(await confirmInPage(`Keep summaries ${summary_days} days and the audit log ${audit_days} days?`))) return;
  try {
    await api("PUT", "/v1/retention", { summary_days, audit_days });
    await loadAdmin();
  } catch (e) { fail(e); }
});

$("token-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const team = $<HTMLInputElement>("token-team").value.trim();
  const days = Number($<HTMLInputElement>("token-days").value);
  if (!(await confirmInPage(`Create an enrollment token for team ${team}, valid ${days} days?`))) return;
  try {
    const t = await api<{ token: string }>("POST", "/v1/enrollment-tokens", { team, days });
    $("token-secret").textContent = t.token;
    $("token-created").hidden = false;
    await loadAdmin();
  } catch (e) { fail(e); }
});

// ---- Audit log --------------------------------------------------------------------------
interface AuditEntry { id: number; at_ms: number; actor: string; role: string; action: string; target: string; source: string; outcome: string }

async function loadAudit() {
  const entries: AuditEntry[] = [];
  for (let after = 0; entries.length < 5000;) {
    const page = await api<AuditEntry[]>("GET", `/v1/audit?after=${after}&limit=1000`);
    entries.push(...page);
    if (page.length < 1000) break;
    after = page[page.length - 1].id;
  }
  const [actor, action, outcome] = ["a-actor", "a-action", "a-outcome"].map((id) => $<HTMLInputElement>(id).value.trim().toLowerCase());
  const shown = entries.filter((e) => (!actor || e.actor.toLowerCase().includes(actor)) && (!action || e.action.toLowerCase().includes(action))
    && (!outcome || e.outcome.toLowerCase() === outcome)).reverse();
  $("audit-body").replaceChildren(...shown.slice(0, 500).map((e) => {
    const tr = el("tr", e.outcome === "alert" || e.outcome.startsWith("4") ? "refused" : undefined);
    for (const t of [String(e.id), new Date(e.at_ms).toLocaleString(), e.actor, e.role, e.action, e.target, e.source, e.outcome]) tr.append(el("td", undefined, t));
    return tr;
  }));
  $("audit-count").textContent = `${shown.length} of ${entries.length} entries (newest first${shown.length > 500 ? ", the first 500 shown" : ""})`;
  const v = await api<{ entries: number; checkpoints: number; problem: string | null }>("GET", "/v1/audit/verify");
  const verdict = $("audit-verdict");
  verdict.textContent = v.problem === null
    ? `The chain of ${v.entries} entries is intact and agrees with ${v.checkpoints} signed checkpoint${v.checkpoints === 1 ? "" : "s"}.`
    : `The chain does not verify: ${v.problem}`;
  verdict.className = v.problem === null ? "ok" : "error";
}
$("audit-filters").addEventListener("submit", (ev) => { ev.preventDefault(); void loadAudit().catch(fail); });

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
  liveStream?.close();
  liveStream = null;
  const hash = location.hash || "#/calls";
  if (!me) {
    try {
      me = await api<Me>("GET", "/web/me");
      signedIn();
      // Back from single sign-on: the page asked for before it.
      const next = sessionStorage.getItem("next");
      if (next !== null && (!location.hash || location.hash === "#/signin")) {
        sessionStorage.removeItem("next");
        location.hash = safeNext(next);
        return;
      }
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
    else if (hash === "#/live") { show("live"); await openLive(); }
    else if (hash === "#/admin") { show("admin"); await loadAdmin(); }
    else if (hash === "#/audit") { show("audit"); await loadAudit(); }
    else if (hash === "#/account") { show("account"); await loadAccount(); }
    else if (me && me.role === "admin") { location.hash = "#/admin"; }
    else if (me && me.role === "auditor") { location.hash = "#/audit"; }
    else { show("calls"); await loadCalls(); }
  } catch (e) {
    fail(e);
  }
}

window.addEventListener("hashchange", () => void route());
void route();
