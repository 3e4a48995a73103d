// The Settings form's model, built from the app's SettingsView. Pure: no DOM, tested with vitest.
import type { SettingsView } from "./bindings/SettingsView";
import type { SettingsUpdate } from "./bindings/SettingsUpdate";
import { MANAGED, size } from "./format";

/** A choice in a select. */
export interface Option {
  value: string;
  label: string;
  disabled: boolean;
}

/** The keys the form edits. */
export type Key =
  | "model"
  | "mic_device"
  | "loopback_device"
  | "caller_channel"
  | "knowledge_dir"
  | "suggestion_threshold"
  | "assist_rules"
  | "queue";

/** One field of the form. */
export interface Field {
  key: Key;
  label: string;
  /** A select of `options`; free text (`options` are suggestions); a percentage (0–100). */
  kind: "select" | "text" | "percent";
  value: string;
  options: Option[];
  /** Shown in an empty text field: what empty means. */
  placeholder: string;
  /** Set by the organisation's policy: read-only, with the note. */
  managed: boolean;
  /** The environment variable that sets it for this run: read-only, with the note. */
  env: string | null;
}

/** The note next to a managed setting (defined beside History's formatting, which uses it too). */
export { MANAGED };

/** The note next to a setting an environment variable sets. */
export function envNote(variable: string): string {
  return `Set by ${variable} for this run`;
}

/** Whether the agent can change `f` here. */
export function editable(f: Field): boolean {
  return !f.managed && f.env === null;
}

/** The editable fields. A device that is saved but absent now stays listed (marked absent). */
export function fields(v: SettingsView): Field[] {
  const devices = (role: string, chosen: string | null): Option[] => {
    const list: Option[] = [{ value: "", label: "System default", disabled: false }];
    for (const d of v.devices.filter((d) => d.role === role)) {
      const name = d.description && d.description !== d.name ? `${d.description} (${d.name})` : d.name;
      list.push({ value: d.name, label: d.default ? `${name} – default` : name, disabled: false });
    }
    if (chosen && !list.some((o) => o.value === chosen)) {
      list.push({ value: chosen, label: `${chosen} (not connected)`, disabled: false });
    }
    return list;
  };
  const managed = (k: string) => v.managed.includes(k);
  const env = (k: string) => v.environment[k] ?? null;
  const select = { kind: "select" as const, placeholder: "" };
  return [
    {
      key: "model",
      label: "Speech model",
      value: v.model,
      options: v.models.map((m) => ({
        value: m.name,
        label: `${m.name} – ${size(m.size_bytes)}${m.installed ? "" : " (not installed)"}`,
        disabled: !m.installed,
      })),
      managed: managed("model"),
      env: env("model"),
      ...select,
    },
    {
      key: "mic_device",
      label: "Microphone (you)",
      value: v.mic_device ?? "",
      options: devices("mic", v.mic_device),
      managed: managed("mic_device"),
      env: env("mic_device"),
      ...select,
    },
    {
      key: "loopback_device",
      label: "Caller audio (system output)",
      value: v.loopback_device ?? "",
      options: devices("loopback", v.loopback_device),
      managed: managed("loopback_device"),
      env: env("loopback_device"),
      ...select,
    },
    {
      key: "caller_channel",
      label: "Caller's channel in stereo recordings",
      value: v.caller_channel,
      options: [
        { value: "left", label: "Left (agent right)", disabled: false },
        { value: "right", label: "Right (agent left)", disabled: false },
      ],
      managed: managed("caller_channel"),
      env: env("caller_channel"),
      ...select,
    },
    {
      key: "knowledge_dir",
      label: "Knowledge base folder",
      kind: "text",
      value: v.knowledge_dir ?? "",
      options: [],
      placeholder: "none: no article suggestions",
      managed: managed("knowledge_dir"),
      env: env("knowledge_dir"),
    },
    {
      key: "suggestion_threshold",
      label: "Suggest an article from this confidence (%)",
      kind: "percent",
      value: String(Math.round(v.suggestion_threshold * 100)),
      options: [],
      placeholder: "",
      managed: managed("suggestion_threshold"),
      env: env("suggestion_threshold"),
    },
    {
      key: "assist_rules",
      label: "Alert rules and checklists file",
      kind: "text",
      value: v.assist_rules ?? "",
      options: [],
      placeholder: "none: the sensitive-data alerts only",
      managed: managed("assist_rules"),
      env: env("assist_rules"),
    },
    {
      key: "queue",
      label: "Queue (picks the checklist)",
      kind: "text",
      value: v.queue ?? "",
      options: v.queues.map((q) => ({ value: q, label: q, disabled: false })),
      placeholder: "none: the default checklist",
      managed: managed("queue"),
      env: env("queue"),
    },
  ];
}

/** An empty update: nothing changes. */
export function noChange(): SettingsUpdate {
  return {
    model: null,
    caller_channel: null,
    mic_device: null,
    loopback_device: null,
    knowledge_dir: null,
    suggestion_threshold: null,
    assist_rules: null,
    queue: null,
  };
}

/**
 * The update for what the agent entered (`entered`: each field's value as the form holds it):
 * only editable fields that changed. A percentage that is not a number from 0 to 100 throws,
 * with words for the agent (nothing is sent then).
 */
export function changes(v: SettingsView, entered: Partial<Record<Key, string>>): SettingsUpdate {
  const update = noChange();
  for (const f of fields(v)) {
    const value = entered[f.key];
    if (!editable(f) || value === undefined) continue;
    if (f.kind === "percent") {
      const t = value.trim() === "" ? NaN : Number(value);
      if (!Number.isFinite(t) || t < 0 || t > 100) {
        throw new Error(`${f.label}: enter a number from 0 to 100`);
      }
      if (Math.round(t) !== Number(f.value)) update.suggestion_threshold = Math.round(t) / 100;
      continue;
    }
    const text = f.kind === "text" ? value.trim() : value;
    if (text === f.value) continue;
    switch (f.key) {
      case "caller_channel":
        update.caller_channel = text === "right" ? "right" : "left";
        break;
      case "suggestion_threshold":
        break;
      default:
        update[f.key] = text;
    }
  }
  return update;
}

/** Read-only facts shown under the form. */
export function facts(v: SettingsView): { label: string; value: string; managed: boolean }[] {
  return [
    { label: "Calls kept", value: `${v.retention_days} days`, managed: v.managed.includes("retention_days") },
    {
      label: "Deleting calls",
      value: v.allow_delete ? "allowed" : "turned off: calls are kept until their retention ends",
      managed: v.managed.includes("allow_delete"),
    },
    {
      label: "SIPREC listens on",
      value: v.siprec_listen.join(", ") || "nowhere",
      managed: v.managed.includes("siprec_listen"),
    },
    {
      label: "SIPREC accepted from",
      value: v.siprec_allow.length ? v.siprec_allow.join(", ") : "this machine only (no allow-list set)",
      managed: v.managed.includes("siprec_allow"),
    },
    {
      label: "Agent addresses",
      value: v.siprec_agents.length ? v.siprec_agents.join(", ") : "none set: roles come from the metadata or the label rule",
      managed: v.managed.includes("siprec_agents"),
    },
    {
      label: "Organisation policy",
      value: v.policy_file ?? "none in force",
      managed: false,
    },
  ];
}
