// Wires the window to the app's commands and events. State and formatting live in the pure
// modules (transcript, format, settings, keys); this file only moves data to and from the DOM.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { open as openDialog } from "@tauri-apps/plugin-dialog";
import type { CallEvent } from "./bindings/CallEvent";
import type { CallSummary } from "./bindings/CallSummary";
import type { CallView } from "./bindings/CallView";
import type { SettingsView } from "./bindings/SettingsView";
import type { SettingsUpdate } from "./bindings/SettingsUpdate";
import type { WorkstationStatus } from "./bindings/WorkstationStatus";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { ReceiverStatus } from "./bindings/ReceiverStatus";
import { Transcript, clock, storedTurns } from "./transcript";
import { renderAlerts, renderChecklist, renderSearchHits, renderTimeline, renderSuggestions, renderTurns, row, el } from "./render";
import type { SearchHit } from "./bindings/SearchHit";
import {
  deleteBlocked,
  historyQuery,
  lengthText,
  secondPassText,
  summaryCells,
  syncText,
  trendText,
  updateText,
  when,
  day,
} from "./format";
import type { UpdateStatus } from "./bindings/UpdateStatus";
import type { SecondPassReport } from "./bindings/SecondPassReport";
import { changes, editable, envNote, fields, facts, MANAGED, type Key } from "./settings";
import { actionFor, SHORTCUTS, type Action } from "./keys";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function say(id: string, message: string | null) {
  const p = $<HTMLParagraphElement>(id);
  p.hidden = message === null;
  p.textContent = message ?? "";
}

// ---- Theme -------------------------------------------------------------------------------
const theme = $<HTMLSelectElement>("theme");
function applyTheme(value: string) {
  if (value === "light" || value === "dark") document.documentElement.dataset.theme = value;
  else delete document.documentElement.dataset.theme;
  theme.value = value === "light" || value === "dark" ? value : "system";
}
applyTheme(localStorage.getItem("earshot.theme") ?? "system");
theme.addEventListener("change", () => {
  localStorage.setItem("earshot.theme", theme.value);
  applyTheme(theme.value);
});

// ---- Views -------------------------------------------------------------------------------
type View = "live" | "history" | "settings";
const VIEWS: View[] = ["live", "history", "settings"];
function show(view: View) {
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = v !== view;
    $(`tab-${v}`).setAttribute("aria-pressed", String(v === view));
  }
  if (view === "history") void loadHistory();
  // Settings load once (and on "Refresh devices"): showing the view again keeps what the agent
  // has chosen but not saved yet.
  if (view === "settings" && !settings) void loadSettings();
}
for (const v of VIEWS) $(`tab-${v}`).addEventListener("click", () => show(v));

// ---- Live call ---------------------------------------------------------------------------
let transcript = new Transcript();
let inCall = false;
const list = $("transcript");
const stop = $<HTMLButtonElement>("stop");
const open = $<HTMLButtonElement>("open");
const listenButton = $<HTMLButtonElement>("listen");

let joined = false;

function setInCall(on: boolean) {
  inCall = on;
  stop.disabled = !on || joined;
  open.disabled = on || joined;
  listenButton.disabled = on || joined;
  $<HTMLButtonElement>("browse").disabled = on || joined;
}

function redraw() {
  renderTurns(list, transcript.turns);
  renderAlerts($("alerts"), transcript.alerts);
  renderChecklist($("checklist"), transcript.checklist);
  renderSuggestions($("suggestions"), transcript.suggestions, (id) => {
    transcript.dismiss(id);
    // The running call hears of it too: the article is not suggested again.
    void invoke("dismiss_suggestion", { articleId: id }).catch(() => undefined);
    redraw();
  }, transcript.rated, (id, useful) => {
    transcript.rated.set(id, useful);
    // Stored with the running call, for tuning.
    void invoke("suggestion_feedback", { articleId: id, useful }).catch(() => undefined);
    redraw();
  });
  renderTimeline($("trend"), transcript.turns);
  const end = transcript.ended;
  $("status-engine").textContent =
    end || !inCall
      ? "engine: idle"
      : transcript.level === "normal"
        ? "engine: normal"
        : `engine: ${transcript.level}, ${(transcript.lagMs / 1000).toFixed(1)} s behind (${transcript.levelReason})`;
  const gaps = transcript.gaps;
  if (gaps) {
    $("status-engine").textContent +=
      ` · audio lost: ${gaps.lost_packets} packets (${gaps.concealed_ms} ms concealed), ${gaps.dropped_ms} ms dropped`;
  }
  $("status-call").textContent = end
    ? `Call ${end.call_id} ended at ${clock(end.duration_ms)}: ${end.utterances} utterances, trend ${end.sentiment_trend}` +
      (end.sentiment_engine === "lexicon" ? " (sentiment by the lexicon fallback)" : "") +
      (end.unscored > 0 ? `, ${end.unscored} not scored` : "")
    : inCall
      ? "Call in progress"
      : "No call";
  if (end) setInCall(false);
}

void listen<CallEvent>("call-event", (e) => {
  if (transcript.apply(e.payload)) redraw();
});
void listen<string>("call-error", (e) => {
  say("error", e.payload);
  setInCall(false);
  redraw();
});
// A recording that ended before the length its header announces: stored as far as it went.
void listen<string>("call-warning", (e) => say("warning", e.payload));

function beginCall() {
  say("error", null);
  say("warning", null);
  transcript = new Transcript();
  setInCall(true);
  redraw();
}

async function openFile(path: string) {
  if (!path) return say("error", "Type the path of a recording, or choose one with Browse….");
  show("live");
  beginCall();
  try {
    await invoke("open_call_file", { path, realtime: $<HTMLInputElement>("realtime").checked });
  } catch (e) {
    setInCall(false);
    say("error", String(e));
    redraw();
  }
}

$<HTMLFormElement>("open-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void openFile($<HTMLInputElement>("file-path").value.trim());
});

// The agent's own search of the knowledge base (the hub never sees it; the text is redacted
// before it is searched).
$<HTMLFormElement>("kb-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $<HTMLInputElement>("kb-search").value.trim();
  if (!text) return;
  invoke<SearchHit[]>("search_knowledge", { text })
    .then((hits) => {
      say("kb-error", hits.length === 0 ? "No article matches." : null);
      renderSearchHits($("kb-hits"), hits);
    })
    .catch((e) => say("kb-error", String(e)));
});

async function browse() {
  try {
    const picked = await openDialog({
      title: "Open a call recording",
      multiple: false,
      directory: false,
      filters: [{ name: "Audio", extensions: ["wav", "mp3", "flac", "ogg", "m4a", "aac", "opus"] }],
    });
    if (typeof picked === "string") $<HTMLInputElement>("file-path").value = picked;
  } catch (e) {
    say("error", String(e));
  }
}
$("browse").addEventListener("click", () => void browse());

async function startListening() {
  show("live");
  beginCall();
  try {
    await invoke("start_listen");
  } catch (e) {
    setInCall(false);
    say("error", String(e));
    redraw();
  }
}
listenButton.addEventListener("click", () => void startListening());
stop.addEventListener("click", () => void invoke("stop_call"));

// SIPREC: the receiver runs while joined; each recorded call shows here as it happens.
const siprecButton = $<HTMLButtonElement>("siprec");
function setJoined(on: boolean, listening: string[] = []) {
  joined = on;
  siprecButton.textContent = on ? "Leave SIPREC" : "Join SIPREC";
  siprecButton.setAttribute("aria-pressed", String(on));
  $("siprec-why").textContent = on
    ? `listening on ${listening.join(", ")}: waiting for the recorder`
    : "receive the contact center's recording fork";
  setInCall(inCall);
}
siprecButton.addEventListener("click", async () => {
  say("error", null);
  try {
    if (joined) {
      siprecButton.disabled = true;
      await invoke("leave_siprec");
      setJoined(false);
    } else {
      setJoined(true, await invoke<string[]>("join_siprec"));
    }
  } catch (e) {
    say("error", String(e));
  } finally {
    siprecButton.disabled = false;
  }
});
// The receiver's load, and what it refused or lost (counts only).
void listen<ReceiverStatus>("siprec-status", (e) => {
  const s = e.payload;
  const line = $("status-siprec");
  line.hidden = !joined;
  line.textContent =
    `SIPREC: ${s.calls} of ${s.max_calls} calls, ${s.decoding} of ${s.workers} decoders busy` +
    (s.over_capacity > 0
      ? `, ${s.over_capacity} refused (full${s.over_load > 0 ? `; ${s.over_load} as the decoders fell behind` : ""})`
      : "") +
    (s.audio_dropped > 0 ? `, ${s.audio_dropped} audio chunks dropped` : "");
});
void listen<string>("siprec-call", (e) => {
  show("live");
  beginCall();
  $("status-call").textContent = `Call in progress: ${e.payload}`;
});

// A call's second pass is stored: say so, and show the new text where the call is open.
void listen<SecondPassReport>("second-pass", (e) => {
  const line = $("status-second-pass");
  line.textContent = secondPassText(e.payload);
  line.hidden = false;
  if (openCallId === e.payload.call_id) void showCall(e.payload.call_id);
  else if (!$("view-history").hidden) void loadHistory();
});

// A recording handed over by a second launch (`earshot-app call.wav`).
void listen<string>("open-file", (e) => {
  if (!inCall) {
    $<HTMLInputElement>("file-path").value = e.payload;
    void openFile(e.payload);
  }
});

// Closing during a call asks first; the answer finalizes and stores the call, then quits.
const closeDialog = $<HTMLDialogElement>("close-dialog");
void listen("close-requested", () => {
  if (!closeDialog.open) closeDialog.showModal();
});
$("close-confirm").addEventListener("click", () => {
  closeDialog.close();
  $("status-call").textContent = "Ending the call and storing it…";
  void invoke("end_call_and_quit");
});
$("close-cancel").addEventListener("click", () => closeDialog.close());

// ---- History -----------------------------------------------------------------------------
let openCallId: number | null = null;
let allowDelete = true;

async function loadHistory() {
  const body = $("history").querySelector("tbody")!;
  const query = historyQuery(
    $<HTMLInputElement>("history-search").value,
    $<HTMLInputElement>("history-from").value,
    $<HTMLInputElement>("history-to").value,
  );
  try {
    const calls = await invoke<CallSummary[]>("search_calls", { query });
    body.replaceChildren(
      ...calls.map((c) => {
        const tr = row(summaryCells(c));
        tr.dataset.callId = String(c.id);
        const cell = el("td");
        const button = el("button", "open-call", "Open");
        button.type = "button";
        button.setAttribute("aria-label", `Open the call of ${when(c.started_at_ms)}`);
        button.addEventListener("click", () => void showCall(c.id));
        cell.append(button);
        tr.append(cell);
        return tr;
      }),
    );
    $("history-count").textContent = `${calls.length} call${calls.length === 1 ? "" : "s"}`;
    say("history-error", null);
  } catch (e) {
    say("history-error", String(e));
  }
}

async function showCall(id: number) {
  try {
    const view = await invoke<CallView>("open_call", { id });
    openCallId = id;
    const c = view.call;
    $("call-title").textContent = `Call of ${when(c.started_at_ms)}`;
    $("call-meta").textContent = [
      c.source,
      c.duration_ms === null ? lengthText(c) : `length ${clock(c.duration_ms)}`,
      `sentiment ${trendText(c)}`,
      `model ${c.model}`,
      `kept until ${day(c.expires_at_ms)}`,
    ].join(" · ");
    renderTurns($("call-turns"), storedTurns(view.turns));
    renderTimeline($("call-timeline"), storedTurns(view.turns));
    const del = $<HTMLButtonElement>("call-delete");
    const blocked = deleteBlocked(c, allowDelete);
    del.disabled = blocked !== null;
    del.title = blocked ?? "";
    $("call-detail").hidden = false;
    $("call-close").focus();
  } catch (e) {
    say("history-error", String(e));
  }
}

$<HTMLFormElement>("history-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void loadHistory();
});
$("history-search").addEventListener("input", () => void loadHistory());
for (const id of ["history-from", "history-to"]) $(id).addEventListener("change", () => void loadHistory());
$("call-close").addEventListener("click", () => {
  $("call-detail").hidden = true;
  openCallId = null;
});
const deleteDialog = $<HTMLDialogElement>("delete-dialog");
$("call-delete").addEventListener("click", () => deleteDialog.showModal());
$("delete-cancel").addEventListener("click", () => deleteDialog.close());
$("delete-confirm").addEventListener("click", async () => {
  deleteDialog.close();
  if (openCallId === null) return;
  try {
    await invoke("delete_call", { id: openCallId });
    $("call-detail").hidden = true;
    openCallId = null;
    await loadHistory();
  } catch (e) {
    say("history-error", String(e));
  }
});

// ---- Settings ----------------------------------------------------------------------------
let settings: SettingsView | null = null;

function renderSettings(v: SettingsView) {
  settings = v;
  allowDelete = v.allow_delete;
  const box = $("settings-fields");
  box.replaceChildren(
    ...fields(v).map((f) => {
      const wrap = el("div", "field");
      const id = `setting-${f.key}`;
      const label = el("label", undefined, f.label);
      label.htmlFor = id;
      let control: HTMLSelectElement | HTMLInputElement;
      if (f.kind === "select") {
        const select = el("select");
        for (const o of f.options) {
          const opt = el("option", undefined, o.label);
          opt.value = o.value;
          opt.disabled = o.disabled;
          select.append(opt);
        }
        control = select;
      } else {
        const input = el("input");
        input.type = f.kind === "percent" ? "number" : "text";
        if (f.kind === "percent") {
          input.min = "0";
          input.max = "100";
          input.step = "1";
        }
        input.placeholder = f.placeholder;
        if (f.options.length) {
          const list = el("datalist");
          list.id = `${id}-choices`;
          for (const o of f.options) {
            const opt = el("option");
            opt.value = o.value;
            list.append(opt);
          }
          input.setAttribute("list", list.id);
          wrap.append(list);
        }
        control = input;
      }
      control.id = id;
      control.name = f.key;
      control.value = f.value;
      control.disabled = !editable(f);
      wrap.prepend(label, control);
      const why = f.managed ? MANAGED : f.env ? envNote(f.env) : null;
      if (why) {
        const note = el("span", "managed", why);
        note.id = `${id}-managed`;
        control.setAttribute("aria-describedby", note.id);
        wrap.append(note);
      }
      return wrap;
    }),
  );
  $("settings-facts").replaceChildren(
    ...facts(v).flatMap((f) => {
      const dd = el("dd", undefined, f.value);
      if (f.managed) dd.append(" ", el("span", "managed", MANAGED));
      return [el("dt", undefined, f.label), dd];
    }),
  );
  const devErr = $<HTMLParagraphElement>("settings-devices-error");
  devErr.hidden = v.devices_error === null;
  devErr.textContent = v.devices_error ? `Audio devices cannot be listed: ${v.devices_error}` : "";
  const name = (d: string | null, what: string) => (d ? d : `default ${what}`);
  $("listen-devices").textContent =
    `you: ${name(v.mic_device, "microphone")} · caller: ${name(v.loopback_device, "output")}`;
}

let settingsLoading: Promise<void> | null = null;

/** Loads Settings; a load already in flight is shared, so the form renders once. */
function loadSettings(): Promise<void> {
  settingsLoading ??= (async () => {
    try {
      renderSettings(await invoke<SettingsView>("settings"));
      say("settings-error", null);
    } catch (e) {
      say("settings-error", String(e));
    } finally {
      settingsLoading = null;
    }
  })();
  return settingsLoading;
}

$<HTMLFormElement>("settings-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!settings) return;
  const entered: Partial<Record<Key, string>> = {};
  for (const f of fields(settings)) {
    entered[f.key] = $<HTMLInputElement | HTMLSelectElement>(`setting-${f.key}`).value;
  }
  let update: SettingsUpdate;
  try {
    update = changes(settings, entered);
  } catch (e) {
    $("settings-saved").textContent = "";
    say("settings-error", e instanceof Error ? e.message : String(e));
    return;
  }
  try {
    renderSettings(await invoke<SettingsView>("save_settings", { update }));
    $("settings-saved").textContent = "Saved. The next call uses these settings.";
    say("settings-error", null);
    void loadStatus();
  } catch (e) {
    $("settings-saved").textContent = "";
    say("settings-error", String(e));
  }
});
$("settings-reload").addEventListener("click", () => void loadSettings());

// ---- Status bar --------------------------------------------------------------------------
async function loadStatus() {
  try {
    const s = await invoke<WorkstationStatus>("status");
    $("status-model").textContent = `model: ${s.model}`;
    $("status-store").textContent =
      `stored encrypted (SQLCipher, key in ${s.key_store === "keyring" ? "the OS keyring" : "a key file"}) in ${s.data_dir}; kept ${s.retention_days} days`;
    const sentiment = $("status-sentiment");
    sentiment.textContent =
      s.sentiment_fallback === null
        ? `sentiment: ${s.sentiment_engine}`
        : `sentiment: lexicon fallback (${s.sentiment_fallback})`;
    sentiment.classList.toggle("warning", s.sentiment_fallback !== null);
    $("status-sealing").textContent = s.sealing
      ? "values sealed to your organisation's keys"
      : "no organisation keys configured: values are redacted and dropped";
  } catch (e) {
    say("error", String(e));
  }
}

/** Syncing to the hub: asked for every few seconds (the worker and other processes change it). */
async function loadSync() {
  const span = $("status-sync");
  try {
    const s = syncText(await invoke<SyncStatus | null>("sync_status"));
    span.hidden = s === null;
    span.textContent = s?.text ?? "";
    span.classList.toggle("warning", s?.warning ?? false);
  } catch (e) {
    span.hidden = false;
    span.textContent = `hub: ${String(e)}`;
    span.classList.add("warning");
  }
}
void loadSync();
setInterval(() => void loadSync(), 3000);

/** Updates, as the policy allows them: nothing shown when it turns them off. */
function showUpdate(u: UpdateStatus) {
  const t = updateText(u);
  const span = $("status-update");
  span.hidden = t === null;
  span.dataset.state = u.state;
  span.textContent = t?.text ?? "";
  span.classList.toggle("warning", t?.warning ?? false);
  $("install-update").hidden = !(t?.install ?? false);
}
void invoke<UpdateStatus>("update_status").then(showUpdate, (e) => say("error", String(e)));
void listen<UpdateStatus>("update-status", (e) => showUpdate(e.payload));
$("install-update").addEventListener("click", async () => {
  const button = $<HTMLButtonElement>("install-update");
  button.disabled = true;
  try {
    await invoke("install_update");
  } catch (e) {
    say("error", String(e));
  } finally {
    button.disabled = false;
  }
});

// ---- Keyboard ----------------------------------------------------------------------------
const keysDialog = $<HTMLDialogElement>("keys-dialog");
$("keys-list").replaceChildren(...SHORTCUTS.flatMap((s) => [el("dt", undefined, s.keys), el("dd", undefined, s.what)]));
$("help").addEventListener("click", () => keysDialog.showModal());
$("keys-close").addEventListener("click", () => keysDialog.close());

const ACTIONS: Record<Action, () => void> = {
  "view-live": () => show("live"),
  "view-history": () => show("history"),
  "view-settings": () => show("settings"),
  "open-file": () => {
    if (!inCall) void browse();
  },
  listen: () => {
    if (!inCall) void startListening();
  },
  stop: () => {
    if (inCall) void invoke("stop_call");
  },
  search: () => {
    show("history");
    $("history-search").focus();
  },
  help: () => {
    if (!keysDialog.open) keysDialog.showModal();
  },
};
document.addEventListener("keydown", (e) => {
  const action = actionFor(e);
  if (!action) return;
  e.preventDefault();
  ACTIONS[action]();
});

// ---- Start -------------------------------------------------------------------------------
// Under a broken policy the window shows why and nothing else: the dialog cannot be closed
// (Escape is refused), and every command fails on the Rust side as well.
const refused = $<HTMLDialogElement>("policy-refused");
refused.addEventListener("cancel", (e) => e.preventDefault());
void invoke<string | null>("policy_refusal").then((why) => {
  if (why) {
    $("policy-refused-text").textContent = why;
    refused.showModal();
  }
  document.body.dataset.policy = why ? "refused" : "ok";
});
void invoke<string>("about").then((v) => ($("about").textContent = v));
redraw();
void loadStatus();
void loadSettings();
void invoke<string | null>("startup_file").then((path) => {
  if (path) {
    $<HTMLInputElement>("file-path").value = path;
    void openFile(path);
  }
});
