// Single sign-on in Debian's Chromium, driven by Playwright, through the real OpenID provider
// that crates/earshot-hub/tests/web.rs runs (hub-ui/tests/idp.mjs; any password is accepted
// there, the groups come from the test). Exits non-zero on the first failed check.
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, check, env, totp } from "./helpers.mjs";

const URL = env("HUB_URL");
const ISSUER = env("IDP_ISSUER");
const SHOTS = env("SHOTS");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: CHROMIUM_ARGS,
});
let dialogs = 0;

/** A fresh browser (the hub's certificate is from its private CA). */
async function fresh() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });
  if (process.env.SSO_TRACE) page.on("framenavigated", (f) => console.log(`navigated: ${f.url()}`));
  return { context, page };
}

/** At the provider: signs in as `login` (any password) and consents, until back at the hub. */
async function atProvider(page, login) {
  for (let i = 0; i < 4 && !page.url().startsWith(URL); i++) {
    await page.waitForURL((u) => u.href.startsWith(URL) || u.href.startsWith(`${ISSUER}/interaction/`), { timeout: 15_000 });
    if (page.url().startsWith(URL)) break;
    if (await page.$("input[name=login]")) {
      await page.fill("input[name=login]", login);
      await page.fill("input[name=password]", "anything at all");
      await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    } else {
      await Promise.all([page.waitForNavigation(), page.click("button:has-text('Continue')")]);
    }
  }
  await page.waitForURL((u) => u.href.startsWith(URL), { timeout: 15_000 });
}

try {
  // A supervisor follows a link to a call, signs in through the provider and lands on it.
  {
    const { context, page } = await fresh();
    await page.goto(`${URL}/#/call/${env("BLUE_ID")}`);
    await page.waitForSelector("#sso:not([hidden])");
    check((await page.textContent("#sso-link")) === "Sign in with the test provider", "the single sign-on button is shown with its label");
    check(await page.isVisible("#sso-note"), "local passwords are said to be for the emergency admin");
    await page.screenshot({ path: `${SHOTS}/hub-sso-signin.png` });
    let auth = "";
    page.on("request", (r) => { if (!auth && r.url().startsWith(`${ISSUER}/auth`)) auth = r.url(); });
    await page.click("#sso-link");
    await page.waitForURL((u) => u.href.startsWith(ISSUER));
    check(auth.includes("code_challenge_method=S256") && auth.includes("nonce="), "authorization code with PKCE and a nonce");
    await atProvider(page, "sam");
    await page.waitForSelector("#who:has-text('sam (supervisor)')");
    await page.waitForSelector("#view-call:not([hidden]) #call-detail .phrase");
    check((await page.textContent("#call-detail")).includes("refund"), "back at the call the link asked for");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "__Host-earshot");
    check(session && session.httpOnly && session.secure && session.sameSite === "Strict", "a Strict, HttpOnly, Secure session cookie");
    check(!cookies.some((c) => c.name === "__Host-earshot-sso" && c.value !== ""), "the flow cookie is spent");
    check(await page.isHidden("#nav-admin") && await page.isVisible("#nav-live"), "the supervisor's pages only");
    // Another team's call: refused by direct URL.
    await page.goto(`${URL}/#/call/${env("RED_ID")}`);
    await page.waitForSelector("#error:not([hidden])");
    check((await page.textContent("#error")).includes("no such summary"), "another team's call is refused");
    await page.goto(`${URL}/#/calls`);
    await page.waitForFunction(() => document.getElementById("calls-count").textContent === "1 call");
    check((await page.textContent("#calls-body")).includes("alice"), "the team's call is listed");
    await page.screenshot({ path: `${SHOTS}/hub-sso-calls.png`, fullPage: true });
    await context.close();
  }

  // `next` stays inside the hub: another site is replaced by the hub's start page; a hub page is kept.
  for (const [next, lands] of [["https://evil.example/", `${URL}/`], ["//evil.example/x", `${URL}/`], ["/#/live", `${URL}/#/live`]]) {
    const { context, page } = await fresh();
    await page.goto(`${URL}/web/sso?next=${encodeURIComponent(next)}`);
    await atProvider(page, "sam");
    await page.waitForSelector("#who:has-text('sam')");
    check(page.url().startsWith(lands), `next=${next} lands on ${page.url()}`);
    await context.close();
  }

  // Groups that give no role, or two roles, and a local account's name: refused in plain words.
  for (const [login, says] of [["nora", "none of your groups"], ["max", "more than one hub role"], ["root", "local account"]]) {
    const { context, page } = await fresh();
    await page.goto(`${URL}/`);
    await page.click("#sso-link");
    await atProvider(page, login);
    await page.waitForSelector("#signin-error:not([hidden])");
    const text = await page.textContent("#signin-error");
    check(text.includes(says), `${login} is refused: ${text}`);
    check(!page.url().includes("sso_error"), "the error code is taken off the address");
    check(await page.isHidden("#nav"), "no navigation before sign-in");
    check((await page.evaluate(async () => (await fetch("/web/me")).status)) === 401, `${login} has no session`);
    if (login === "nora") await page.screenshot({ path: `${SHOTS}/hub-sso-refused.png` });
    await context.close();
  }

  // The emergency admin: a local password and TOTP still work with the provider in place, and
  // the admin page lists the use.
  {
    const { context, page } = await fresh();
    await page.goto(`${URL}/`);
    await page.fill("#signin-name", env("ADMIN_USER"));
    await page.fill("#signin-password", env("ADMIN_PASSWORD"));
    await page.click("#signin-submit");
    await page.waitForSelector("#totp-setup:not([hidden])");
    const secret = (await page.textContent("#totp-secret")).trim();
    await page.fill("#totp-code", totp(secret, Math.floor(Date.now() / 30_000)));
    await page.click("#totp-submit");
    await page.click("#recovery-done");
    await page.waitForSelector("#view-admin:not([hidden]) #emergency-body tr");
    check((await page.textContent("#emergency-body")).includes(env("ADMIN_USER")), "the emergency sign-in is listed on the admin page");
    check((await page.textContent("#emergency-state")).includes("Single sign-on is on"), "the admin page says single sign-on is on");
    check((await page.textContent("#users-body")).includes("sam"), "the provider's supervisor is among the people");
    await page.screenshot({ path: `${SHOTS}/hub-admin-emergency.png`, fullPage: true });
    await context.close();
  }

  check(dialogs === 0, "no dialog opened");
  console.log("all checks passed");
} finally {
  await browser.close();
}
