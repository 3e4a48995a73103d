//! The hub's web pages and their sign-in: local accounts with an argon2id password and a
//! mandatory TOTP second factor, cookie sessions with a CSRF token.
//!
//! - `POST /web/login` `{name, password}`: a right password opens a *pending* sign-in (5 min)
//!   whose second factor is due; a person without a confirmed TOTP secret is given a new one
//!   (otpauth URI and QR code) to set up. Wrong passwords and codes count towards a lockout
//!   (after 5 in a row: 30 s, doubling, at most 15 min), which the answer states.
//! - `POST /web/totp` `{pending, code}`: the code of the current time step (±1), never one whose
//!   step was used before, turns the pending sign-in into a session: a new random id (the pending
//!   one is dropped, so the id rotates at sign-in) in a `__Host-` cookie that is HttpOnly,
//!   Secure and SameSite=Strict. Idle timeout 30 min, absolute 12 h.
//! - `GET /web/me`: who is signed in and the CSRF token every state-changing request made with
//!   the cookie must carry in `X-CSRF-Token` (the gate refuses it otherwise).
//! - Setting up the authenticator gives 10 recovery codes, shown once; each stands in for a
//!   TOTP code once (stored as SHA-256: they are random, 40 bits each, behind the lockout).
//! - `POST /web/password` `{current, new}`: the person's other sessions end.
//! - `POST /web/logout`, `POST /web/logout-all` (every session of the person).
//! - The pages (`/`, `/app.js`, `/app.css`), built from `hub-ui/` and compiled in, are served
//!   with a strict Content-Security-Policy (scripts and styles from the hub only, no inline
//!   script, no framing).

use crate::api::{ApiError, Principal};
use crate::store::{WebLogin, WebSession};
use crate::{now_ms, token_hash, Hub, HubError};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The session cookie (`__Host-`: Secure, path `/`, no domain).
pub const COOKIE: &str = "__Host-earshot";
/// The cookie that binds a single sign-on in progress to the browser that started it
/// (SameSite=Lax: the provider's redirect back is a cross-site navigation).
pub const SSO_COOKIE: &str = "__Host-earshot-sso";
/// A single sign-on must come back within this long.
pub const SSO_FLOW_MS: i64 = 10 * 60_000;
/// The hub setting that lists the latest emergency sign-ins.
pub const EMERGENCY_SETTING: &str = "emergency_sign_ins";
/// The header state-changing requests made with the cookie carry.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session without a request for this long is over.
pub const IDLE_MS: i64 = 30 * 60_000;
/// A session is over this long after sign-in, however busy.
pub const ABSOLUTE_MS: i64 = 12 * 3_600_000;
/// A right password waits this long for its second factor.
pub const PENDING_MS: i64 = 5 * 60_000;
/// Failures in a row before sign-in is locked.
pub const LOCK_AFTER: i64 = 5;
/// TOTP time step.
const STEP_S: u64 = 30;

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The name a sign-in attempt was for, for the audit entry of the request (set on the response).
#[derive(Debug, Clone)]
pub struct SignInName(pub String);

/// `r` (or the error) with the name it was for attached.
fn named<T: IntoResponse>(name: &str, r: Result<T, ApiError>) -> Response {
    let mut response = match r {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    if crate::plain_name(name) {
        response
            .extensions_mut()
            .insert(SignInName(name.to_string()));
    }
    response
}

/// [`named`] with `name` only if it is a person's: whatever else was typed into a name field,
/// or a provider's user the hub refused (a number, say), does not reach the audit log.
async fn named_if_person<T: IntoResponse>(
    hub: &Arc<Hub>,
    name: String,
    r: Result<T, ApiError>,
) -> Response {
    let known = {
        let (hub, name) = (hub.clone(), name.clone());
        tokio::task::spawn_blocking(move || hub.store.user(&name).ok().flatten().is_some())
            .await
            .unwrap_or(false)
    };
    named(if known { &name } else { "" }, r)
}

/// The session a cookie names, as the gate found it.
#[derive(Debug, Clone)]
pub struct CookieSession(pub WebSession);

/// The session cookie's value in `headers`, if any.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The value of the cookie `name` in `headers`, if any.
fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
}

/// Whether `s` is live at `now` (not pending, within the idle and absolute limits).
pub fn live(s: &WebSession, now: i64) -> bool {
    !s.pending && now - s.seen_ms <= IDLE_MS && now - s.created_ms <= ABSOLUTE_MS
}

/// Sets (or replaces) `name`'s password; their TOTP set-up starts over and their sessions end.
pub fn set_password(hub: &Hub, name: &str, password: &str) -> Result<(), HubError> {
    if hub.store.user(name)?.is_none() {
        return Err(HubError::BadRequest(format!(
            "there is no user called {name}"
        )));
    }
    if password.chars().count() < 12 {
        return Err(HubError::BadRequest(
            "a password needs at least 12 characters".into(),
        ));
    }
    hub.store.put_web_login(&WebLogin {
        name: name.to_string(),
        password_hash: hash_password(password)?,
        totp_secret: None,
        totp_confirmed: false,
        totp_last_step: 0,
        failures: 0,
        locked_until_ms: 0,
        recovery: Vec::new(),
    })?;
    hub.store.end_sessions(name)?;
    Ok(())
}

/// How many recovery codes a confirmed authenticator comes with.
pub const RECOVERY_CODES: usize = 10;

/// A recovery code as typed, normalised (case, dashes and spaces do not matter).
fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    token_hash(&plain)
}

/// New recovery codes (`xxxxx-xxxxx`, 40 random bits each) and their hashes.
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    (0..RECOVERY_CODES)
        .map(|_| {
            let h = hex::encode(rand::random::<[u8; 5]>());
            let code = format!("{}-{}", &h[..5], &h[5..]);
            let hash = recovery_hash(&code);
            (code, hash)
        })
        .unzip()
}

fn hash_password(password: &str) -> Result<String, HubError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| HubError::Io(format!("salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HubError::Io(format!("cannot hash the password: {e}")))
}

fn password_ok(hash: &str, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn totp(secret_b32: &str) -> Option<totp_rs::TOTP> {
    let raw = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, STEP_S, raw).ok()
}

/// The time step a `code` is valid for at `now_s` (±1 step), if any.
pub fn code_step(secret_b32: &str, code: &str, now_s: u64) -> Option<i64> {
    let t = totp(secret_b32)?;
    let step = now_s / STEP_S;
    [step, step.saturating_sub(1), step + 1]
        .into_iter()
        .find(|s| constant_time_eq(t.generate(s * STEP_S).as_bytes(), code.trim().as_bytes()))
        .map(|s| s as i64)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn too_many(l: &WebLogin, now: i64) -> Option<ApiError> {
    (l.locked_until_ms > now).then(|| {
        ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many failed attempts: try again in {} s",
                (l.locked_until_ms - now + 999) / 1000
            ),
        )
    })
}

/// Counts a failure; from the [`LOCK_AFTER`]th in a row, locks for 30 s doubling to 15 min.
fn failed(hub: &Hub, mut l: WebLogin, now: i64) -> Result<(), HubError> {
    l.failures += 1;
    if l.failures >= LOCK_AFTER {
        let exp = (l.failures - LOCK_AFTER).min(5) as u32;
        l.locked_until_ms = now + (30_000i64 << exp).min(15 * 60_000);
    }
    hub.store.put_web_login(&l)
}

fn refused() -> ApiError {
    ApiError(
        StatusCode::UNAUTHORIZED,
        "the name, password or code is not right".into(),
    )
}

async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    f: impl FnOnce(&Hub) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let hub = hub.clone();
    tokio::task::spawn_blocking(move || f(&hub))
        .await
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()))?
}

fn store(e: HubError) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// A password sign-in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    name: String,
    password: String,
}

/// What a right password gets.
#[derive(Debug, Serialize)]
pub struct LoginStep {
    /// The pending sign-in, for `/web/totp`.
    pending: String,
    /// A new TOTP secret to set up first (base32), with its otpauth URI and QR code (SVG).
    setup: Option<TotpSetup>,
}

/// A TOTP secret to add to an authenticator app.
#[derive(Debug, Serialize)]
pub struct TotpSetup {
    secret: String,
    uri: String,
    qr_svg: String,
}

async fn login(State(hub): State<Arc<Hub>>, Json(req): Json<Login>) -> Response {
    let name = req.name.clone();
    let r = blocking(&hub, move |h| {
        let now = now_ms();
        let Some(l) = h.store.web_login(&req.name).map_err(store)? else {
            // The same answer and about the same work as a wrong password.
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_password("not a password at all").unwrap_or_default());
            let _ = password_ok(dummy, &req.password);
            return Err(refused());
        };
        if let Some(e) = too_many(&l, now) {
            return Err(e);
        }
        if !password_ok(&l.password_hash, &req.password) {
            failed(h, l, now).map_err(store)?;
            return Err(refused());
        }
        // With single sign-on, a local password is the emergency path: admins only.
        if h.sso.is_some()
            && h.store.user(&l.name).map_err(store)?.map(|u| u.role) != Some(crate::store::Role::Admin)
        {
            return Err(ApiError(
                StatusCode::FORBIDDEN,
                "this hub signs people in through single sign-on: local passwords are for the emergency admin only".into(),
            ));
        }
        let mut l = l;
        let setup = if l.totp_confirmed && l.totp_secret.is_some() {
            None
        } else {
            let secret = totp_rs::Secret::Raw(rand::random::<[u8; 20]>().to_vec())
                .to_encoded()
                .to_string();
            let uri = format!(
                "otpauth://totp/Earshot:{}?secret={secret}&issuer=Earshot&algorithm=SHA1&digits=6&period={STEP_S}",
                urlencode(&l.name)
            );
            let qr_svg = qrcode::QrCode::new(uri.as_bytes())
                .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build())
                .map_err(|e| store(HubError::Io(e.to_string())))?;
            l.totp_secret = Some(secret.clone());
            l.totp_confirmed = false;
            Some(TotpSetup {
                secret,
                uri,
                qr_svg,
            })
        };
        h.store.put_web_login(&l).map_err(store)?;
        let pending = crate::new_token();
        h.store
            .put_session(&WebSession {
                id_hash: token_hash(&pending),
                user: l.name.clone(),
                csrf: String::new(),
                pending: true,
                created_ms: now,
                seen_ms: now,
            })
            .map_err(store)?;
        Ok(Json(LoginStep { pending, setup }))
    })
    .await;
    named_if_person(&hub, name, r).await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The second factor.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totp {
    pending: String,
    code: String,
}

/// Who is signed in.
#[derive(Debug, Serialize)]
pub struct Me {
    name: String,
    role: String,
    teams: Vec<String>,
    csrf: String,
    /// Recovery codes, shown once: when the authenticator was just set up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recovery_codes: Vec<String>,
    /// Recovery codes left unused.
    recovery_left: usize,
}

async fn second_factor(State(hub): State<Arc<Hub>>, Json(req): Json<Totp>) -> Response {
    let pending_hash = token_hash(&req.pending);
    let name = {
        let (hub, hash) = (hub.clone(), pending_hash.clone());
        tokio::task::spawn_blocking(move || hub.store.session(&hash).ok().flatten().map(|s| s.user))
            .await
            .ok()
            .flatten()
    };
    let r = blocking(&hub, move |h| {
        let now = now_ms();
        let Some(p) = h
            .store
            .session(&pending_hash)
            .map_err(store)?
            .filter(|s| s.pending && now - s.created_ms <= PENDING_MS)
        else {
            return Err(ApiError(
                StatusCode::UNAUTHORIZED,
                "the sign-in expired: start again".into(),
            ));
        };
        let Some(mut l) = h.store.web_login(&p.user).map_err(store)? else {
            return Err(refused());
        };
        if let Some(e) = too_many(&l, now) {
            return Err(e);
        }
        let step = l
            .totp_secret
            .as_deref()
            .and_then(|s| code_step(s, &req.code, (now / 1000) as u64));
        // A recovery code stands in for the authenticator once (only after it was set up).
        let recovery = recovery_hash(&req.code);
        let recovered = l.totp_confirmed && l.recovery.contains(&recovery);
        let mut shown_codes = Vec::new();
        match step {
            _ if recovered => {
                l.recovery.retain(|c| *c != recovery);
                l.failures = 0;
                l.locked_until_ms = 0;
                h.store.put_web_login(&l).map_err(store)?;
            }
            Some(step) if step > l.totp_last_step => {
                if !l.totp_confirmed {
                    let (codes, hashes) = new_recovery_codes();
                    shown_codes = codes;
                    l.recovery = hashes;
                }
                l.totp_last_step = step;
                l.totp_confirmed = true;
                l.failures = 0;
                l.locked_until_ms = 0;
                h.store.put_web_login(&l).map_err(store)?;
            }
            Some(_) => {
                failed(h, l, now).map_err(store)?;
                return Err(ApiError(
                    StatusCode::UNAUTHORIZED,
                    "that code was used already: wait for the next one".into(),
                ));
            }
            None => {
                failed(h, l, now).map_err(store)?;
                return Err(refused());
            }
        }
        // A new id for the session: the pending one is dropped.
        h.store.end_session(&pending_hash).map_err(store)?;
        let (id, csrf) = new_session(h, &p.user, now).map_err(store)?;
        let emergency = h.sso.is_some();
        if emergency {
            note_emergency(h, &p.user, now).map_err(store)?;
        }
        let user = h.store.user(&p.user).map_err(store)?.ok_or_else(refused)?;
        let mut r = Json(Me {
            name: user.name,
            role: user.role.name().into(),
            teams: user.teams,
            csrf,
            recovery_codes: shown_codes,
            recovery_left: l.recovery.len(),
        })
        .into_response();
        if let Some(v) = session_cookie(&id) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        if emergency {
            r.extensions_mut().insert(EmergencyAccess);
        }
        Ok(r)
    })
    .await;
    named(name.as_deref().unwrap_or(""), r)
}

/// Marks a response (and the audit entry of its request) as emergency access: a local
/// password used on a hub that signs people in through single sign-on.
#[derive(Debug, Clone, Copy)]
pub struct EmergencyAccess;

/// One emergency sign-in, as the admin page lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmergencyUse {
    /// Who.
    pub name: String,
    /// When (unix ms).
    pub at_ms: i64,
}

/// How many emergency sign-ins the admin page lists.
const EMERGENCY_KEPT: usize = 50;

/// The latest emergency sign-ins, newest first.
pub fn emergency_uses(hub: &Hub) -> Result<Vec<EmergencyUse>, HubError> {
    Ok(hub
        .store
        .setting(EMERGENCY_SETTING)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

fn note_emergency(hub: &Hub, name: &str, now: i64) -> Result<(), HubError> {
    tracing::warn!(user = name, "emergency sign-in with a local password");
    let mut uses = emergency_uses(hub)?;
    uses.insert(
        0,
        EmergencyUse {
            name: name.to_string(),
            at_ms: now,
        },
    );
    uses.truncate(EMERGENCY_KEPT);
    let text = serde_json::to_string(&uses).map_err(|e| HubError::Store(e.to_string()))?;
    hub.store.set_setting(EMERGENCY_SETTING, &text)
}

/// Opens a session for `user`: its new random id and CSRF token.
fn new_session(hub: &Hub, user: &str, now: i64) -> Result<(String, String), HubError> {
    let id = crate::new_token();
    let csrf = crate::new_token();
    hub.store.put_session(&WebSession {
        id_hash: token_hash(&id),
        user: user.to_string(),
        csrf: csrf.clone(),
        pending: false,
        created_ms: now,
        seen_ms: now,
    })?;
    Ok((id, csrf))
}

/// The `Set-Cookie` value of session `id`.
fn session_cookie(id: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
        ABSOLUTE_MS / 1000
    ))
    .ok()
}

fn signed_in(
    p: &Principal,
    s: Option<&Extension<CookieSession>>,
) -> Result<(crate::store::User, WebSession), ApiError> {
    match (p, s) {
        (Principal::User(u), Some(Extension(CookieSession(s)))) => Ok((u.clone(), s.clone())),
        _ => Err(ApiError(StatusCode::UNAUTHORIZED, "not signed in".into())),
    }
}

async fn me(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    s: Option<Extension<CookieSession>>,
) -> Result<Json<Me>, ApiError> {
    let (u, s) = signed_in(&p, s.as_ref())?;
    let name = u.name.clone();
    let left = blocking(&hub, move |h| {
        Ok(h.store
            .web_login(&name)
            .map_err(store)?
            .map_or(0, |l| l.recovery.len()))
    })
    .await?;
    Ok(Json(Me {
        name: u.name,
        role: u.role.name().into(),
        teams: u.teams,
        csrf: s.csrf,
        recovery_codes: Vec::new(),
        recovery_left: left,
    }))
}

/// A password change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// Changes the signed-in person's password (the current one first); their other sessions end.
async fn change_password(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    s: Option<Extension<CookieSession>>,
    Json(req): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let (u, session) = signed_in(&p, s.as_ref())?;
    blocking(&hub, move |h| {
        let now = now_ms();
        let Some(mut l) = h.store.web_login(&u.name).map_err(store)? else {
            return Err(refused());
        };
        if let Some(e) = too_many(&l, now) {
            return Err(e);
        }
        if !password_ok(&l.password_hash, &req.current) {
            failed(h, l, now).map_err(store)?;
            return Err(ApiError(
                StatusCode::UNAUTHORIZED,
                "the current password is not right".into(),
            ));
        }
        if req.new.chars().count() < 12 {
            return Err(ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                "a password needs at least 12 characters".into(),
            ));
        }
        l.password_hash = hash_password(&req.new).map_err(store)?;
        l.failures = 0;
        h.store.put_web_login(&l).map_err(store)?;
        // Every other session of theirs ends; this one goes on.
        h.store.end_sessions(&u.name).map_err(store)?;
        h.store.put_session(&session).map_err(store)?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// A password an admin sets for someone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSet {
    password: String,
}

/// An admin sets (or resets) a person's web password: their authenticator set-up starts over
/// at their next sign-in and their sessions end. With single sign-on on, only for admins (the
/// emergency path): nobody else signs in with a password then.
async fn set_person_password(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    axum::extract::Path(name): axum::extract::Path<String>,
    Json(req): Json<PasswordSet>,
) -> Result<StatusCode, ApiError> {
    match &p {
        Principal::User(u) if u.role == crate::store::Role::Admin => {}
        Principal::Anonymous => {
            return Err(ApiError(StatusCode::UNAUTHORIZED, "not signed in".into()))
        }
        _ => return Err(ApiError(StatusCode::FORBIDDEN, "forbidden".into())),
    }
    blocking(&hub, move |h| {
        let Some(person) = h.store.user(&name).map_err(store)? else {
            return Err(ApiError(
                StatusCode::NOT_FOUND,
                format!("there is no user called {name}"),
            ));
        };
        if h.sso.is_some() && person.role != crate::store::Role::Admin {
            return Err(ApiError(
                StatusCode::CONFLICT,
                "this hub signs people in through single sign-on: only admins get a local password (the emergency path)".into(),
            ));
        }
        set_password(h, &name, &req.password).map_err(|e| match e {
            HubError::BadRequest(m) => ApiError(StatusCode::UNPROCESSABLE_ENTITY, m),
            e => store(e),
        })?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

fn cleared() -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "__Host-earshot=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    r
}

async fn logout(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    s: Option<Extension<CookieSession>>,
) -> Result<Response, ApiError> {
    let (_, s) = signed_in(&p, s.as_ref())?;
    blocking(&hub, move |h| {
        h.store.end_session(&s.id_hash).map_err(store)
    })
    .await?;
    Ok(cleared())
}

async fn logout_all(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    s: Option<Extension<CookieSession>>,
) -> Result<Response, ApiError> {
    let (u, _) = signed_in(&p, s.as_ref())?;
    blocking(&hub, move |h| h.store.end_sessions(&u.name).map_err(store)).await?;
    Ok(cleared())
}

/// What the sign-in page needs to know before anyone signs in.
#[derive(Debug, Serialize)]
pub struct WebConfig {
    /// The single sign-on button's label, when single sign-on is on.
    sso: Option<String>,
}

async fn web_config(State(hub): State<Arc<Hub>>) -> Json<WebConfig> {
    Json(WebConfig {
        sso: hub.sso.as_ref().map(|s| s.config.label.clone()),
    })
}

/// Where a single sign-on may go after sign-in.
#[derive(Debug, Deserialize)]
pub struct SsoStart {
    next: Option<String>,
}

/// Runs a conversation with the identity provider on a blocking thread of the runtime (the
/// `openidconnect` futures borrow in ways the compiler cannot prove `Send` for a handler).
async fn provider<T, F, Fut>(f: F) -> Result<T, crate::sso::Refusal>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, crate::sso::Refusal>>,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(f()))
        .await
        .unwrap_or(Err(crate::sso::Refusal::Provider))
}

fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn sso_refused(why: crate::sso::Refusal) -> Response {
    let mut r = see_other(&format!("/?sso_error={}#/signin", why.code()));
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "__Host-earshot-sso=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
        ),
    );
    r
}

async fn sso_start(
    State(hub): State<Arc<Hub>>,
    axum::extract::Query(q): axum::extract::Query<SsoStart>,
) -> Response {
    let Some(sso) = hub.sso.clone() else {
        return ApiError(
            StatusCode::NOT_FOUND,
            "single sign-on is not configured".into(),
        )
        .into_response();
    };
    let (url, flow) =
        match provider(move || async move { sso.start(q.next.as_deref()).await }).await {
            Ok(x) => x,
            Err(why) => return sso_refused(why),
        };
    let id = crate::new_token();
    let kept = {
        let id_hash = token_hash(&id);
        blocking(&hub, move |h| {
            let now = now_ms();
            h.store
                .put_session(&WebSession {
                    id_hash,
                    // No user: a flow in progress, never a session (it stays pending).
                    user: String::new(),
                    csrf: serde_json::to_string(&flow)
                        .map_err(|e| store(HubError::Store(e.to_string())))?,
                    pending: true,
                    created_ms: now,
                    seen_ms: now,
                })
                .map_err(store)
        })
        .await
    };
    if let Err(e) = kept {
        return e.into_response();
    }
    let mut r = see_other(&url);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SSO_COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
        SSO_FLOW_MS / 1000
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// The provider's redirect back.
#[derive(Debug, Deserialize)]
pub struct SsoCallback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

async fn sso_callback(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<SsoCallback>,
) -> Response {
    use crate::sso::{Flow, Refusal};
    let Some(sso) = hub.sso.clone() else {
        return ApiError(
            StatusCode::NOT_FOUND,
            "single sign-on is not configured".into(),
        )
        .into_response();
    };
    // The flow this browser started: taken once, whatever happens next.
    let flow: Option<Flow> = match cookie_named(&headers, SSO_COOKIE) {
        None => None,
        Some(id) => {
            let hash = token_hash(&id);
            blocking(&hub, move |h| {
                let s = h.store.session(&hash).map_err(store)?;
                h.store.end_session(&hash).map_err(store)?;
                Ok(s.filter(|s| {
                    s.pending && s.user.is_empty() && now_ms() - s.created_ms <= SSO_FLOW_MS
                })
                .and_then(|s| serde_json::from_str(&s.csrf).ok()))
            })
            .await
            .ok()
            .flatten()
        }
    };
    let Some(flow) = flow else {
        return sso_refused(Refusal::State);
    };
    // RFC 9207: when the provider names itself, it must be ours (mix-up defence).
    if q.iss.as_deref().is_some_and(|i| i != sso.config.issuer) {
        return sso_refused(Refusal::State);
    }
    if !q
        .state
        .as_deref()
        .is_some_and(|st| constant_time_eq(st.as_bytes(), flow.state.as_bytes()))
    {
        return sso_refused(Refusal::State);
    }
    if q.error.is_some() {
        return sso_refused(Refusal::Denied);
    }
    let Some(code) = q.code else {
        return sso_refused(Refusal::Denied);
    };
    let finished = {
        let (sso, flow) = (sso.clone(), flow.clone());
        provider(move || async move { sso.finish(&flow, &code).await }).await
    };
    let who = match finished {
        Ok(who) => who,
        Err(why) => return sso_refused(why),
    };
    let name = who.name.clone();
    let r = blocking(&hub, move |h| {
        // A local account (one with a password: the emergency admin) is never taken over by a
        // provider's user of the same name.
        if h.store.web_login(&who.name).map_err(store)?.is_some() {
            return Ok(Err(Refusal::Local));
        }
        let user = crate::store::User {
            name: who.name.clone(),
            role: who.role,
            teams: who.teams.clone(),
        };
        match h.store.user(&who.name).map_err(store)? {
            // No API token for a person who signs in through the provider: a random one
            // nobody is shown.
            None => h
                .store
                .add_user(&user, &token_hash(&crate::new_token()))
                .map_err(store)?,
            Some(u) if u != user => {
                if let Err(e) = h.store.set_user(&user) {
                    return Err(ApiError::from(e));
                }
            }
            Some(_) => {}
        }
        let (id, _) = new_session(h, &who.name, now_ms()).map_err(store)?;
        Ok(Ok(id))
    })
    .await;
    let r = match r {
        Ok(Ok(id)) => {
            let mut r = see_other(&flow.next);
            if let Some(v) = session_cookie(&id) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "__Host-earshot-sso=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
                ),
            );
            Ok(r)
        }
        Ok(Err(why)) => Ok(sso_refused(why)),
        Err(e) => Err(e),
    };
    named_if_person(&hub, name, r).await
}

/// The admin page's list of emergency sign-ins.
#[derive(Debug, Serialize)]
pub struct Emergency {
    /// Whether single sign-on is on (without it, local sign-in is the normal path).
    sso: bool,
    /// The latest emergency sign-ins, newest first.
    uses: Vec<EmergencyUse>,
}

async fn emergency(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> Result<Json<Emergency>, ApiError> {
    match &p {
        Principal::User(u) if u.role == crate::store::Role::Admin => {}
        Principal::Anonymous => {
            return Err(ApiError(StatusCode::UNAUTHORIZED, "not signed in".into()))
        }
        _ => return Err(ApiError(StatusCode::FORBIDDEN, "forbidden".into())),
    }
    let sso = hub.sso.is_some();
    let uses = blocking(&hub, |h| emergency_uses(h).map_err(store)).await?;
    Ok(Json(Emergency { sso, uses }))
}

/// The sign-in routes (behind the gate, like the API).
pub fn routes() -> axum::Router<Arc<Hub>> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/web/login", post(login))
        .route("/web/totp", post(second_factor))
        .route("/web/me", get(me))
        .route("/web/logout", post(logout))
        .route("/web/logout-all", post(logout_all))
        .route("/web/password", post(change_password))
        .route("/web/config", get(web_config))
        .route("/web/sso", get(sso_start))
        .route("/web/sso/callback", get(sso_callback))
        .route("/web/emergency", get(emergency))
        .route("/web/users/{name}/password", post(set_person_password))
}

const INDEX: &str = include_str!(concat!(env!("OUT_DIR"), "/hub-ui/index.html"));
const APP_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/hub-ui/app.js"));
const APP_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/hub-ui/app.css"));

fn page(kind: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// The pages (not audited: they hold no data; what they fetch is).
pub fn pages() -> axum::Router<Arc<Hub>> {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/",
            get(|| async { page("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/app.js",
            get(|| async { page("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { page("text/css; charset=utf-8", APP_CSS) }),
        )
}

/// Adds the security headers every response carries.
pub async fn secure_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_taken_for_its_step_and_the_neighbours_only() {
        let secret = totp_rs::Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let t = totp(&secret).unwrap();
        let now = 1_800_000_000u64;
        let code = t.generate(now);
        assert_eq!(code_step(&secret, &code, now), Some((now / 30) as i64));
        assert!(code_step(&secret, &code, now + 30).is_some());
        assert_eq!(code_step(&secret, &code, now + 120), None);
        assert_eq!(code_step(&secret, "000000x", now), None);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_ok(&h, "correct horse battery"));
        assert!(!password_ok(&h, "correct horse battery!"));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-earshot=abc; b=2"),
        );
        assert_eq!(cookie(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, HeaderValue::from_static("earshot=abc"));
        assert_eq!(cookie(&h), None);
    }
}
