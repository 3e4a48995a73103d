// The hub's pages in Debian's Chromium, driven by Playwright (playwright-core: its own browser
// download cannot work here). Run by crates/earshot-hub/tests/web.rs, which serves the hub,
// uploads the summaries and passes their ids, the supervisor's password and a device's
// certificate (for the live board's heartbeats) in the environment. Exits non-zero on the
// first failed check.
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, check, env, totp } from "./helpers.mjs";
import { readFileSync } from "node:fs";
import https from "node:https";

const URL = env("HUB_URL");
const SHOTS = env("SHOTS");

/** A heartbeat from the enrolled device (mutual TLS with its certificate). */
function heartbeat(body) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${URL}/v1/heartbeat`, {
      method: "POST",
      cert: readFileSync(env("DEVICE_CERT")),
      key: readFileSync(env("DEVICE_KEY")),
      ca: readFileSync(env("HUB_CA")),
      headers: { "content-type": "application/json" },
    }, (res) => { res.resume(); res.on("end", () => (res.statusCode === 204 ? resolve() : reject(new Error(`heartbeat: ${res.statusCode}`)))); });
    req.on("error", reject);
    req.end(JSON.stringify({ on_call: false, duration_ms: 0, caller_trend: null, alerts: [], outbox_len: 0, ...body }));
  });
}

/** Signs `user` in, in a fresh browser context, setting up their authenticator. */
async function signIn(user, password) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });
  await page.goto(`${URL}/`);
  await page.fill("#signin-name", user);
  await page.fill("#signin-password", password);
  await page.click("#signin-submit");
  await page.waitForSelector("#totp-setup:not([hidden])");
  const secret = (await page.textContent("#totp-secret")).trim();
  await page.fill("#totp-code", totp(secret, Math.floor(Date.now() / 30_000)));
  await page.click("#totp-submit");
  await page.click("#recovery-done");
  await page.waitForSelector(`#who:has-text('${user}')`);
  return page;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: CHROMIUM_ARGS,
});
let dialogs = 0;
try {
  // The hub's certificate is from its private CA: TLS itself is tested by the API tests.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  // A direct link to another team's call, before signing in: the sign-in page comes first.
  const first = await page.goto(`${URL}/#/call/${env("OTHER_TEAM_ID")}`);
  const csp = first.headers()["content-security-policy"] ?? "";
  check(csp.includes("script-src 'self'") && !csp.includes("unsafe") && csp.includes("frame-ancestors 'none'"), `a strict CSP: ${csp}`);
  check(first.headers()["x-content-type-options"] === "nosniff", "nosniff");
  await page.waitForSelector("#view-signin:not([hidden])");

  // A wrong password is refused in plain words.
  await page.fill("#signin-name", env("HUB_USER"));
  await page.fill("#signin-password", "not the password");
  await page.click("#signin-submit");
  await page.waitForSelector("#signin-error:not([hidden])");
  check((await page.textContent("#signin-error")).includes("not right"), "a wrong password is refused");

  // Password, then the authenticator set-up (QR code and key), then its code.
  await page.fill("#signin-password", env("HUB_PASSWORD"));
  await page.click("#signin-submit");
  await page.waitForSelector("#totp-setup:not([hidden])");
  const qr = await page.getAttribute("#totp-qr", "src");
  check(qr.startsWith("data:image/svg+xml;base64,"), "the QR code of the set-up is shown");
  const secret = (await page.textContent("#totp-secret")).trim();
  check(/^[A-Z2-7]{32}$/.test(secret), "the key is shown");
  await page.screenshot({ path: `${SHOTS}/hub-signin-setup.png` });
  const step = Math.floor(Date.now() / 30_000);
  const code = totp(secret, step);
  await page.fill("#totp-code", code);
  await page.click("#totp-submit");
  // Recovery codes, shown once, before anything else.
  await page.waitForSelector("#recovery:not([hidden])");
  const recovery = await page.$$eval("#recovery-codes li", (lis) => lis.map((li) => li.textContent));
  check(recovery.length === 10 && recovery.every((c) => /^[0-9a-f]{5}-[0-9a-f]{5}$/.test(c)), "ten recovery codes are shown once");
  await page.click("#recovery-done");
  await page.waitForSelector("#who:has-text('sup')");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "__Host-earshot");
  check(session && session.httpOnly && session.secure && session.sameSite === "Strict", "the session cookie is HttpOnly, Secure, SameSite=Strict");

  // The same code again, in another browser: refused (a time step is taken once).
  const other = await browser.newContext({ ignoreHTTPSErrors: true });
  const second = await other.newPage();
  await second.goto(`${URL}/`);
  await second.fill("#signin-name", env("HUB_USER"));
  await second.fill("#signin-password", env("HUB_PASSWORD"));
  await second.click("#signin-submit");
  await second.waitForSelector("#totp-form:not([hidden])");
  check(await second.isHidden("#totp-setup"), "a confirmed authenticator is not shown again");
  await second.fill("#totp-code", code);
  await second.click("#totp-submit");
  await second.waitForSelector("#signin-error:not([hidden])");
  check((await second.textContent("#signin-error")).includes("used already"), "a reused code is refused");
  await other.close();

  // After sign-in the link is followed, and the other team's call is refused.
  await page.waitForSelector("#view-call:not([hidden])");
  await page.waitForSelector("#error:not([hidden])");
  check((await page.textContent("#error")).includes("no such summary"), "another team's call is refused by direct URL");

  // The calls of the supervisor's team, newest first; the red team's call is not there.
  await page.goto(`${URL}/#/calls`);
  await page.waitForFunction(() => document.querySelectorAll("#calls-body tr").length >= 4);
  const rows = await page.$$eval("#calls-body tr", (trs) => trs.map((tr) => tr.textContent));
  check(rows.length === 4, `four calls of team blue (${rows.length})`);
  check(!rows.some((r) => r.includes("bob")), "no call of another team");
  check(rows[0].includes("alice") && rows[3].includes("@evil"), "newest first");
  await page.screenshot({ path: `${SHOTS}/hub-calls.png`, fullPage: true });

  // Filters: sensitive input, then a caller trend.
  await page.check("#f-sensitive");
  await page.click("#f-apply");
  await page.waitForFunction(() => document.getElementById("calls-count").textContent === "2 calls");
  await page.uncheck("#f-sensitive");
  await page.selectOption("#f-trend", "UP");
  await page.click("#f-apply");
  await page.waitForFunction(() => document.getElementById("calls-count").textContent === "1 call");
  check((await page.textContent("#calls-body")).includes("improving"), "the trend filter");
  await page.selectOption("#f-trend", "");
  // An alert category (offered from the calls seen): the one call that raised it, with pills.
  check((await page.$$eval("#alert-categories option", (os) => os.map((o) => o.value))).includes("Legal threat"), "the categories seen are offered");
  await page.fill("#f-alert", "Legal threat");
  await page.click("#f-apply");
  // (The trend filter above also left one call: wait for the new list, not the count.)
  await page.waitForFunction(() => document.querySelector("#calls-body")?.textContent.includes("Legal threat"));
  check((await page.textContent("#calls-count")) === "1 call", "only the call that raised it");
  const pills = await page.$$eval("#calls-body .pill", (ps) => ps.map((p) => `${p.className}|${p.textContent}`));
  check(pills.includes("pill pill-critical|Legal threat ×2"), `the alert pills (${pills})`);
  check((await page.textContent("#calls-body")).includes("50 %"), "the checklist score");
  await page.fill("#f-alert", "");
  await page.click("#f-apply");
  await page.waitForFunction(() => document.getElementById("calls-count").textContent === "4 calls");

  // A column header orders the list on the hub; again, the other way round.
  await page.click("#calls button[data-sort='caller_sentiment']");
  await page.waitForFunction(() => document.querySelector("#calls th[aria-sort='descending'] button")?.dataset.sort === "caller_sentiment");
  // Every call has the same caller sentiment: the id breaks the tie, the largest (@evil's) first.
  await page.waitForFunction(() => document.querySelector("#calls-body tr")?.textContent.includes("@evil"));
  await page.click("#calls button[data-sort='findings']");
  await page.waitForFunction(() => document.querySelector("#calls-body tr td:nth-child(10)")?.textContent === "yes (2)");
  let cells = await page.$$eval("#calls-body tr td:nth-child(10)", (tds) => tds.map((td) => td.textContent));
  check(cells[0] === "yes (2)" && cells[3] === "no", `most findings first (${cells})`);
  await page.click("#calls button[data-sort='findings']");
  await page.waitForFunction(() => document.querySelector("#calls th[aria-sort='ascending'] button")?.dataset.sort === "findings");
  await page.waitForFunction(() => document.querySelector("#calls-body tr td:nth-child(10)")?.textContent === "no");
  cells = await page.$$eval("#calls-body tr td:nth-child(10)", (tds) => tds.map((td) => td.textContent));
  check(cells[3] === "yes (2)", `fewest first (${cells})`);
  await page.click("#calls button[data-sort='started']");
  await page.waitForFunction(() => document.querySelector("#calls th[aria-sort='descending'] button")?.dataset.sort === "started");
  await page.waitForFunction(() => document.querySelector("#calls-body tr")?.textContent.includes("alice"));

  // CSV export: the agent named "@evil" cannot become a formula.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const csvText = readFileSync(await download.path(), "utf8");
  check(csvText.split("\r\n").length === 6, "a header and four rows");
  check(csvText.includes(",'@evil,") && !csvText.includes(",@evil,"), "a formula-like cell is neutralised");
  check(csvText.includes("'=HYPERLINK") && !csvText.includes(",=HYPERLINK"), "a formula in a key phrase is neutralised");

  // The call whose key phrase and key turn carry markup: shown as text, never run.
  await page.goto(`${URL}/#/call/${env("XSS_ID")}`);
  await page.waitForSelector("#call-detail .phrase");
  const phrases = await page.$$eval("#call-detail .phrase", (ps) => ps.map((p) => p.textContent));
  check(phrases.includes('<img src=x onerror="alert(1)">'), "the markup is shown as text");
  check((await page.textContent("#call-detail .turns")).includes("<script>alert(2)</script>"), "the key turn's markup is text");
  check((await page.$$("#call-detail img")).length === 0 && (await page.$$("#call-detail script")).length === 0, "no element was made from it");
  check((await page.$$("#call-detail .chip")).length === 1, "the redacted value is a chip");
  check((await page.textContent("#call-detail")).includes("3 packets lost"), "audio gaps are shown");
  check((await page.textContent("#call-detail")).includes("caller at 1:23 (60 ms lost)"), "where audio is missing is shown");
  check((await page.$$("#call-detail svg.chart polyline")).length === 2, "the sentiment chart has both speakers");
  await page.screenshot({ path: `${SHOTS}/hub-call-detail.png`, fullPage: true });

  // The call with alerts: counts by category and the checklist's outcome, ids only.
  await page.goto(`${URL}/#/call/${env("ALERT_ID")}`);
  await page.waitForSelector("#call-detail .alert-counts");
  // The previous call's view can still be on screen for a moment: wait for this one's counts
  // (a timeout leaves the check below to fail).
  await page
    .waitForFunction(() => document.querySelector("#call-detail")?.textContent.includes("Legal threat"), null, { timeout: 10_000 })
    .catch(() => {});
  const detail = await page.textContent("#call-detail");
  check(detail.includes("Legal threat 2 times (critical)"), "alert counts on the call");
  check(detail.includes("50 % (weighted, items met in order)") && detail.includes("Not metverify identity") && detail.includes("Met2 of 3"), "the checklist's outcome");

  // The live board: a call starts on the workstation, then ends; each within 5 s.
  await heartbeat({ on_call: true, duration_ms: 42_000, caller_trend: "DOWN", alerts: ["Asks for a manager"] });
  await page.goto(`${URL}/#/live`);
  const t0 = Date.now();
  await page.waitForSelector("#live-body tr.on-call[data-agent='alice']", { timeout: 5_000 });
  check(Date.now() - t0 <= 5_000, "the call shows within 5 s");
  check((await page.textContent("#live-body")).includes("worsening"), "with the caller's trend");
  check((await page.textContent("#live-body")).includes("Asks for a manager"), "and the alert categories raised");
  await page.screenshot({ path: `${SHOTS}/hub-live.png` });
  await heartbeat({ on_call: false });
  const t1 = Date.now();
  await page.waitForSelector("#live-body tr.idle[data-agent='alice']", { timeout: 5_000 });
  check(Date.now() - t1 <= 5_000, "the end of the call shows within 5 s");

  // A state change without the CSRF token is refused, even with the cookie.
  const forged = await page.evaluate(async () => (await fetch("/web/logout-all", { method: "POST" })).status);
  check(forged === 403, `no CSRF token, no change (${forged})`);

  // Sign out: the session is over.
  await page.click("#logout");
  await page.waitForSelector("#view-signin:not([hidden])");
  const after = await page.evaluate(async () => (await fetch("/web/me")).status);
  check(after === 401, "signed out");

  // The admin: devices and enrollment tokens, each change confirmed in the page.
  const admin = await signIn(env("ADMIN_USER"), env("ADMIN_PASSWORD"));
  await admin.waitForSelector("#view-admin:not([hidden]) #devices-body tr", { timeout: 10_000 }).catch(async (e) => {
    await admin.screenshot({ path: `${SHOTS}/hub-failure.png` });
    throw new Error(`${e.message}; at ${admin.url()}: ${await admin.textContent("main")}`);
  });
  check(await admin.isHidden("#nav-calls") && await admin.isHidden("#nav-live") && await admin.isVisible("#nav-admin"), "the admin sees the admin page only");
  check((await admin.$$("#devices-body tr")).length === 3, "three devices");
  await admin.click("#devices-body tr:has-text('@evil') button");
  await admin.waitForSelector("#confirm[open]");
  await admin.click("#confirm-no");
  check((await admin.textContent("#devices-body tr:has-text('@evil')")).includes("active"), "a cancelled revocation changes nothing");
  await admin.click("#devices-body tr:has-text('@evil') button");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#devices-body tr:has-text('@evil'):has-text('revoked')");
  await admin.fill("#token-team", "green");
  await admin.fill("#token-days", "3");
  await admin.click("#token-create");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#token-created:not([hidden])");
  check(/^[0-9a-f]{64}$/.test((await admin.textContent("#token-secret")).trim()), "the new token is shown once");
  await admin.waitForSelector("#tokens-body tr:has-text('green'):has-text('open')");
  // People: add a supervisor of team green (confirmed), then remove them.
  await admin.fill("#user-name", "carol");
  await admin.selectOption("#user-role", "supervisor");
  await admin.fill("#user-teams", "green, blue");
  await admin.click("#user-create");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#users-body tr[data-user='carol']:has-text('green, blue')");
  check(/^[0-9a-f]{64}$/.test((await admin.textContent("#user-token")).trim()), "the new person's API token is shown once");
  // Her web password, set from the page (confirmed); a short one is refused in plain words.
  await admin.selectOption("#pw-set-name", "carol");
  await admin.fill("#pw-set-password", "carol's first password");
  await admin.click("#pw-set-submit");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#pw-set-done:not([hidden])");
  check((await admin.textContent("#pw-set-done")).includes("carol"), "the admin set carol's web password");
  const short = await admin.evaluate(async () => {
    const me = await (await fetch("/web/me")).json();
    const r = await fetch("/web/users/carol/password", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": me.csrf }, body: JSON.stringify({ password: "short" }) });
    return r.status;
  });
  check(short === 422, `a short password is refused (${short})`);
  // Carol signs in with it, setting up her authenticator.
  const carol = await signIn("carol", "carol's first password");
  check(await carol.isVisible("#nav-calls"), "carol is in with the password the admin set");
  await carol.context().close();
  // Retention: the audit floor is refused in plain words, a valid change is kept.
  await admin.fill("#ret-audit", "30");
  await admin.click("#ret-save");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#error:not([hidden])");
  check((await admin.textContent("#error")).includes("365"), `the audit floor is explained: ${await admin.textContent("#error")}`);
  await admin.fill("#ret-summary", "60");
  await admin.fill("#ret-audit", "400");
  await admin.click("#ret-save");
  await admin.click("#confirm-yes");
  await admin.waitForFunction(() => document.getElementById("ret-summary").value === "60" && document.getElementById("error").hidden);
  await admin.screenshot({ path: `${SHOTS}/hub-admin.png`, fullPage: true });
  await admin.click("#users-body tr[data-user='carol'] button");
  await admin.click("#confirm-yes");
  await admin.waitForSelector("#users-body tr[data-user='carol']", { state: "detached" });
  await admin.goto(`${URL}/#/call/${env("XSS_ID")}`);
  await admin.waitForSelector("#error:not([hidden])");
  check((await admin.textContent("#error")).includes("forbidden"), "the admin cannot read a call's summary");

  // The auditor: the log, filtered, and the chain's verdict.
  const auditor = await signIn(env("AUDITOR_USER"), env("AUDITOR_PASSWORD"));
  await auditor.waitForSelector("#view-audit:not([hidden]) #audit-body tr");
  await auditor.waitForSelector("#audit-verdict.ok");
  check((await auditor.textContent("#audit-verdict")).includes("intact"), "the chain verifies");
  await auditor.fill("#a-action", "revoke");
  await auditor.click("#a-apply");
  await auditor.waitForFunction(() => [...document.querySelectorAll("#audit-body tr")].every((tr) => tr.textContent.includes("revoke")));
  check((await auditor.textContent("#audit-body")).includes(env("ADMIN_USER")), "the revocation is in the log with its admin");
  await auditor.screenshot({ path: `${SHOTS}/hub-audit.png`, fullPage: true });

  check(dialogs === 0, "no script ran from stored data");
  check(errors.filter((e) => !e.includes("401") && !e.includes("404") && !e.includes("403")).length === 0, `no console errors: ${errors.join(" | ")}`);
  console.log("all checks passed");
} finally {
  await browser.close();
}
