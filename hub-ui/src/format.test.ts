import { describe, expect, it } from "vitest";
import { csv, csvCell, duration, gapPlaces, listQuery, parts, safeNext, ssoMessage, trendWord } from "./format";

describe("where audio is missing", () => {
  const g = (start_ms: number, end_ms: number, kind: "lost" | "dropped" = "lost") => ({ speaker: "caller", kind, start_ms, end_ms });
  it("says whose, where and how long", () => {
    expect(gapPlaces([g(83_000, 84_200, "dropped"), g(125_000, 125_020)])).toBe(
      "caller at 1:23 (1.2 s dropped); caller at 2:05 (20 ms lost)",
    );
  });
  it("is empty without spans and counts what it does not list", () => {
    expect(gapPlaces(undefined)).toBe("");
    expect(gapPlaces([])).toBe("");
    const many = Array.from({ length: 8 }, (_, k) => g(k * 60_000, k * 60_000 + 500));
    expect(gapPlaces(many)).toMatch(/; 3 more$/);
    expect(gapPlaces(many).split("; ").length).toBe(6);
  });
});

describe("CSV export", () => {
  it("neutralises cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(3)).toBe("3");
  });
  it("quotes commas, quotes and line breaks, with CRLF rows", () => {
    expect(csv([["a,b", "say \"hi\""], ["x\ny", null]])).toBe("\"a,b\",\"say \"\"hi\"\"\"\r\n\"x\ny\",\r\n");
  });
});

describe("formatting", () => {
  it("durations and trends", () => {
    expect(duration(65_000)).toBe("1:05");
    expect(duration(3_725_000)).toBe("1:02:05");
    expect(trendWord("DOWN")).toBe("worsening ↘");
    expect(trendWord(null)).toBe("–");
  });
  it("cuts redacted text into words and tags", () => {
    expect(parts("card [CREDIT_DEBIT_NUMBER] ok")).toEqual([
      { text: "card ", tag: false },
      { text: "CREDIT_DEBIT_NUMBER", tag: true },
      { text: " ok", tag: false },
    ]);
  });
  it("builds the list query from the filters", () => {
    const q = listQuery({ windowMs: 7_200_000, team: "t1", agent: " sam ", trend: "", sensitive: true, alert: "" }, 10_000_000, "c");
    expect(q).toBe("limit=100&from_ms=2800000&team=t1&agent=sam&had_sensitive=true&cursor=c");
    const q2 = listQuery({ windowMs: 7_200_000, team: "", agent: "", trend: "DOWN", sensitive: false, alert: " Legal threat " }, 10_000_000);
    expect(q2).toBe("limit=100&from_ms=2800000&caller_trend=DOWN&alert=Legal+threat");
    const q3 = listQuery({ windowMs: 7_200_000, team: "", agent: "", trend: "", sensitive: false, alert: "", sort: "duration", order: "asc" }, 10_000_000);
    expect(q3).toBe("limit=100&from_ms=2800000&sort=duration&order=asc");
  });
});

describe("redirect after sign-in", () => {
  it("stays inside the hub", () => {
    expect(safeNext("#/live")).toBe("#/live");
    expect(safeNext("#/call/00112233445566778899aabbccddeeff")).toBe("#/call/00112233445566778899aabbccddeeff");
    expect(safeNext("https://evil.example/")).toBe("#/calls");
    expect(safeNext("//evil.example")).toBe("#/calls");
    expect(safeNext("#/calls@evil")).toBe("#/calls");
    expect(safeNext(null)).toBe("#/calls");
  });
});

describe("ssoMessage", () => {
  it("explains each refusal and never echoes an unknown code", () => {
    expect(ssoMessage("norole")).toContain("none of your groups");
    expect(ssoMessage("local")).toContain("local account");
    expect(ssoMessage("Call 0800 to fix your account")).toBe("Single sign-on failed. Start again.");
    expect(ssoMessage("constructor")).toBe("Single sign-on failed. Start again.");
  });
});
