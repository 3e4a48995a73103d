// Keyboard shortcuts. Pure: no DOM, tested with vitest.

/** What a shortcut does. */
export type Action =
  | "view-live"
  | "view-history"
  | "view-settings"
  | "open-file"
  | "listen"
  | "stop"
  | "search"
  | "help";

/** Every shortcut, for the help dialog and `aria-keyshortcuts`. */
export const SHORTCUTS: { keys: string; aria: string; action: Action; what: string }[] = [
  { keys: "Ctrl+1", aria: "Control+1", action: "view-live", what: "Live call" },
  { keys: "Ctrl+2", aria: "Control+2", action: "view-history", what: "History" },
  { keys: "Ctrl+3", aria: "Control+3", action: "view-settings", what: "Settings" },
  { keys: "Ctrl+O", aria: "Control+O", action: "open-file", what: "Choose a recording" },
  { keys: "Ctrl+L", aria: "Control+L", action: "listen", what: "Listen (microphone + system audio)" },
  { keys: "Ctrl+E", aria: "Control+E", action: "stop", what: "End the call" },
  { keys: "Ctrl+F", aria: "Control+F", action: "search", what: "Search History" },
  { keys: "F1", aria: "F1", action: "help", what: "These shortcuts" },
];

/** The minimal shape of a key event. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The action of a key press, if it is a shortcut (Cmd works for Ctrl on macOS). */
export function actionFor(e: KeyLike): Action | undefined {
  if (e.key === "F1" && !e.ctrlKey && !e.metaKey && !e.altKey) return "help";
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return undefined;
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  return SHORTCUTS.find((s) => s.keys === `Ctrl+${key}`)?.action;
}

/** The `aria-keyshortcuts` value of an action. */
export function ariaKeys(action: Action): string {
  return SHORTCUTS.find((s) => s.action === action)?.aria ?? "";
}
