// DOM rendering: elements and textContent only, never innerHTML, so no text can become markup.
import { timeline, type Alert, type Checklist, type Suggestion, type TimelinePoint, type Turn } from "./transcript";
import type { SearchHit } from "./bindings/SearchHit";
import { clock } from "./transcript";

/** An element with an optional class and text (as textContent). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const SVG = "http://www.w3.org/2000/svg";

/** A small padlock, drawn (no icon font or emoji needed). */
function lockIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 12 14");
  svg.setAttribute("width", "10");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("lock");
  const body = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: "1", y: "6", width: "10", height: "8", rx: "1.5" })) body.setAttribute(k, v);
  const shackle = document.createElementNS(SVG, "path");
  shackle.setAttribute("d", "M3.5 6V4a2.5 2.5 0 0 1 5 0v2");
  shackle.setAttribute("fill", "none");
  shackle.setAttribute("stroke", "currentColor");
  shackle.setAttribute("stroke-width", "1.6");
  body.setAttribute("fill", "currentColor");
  svg.append(shackle, body);
  return svg;
}

const SPEAKER: Record<string, string> = { caller: "Caller", agent: "Agent", unknown: "Speaker" };

/** One transcript turn. A chip carries the finding's type only: the value never reaches the UI. */
export function turnElement(t: Turn): HTMLLIElement {
  const li = el("li", `turn ${t.speaker}${t.partial ? " partial" : ""}`);
  li.dataset.id = String(t.id);
  li.dataset.state = t.partial ? "partial" : "final";
  const head = el("div", "turn-head");
  head.append(el("span", "speaker", SPEAKER[t.speaker] ?? t.speaker), el("time", "when", clock(t.startMs)));
  if (t.sentiment) {
    const s = t.sentiment;
    const mark = el(
      "span",
      `sentiment ${s.label}`,
      s.label === "positive" ? "▲" : s.label === "negative" ? "▼" : s.label === "unscored" ? "–" : "●",
    );
    mark.title = s.score === null ? "sentiment not scored" : `sentiment ${s.label} (${s.score.toFixed(2)})`;
    mark.setAttribute("aria-label", mark.title);
    head.append(mark);
  }
  const body = el("p", "text");
  for (const p of t.pieces) {
    if (p.kind === "text") {
      body.append(document.createTextNode(p.text));
    } else {
      const chip = el("span", `chip${p.sealed ? " sealed" : ""}`);
      chip.dataset.type = p.type;
      chip.append(lockIcon(), document.createTextNode(p.label));
      const what = p.sealed ? "sealed to your organisation's keys" : "redacted";
      chip.title = `${p.label}: ${what}`;
      chip.setAttribute("aria-label", `${p.label}, ${what}`);
      body.append(chip);
    }
  }
  li.append(head, body);
  return li;
}

/** Redraws the transcript list. */
export function renderTurns(list: HTMLElement, turns: Turn[]): void {
  list.replaceChildren(...turns.map(turnElement));
}

/** A table row of text cells. */
export function row(cells: string[]): HTMLTableRowElement {
  const tr = el("tr");
  for (const c of cells) tr.append(el("td", undefined, c));
  return tr;
}

/** The suggested articles: title, the matching part, why (a phrase the caller said, or the
 * confidence), and a button that hides it. */
export function renderSuggestions(
  list: HTMLElement,
  suggestions: Suggestion[],
  dismiss: (articleId: string) => void,
  rated: Map<string, boolean>,
  rate: (articleId: string, useful: boolean) => void,
): void {
  list.replaceChildren(...suggestions.map((s) => {
    const li = el("li", "suggestion");
    li.dataset.article = s.article_id;
    const head = el("div", "suggestion-head");
    head.append(el("strong", undefined, s.title));
    head.append(el("span", "hint", s.trigger ? ` caller said "${s.trigger}"` : ` ${Math.round(s.score * 100)}% match`));
    const hide = el("button", "dismiss", "Dismiss");
    hide.type = "button";
    hide.setAttribute("aria-label", `Dismiss ${s.title}`);
    hide.addEventListener("click", () => dismiss(s.article_id));
    head.append(hide);
    const feedback = el("div", "feedback");
    const given = rated.get(s.article_id);
    if (given === undefined) {
      for (const [label, useful] of [["Useful", true], ["Not useful", false]] as const) {
        const b = el("button", "rate", label);
        b.type = "button";
        b.setAttribute("aria-label", `${label}: ${s.title}`);
        b.addEventListener("click", () => rate(s.article_id, useful));
        feedback.append(b);
      }
    } else {
      feedback.append(el("span", "hint", given ? "Marked useful" : "Marked not useful"));
    }
    li.append(head, el("p", "suggestion-heading", s.heading), el("p", "suggestion-snippet", s.snippet), feedback);
    return li;
  }));
  list.hidden = suggestions.length === 0;
}

const ITEM_MARKS: Record<string, [string, string]> = {
  open: ["☐", "owed"],
  met: ["☑", "done"],
  met_out_of_order: ["☑", "done, out of order"],
  missed_order: ["☒", "owed, and now out of order"],
};

/** The compliance checklist: each item with its tick and state in words, and the score. */
export function renderChecklist(box: HTMLElement, checklist: Checklist | undefined): void {
  if (!checklist) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const head = el("p", "checklist-head", `Checklist: ${Math.round(checklist.score * 100)}% kept`);
  const items = el("ul", "checklist-items");
  items.append(...checklist.items.map((i) => {
    const [mark, words] = ITEM_MARKS[i.state] ?? ["☐", i.state];
    const li = el("li", `item item-${i.state}`);
    li.dataset.item = i.id;
    li.append(el("span", "mark", mark), el("span", undefined, ` ${i.label}`), el("span", "hint", ` — ${words}`));
    return li;
  }));
  box.replaceChildren(head, items);
  box.hidden = false;
}

/** The sentiment timeline: one line per speaker over the call (x: time, y: −1 … +1), with a
 * text summary for screen readers. Built with SVG elements, never markup. */
export function renderTimeline(box: HTMLElement, turns: Turn[]): void {
  const t = timeline(turns);
  if (t.caller.length === 0 && t.agent.length === 0) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const ns = "http://www.w3.org/2000/svg";
  const [w, h, pad] = [600, 90, 6];
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("class", "timeline");
  svg.setAttribute("role", "img");
  const mean = (p: TimelinePoint[]) => (p.length ? p.reduce((a, b) => a + b.y, 0) / p.length : undefined);
  const word = (v: number | undefined) =>
    v === undefined ? "no score yet" : v > 0.15 ? "positive" : v < -0.15 ? "negative" : "neutral";
  // The last three turns of each say how it goes now.
  const now = (p: TimelinePoint[]) => mean(p.slice(-3));
  svg.setAttribute("aria-label", `Sentiment over the call: caller ${word(now(t.caller))}, agent ${word(now(t.agent))}`);
  const y = (v: number) => h / 2 - v * (h / 2 - pad);
  const axis = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", "0"], ["x2", String(w)], ["y1", String(h / 2)], ["y2", String(h / 2)], ["class", "axis"]]) axis.setAttribute(k, v);
  svg.append(axis);
  for (const [who, points] of [["caller", t.caller], ["agent", t.agent]] as const) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("class", `line ${who}`);
    line.setAttribute("points", points.map((p) => `${(pad + p.x * (w - 2 * pad)).toFixed(1)},${y(p.y).toFixed(1)}`).join(" "));
    svg.append(line);
    for (const p of points) {
      const dot = document.createElementNS(ns, "circle");
      dot.setAttribute("class", `dot ${who}`);
      dot.setAttribute("cx", (pad + p.x * (w - 2 * pad)).toFixed(1));
      dot.setAttribute("cy", y(p.y).toFixed(1));
      dot.setAttribute("r", "3");
      svg.append(dot);
    }
  }
  const legend = el("p", "timeline-legend");
  legend.append(el("span", "legend caller", `caller: ${word(now(t.caller))}`), el("span", "legend agent", ` agent: ${word(now(t.agent))}`));
  box.replaceChildren(svg, legend);
  box.hidden = false;
}

/** The agent's own search results: title, heading and the matching part. */
export function renderSearchHits(list: HTMLElement, hits: SearchHit[]): void {
  list.replaceChildren(...hits.map((h) => {
    const li = el("li", "suggestion");
    li.dataset.article = h.article_id;
    const head = el("div", "suggestion-head");
    head.append(el("strong", undefined, h.title), el("span", "hint", ` ${Math.round(h.score * 100)}% match`));
    li.append(head, el("p", "suggestion-heading", h.heading), el("p", "suggestion-snippet", h.snippet));
    return li;
  }));
  list.hidden = hits.length === 0;
}

/** The call's alerts, newest first: severity and category (never the words). */
export function renderAlerts(list: HTMLElement, alerts: Alert[]): void {
  list.replaceChildren(...alerts.map((a) => {
    const li = el("li", `alert alert-${a.severity}`);
    li.dataset.rule = a.rule;
    li.append(el("strong", undefined, a.severity === "critical" ? "Stop: " : a.severity === "warning" ? "Warning: " : "Note: "), el("span", undefined, a.category));
    return li;
  }));
  list.hidden = alerts.length === 0;
}
