// Wires the window to the app's commands and events.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { CallEvent } from "./bindings/CallEvent";
import type { WorkstationStatus } from "./bindings/WorkstationStatus";
import { Transcript, clock, runningTrend } from "./transcript";
import { renderTurns, row } from "./render";

interface CallRecord {
  id: number;
  source: string;
  started_at_ms: number;
  duration_ms: number | null;
  sentiment_trend: { direction: string } | null;
  utterances: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let transcript = new Transcript();
const list = $("transcript");
const error = $<HTMLParagraphElement>("error");
const stop = $<HTMLButtonElement>("stop");
const open = $<HTMLButtonElement>("open");

function showError(message: string | null) {
  error.hidden = message === null;
  error.textContent = message ?? "";
}

function redraw() {
  renderTurns(list, transcript.turns);
  const trend = runningTrend(transcript.turns);
  $("trend").textContent =
    trend === undefined ? "" : `Sentiment now: ${trend > 0.15 ? "positive" : trend < -0.15 ? "negative" : "neutral"} (${trend.toFixed(2)})`;
  $("status-engine").textContent =
    transcript.level === "normal" ? "engine: normal" : `engine: ${transcript.level} (${transcript.levelReason})`;
  const end = transcript.ended;
  $("status-call").textContent = end
    ? `Call ${end.call_id} ended at ${clock(end.duration_ms)}: ${end.utterances} utterances, trend ${end.sentiment_trend}`
    : transcript.turns.length > 0
      ? "Call in progress"
      : "No call";
  if (end) {
    stop.disabled = true;
    open.disabled = false;
  }
}

void listen<CallEvent>("call-event", (e) => {
  if (transcript.apply(e.payload)) redraw();
});
void listen<string>("call-error", (e) => {
  showError(e.payload);
  stop.disabled = true;
  open.disabled = false;
});

$<HTMLFormElement>("open-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const path = $<HTMLInputElement>("file-path").value.trim();
  if (!path) return showError("Type the path of a recording.");
  showError(null);
  transcript = new Transcript();
  redraw();
  try {
    await invoke("open_call_file", { path, realtime: $<HTMLInputElement>("realtime").checked });
    open.disabled = true;
    stop.disabled = false;
    $("status-call").textContent = "Call in progress";
  } catch (e) {
    showError(String(e));
  }
});

stop.addEventListener("click", () => void invoke("stop_call"));

async function loadHistory() {
  const body = $("history").querySelector("tbody")!;
  try {
    const calls = await invoke<CallRecord[]>("list_calls");
    const q = $<HTMLInputElement>("history-search").value.trim().toLowerCase();
    const rows = calls
      .map((c) => ({
        c,
        cells: [
          new Date(c.started_at_ms).toLocaleString(),
          c.source,
          c.duration_ms === null ? "-" : clock(c.duration_ms),
          String(c.utterances),
          c.sentiment_trend?.direction ?? "-",
        ],
      }))
      .filter(({ cells }) => !q || cells.some((x) => x.toLowerCase().includes(q)));
    body.replaceChildren(...rows.map(({ c, cells }) => {
      const tr = row(cells);
      tr.dataset.callId = String(c.id);
      return tr;
    }));
    showError(null);
  } catch (e) {
    showError(String(e));
  }
}

function show(view: "live" | "history") {
  $("view-live").hidden = view !== "live";
  $("view-history").hidden = view !== "history";
  $("tab-live").setAttribute("aria-pressed", String(view === "live"));
  $("tab-history").setAttribute("aria-pressed", String(view === "history"));
  if (view === "history") void loadHistory();
}

$("tab-live").addEventListener("click", () => show("live"));
$("tab-history").addEventListener("click", () => show("history"));
$("history-refresh").addEventListener("click", () => void loadHistory());
$("history-search").addEventListener("input", () => void loadHistory());
async function loadStatus() {
  try {
    const s = await invoke<WorkstationStatus>("status");
    $("status-model").textContent = `model: ${s.model}`;
    $("status-store").textContent =
      `stored encrypted (SQLCipher, key in ${s.key_store === "keyring" ? "the OS keyring" : "a key file"}) in ${s.data_dir}; kept ${s.retention_days} days`;
    $("status-sealing").textContent = s.sealing
      ? "values sealed to your organisation's keys"
      : "no organisation keys configured: values are redacted and dropped";
  } catch (e) {
    showError(String(e));
  }
}

redraw();
void loadStatus();
