// The Settings form's model, built from the app's SettingsView. Pure: no DOM, tested with vitest.
import type { SettingsView } from "./bindings/SettingsView";
import { size } from "./format";

/** A choice in a select. */
export interface Option {
  value: string;
  label: string;
  disabled: boolean;
}

/** One field of the form. */
export interface Field {
  key: "model" | "mic_device" | "loopback_device" | "caller_channel";
  label: string;
  value: string;
  options: Option[];
  /** Set by the organisation's policy: read-only, with the note. */
  managed: boolean;
}

/** The note next to a managed setting. */
export const MANAGED = "Managed by your organisation";

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
    },
    {
      key: "mic_device",
      label: "Microphone (you)",
      value: v.mic_device ?? "",
      options: devices("mic", v.mic_device),
      managed: managed("mic_device"),
    },
    {
      key: "loopback_device",
      label: "Caller audio (system output)",
      value: v.loopback_device ?? "",
      options: devices("loopback", v.loopback_device),
      managed: managed("loopback_device"),
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
    },
  ];
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
      label: "Knowledge base",
      value: v.knowledge_dir ? `${v.knowledge_dir} (suggested at ${Math.round(v.suggestion_threshold * 100)}% confidence)` : "none: no article suggestions",
      managed: v.managed.includes("knowledge_dir"),
    },
    {
      label: "Alert rules and checklists",
      value: v.assist_rules ?? "none: the sensitive-data alerts only",
      managed: v.managed.includes("assist_rules"),
    },
    {
      label: "Queue",
      value: v.queue ?? "none set: the default checklist",
      managed: v.managed.includes("queue"),
    },
    {
      label: "Organisation policy",
      value: v.policy_file ?? "none in force",
      managed: false,
    },
  ];
}
