//! The JSON API under `/v1`, with its OpenAPI document at `/v1/openapi.json`.

use crate::store::*;
use crate::{now_ms, token_hash, Hub, HubError};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Who is asking, as the TLS layer and the `Authorization` header say.
#[derive(Debug, Clone)]
pub enum Principal {
    /// No valid credentials.
    Anonymous,
    /// A person with an API token.
    User(User),
    /// An enrolled, unrevoked device (by its client certificate).
    Device(Device),
}

impl Principal {
    fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::User(u) => Some(u.role),
            Principal::Device(_) => Some(Role::Device),
        }
    }
    fn actor(&self) -> (String, String) {
        match self {
            Principal::Anonymous => ("-".into(), "anonymous".into()),
            Principal::User(u) => (u.name.clone(), u.role.name().into()),
            Principal::Device(d) => (d.id.clone(), "device".into()),
        }
    }
}

/// What the TLS listener knows about the connection.
#[derive(Debug, Clone, Default)]
pub struct Peer {
    /// The remote address.
    pub addr: String,
    /// SHA-256 of the client certificate, when one was presented (and verified by the CA).
    pub cert_fingerprint: Option<String>,
}

/// An error as the API returns it: a status and `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

/// The body of every error.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in plain words.
    pub error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        let status = match &e {
            HubError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HubError::Conflict(_) | HubError::Guardrail(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "request failed");
        }
        ApiError(status, e.to_string())
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn forbidden() -> ApiError {
    ApiError(StatusCode::FORBIDDEN, "forbidden".into())
}

fn allow(p: &Principal, roles: &[Role]) -> ApiResult<()> {
    match p.role() {
        Some(r) if roles.contains(&r) => Ok(()),
        None => Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "sign in: an API token (Authorization: Bearer …) or an enrolled device certificate is needed".into(),
        )),
        _ => Err(forbidden()),
    }
}

async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    f: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> ApiResult<T> {
    let hub = hub.clone();
    tokio::task::spawn_blocking(move || f(&hub))
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(ApiError::from)
}

/// Resolves who is asking, refuses revoked devices and devices over their rate, runs the
/// request, and audits it (who, role, action, target, source, outcome).
async fn gate(State(hub): State<Arc<Hub>>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<Peer>().cloned().unwrap_or_default();
    let action = format!(
        "{} {}",
        req.method(),
        req.extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "(no route)".into())
    );
    let target = req.uri().path().to_string();
    // The wire log: the body of every request the hub accepted, as received, at trace level
    // on its own target (`RUST_LOG=earshot_hub::wire=trace`), so that what workstations send
    // can be checked. A refused request's body is not logged: a summary the detector flags
    // must not reach the log on its way to its 422. Enrollment bodies carry a one-time token:
    // only their size is logged.
    let mut wire: Option<(String, axum::body::Bytes)> = None;
    if tracing::enabled!(target: "earshot_hub::wire", tracing::Level::TRACE) {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, hub.limits.max_body).await else {
            return ApiError(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large".into(),
            )
            .into_response();
        };
        wire = Some((parts.method.to_string(), bytes.clone()));
        req = Request::from_parts(parts, axum::body::Body::from(bytes));
    }
    let bearer = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(token_hash);
    let fingerprint = peer.cert_fingerprint.clone();
    let cookie = crate::web::cookie(req.headers()).map(|c| token_hash(&c));
    let resolved = blocking(&hub, move |h| {
        if let Some(hash) = bearer {
            return Ok((
                h.store.user_by_token(&hash)?.map(Principal::User),
                None,
                None,
                false,
            ));
        }
        if let Some(fp) = fingerprint {
            if let Some(d) = h.store.device_by_fingerprint(&fp)? {
                if d.revoked_at_ms.is_some() {
                    return Ok((None, Some(d), None, false));
                }
                return Ok((Some(Principal::Device(d)), None, None, false));
            }
        }
        if let Some(id_hash) = cookie {
            let now = now_ms();
            let live = h
                .store
                .session(&id_hash)?
                .filter(|s| crate::web::live(s, now));
            if let Some(s) = live {
                if let Some(u) = h.store.user(&s.user)? {
                    // The idle clock, to the minute (not a write per request).
                    if now - s.seen_ms > 60_000 {
                        h.store.touch_session(&id_hash, now)?;
                    }
                    // With single sign-on, a session of a local account is emergency access.
                    let emergency = h.sso.is_some() && h.store.web_login(&u.name)?.is_some();
                    return Ok((Some(Principal::User(u)), None, Some(s), emergency));
                }
            }
        }
        Ok((None, None, None, false))
    })
    .await;
    let mut session: Option<WebSession> = None;
    let mut emergency = false;
    let (principal, early): (Principal, Option<Response>) = match resolved {
        Ok((_, Some(revoked), _, _)) => (
            Principal::Anonymous,
            Some(
                ApiError(
                    StatusCode::FORBIDDEN,
                    format!(
                        "this device ({}) was revoked by the hub's administrator; ask IT for a new enrollment token",
                        revoked.id
                    ),
                )
                .into_response(),
            ),
        ),
        Ok((p, None, s, e)) => {
            session = s;
            emergency = e;
            (p.unwrap_or(Principal::Anonymous), None)
        }
        Err(e) => (Principal::Anonymous, Some(e.into_response())),
    };
    // A request made with the session cookie that changes anything carries the session's CSRF
    // token in a header (a page of the hub can send it; another site's form cannot).
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let early = early.or_else(|| match &session {
        Some(s)
            if !safe
                && req
                    .headers()
                    .get(crate::web::CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    != Some(s.csrf.as_str()) =>
        {
            Some(
                ApiError(StatusCode::FORBIDDEN, "missing or wrong CSRF token".into())
                    .into_response(),
            )
        }
        _ => None,
    });
    let early = early.or_else(|| match &principal {
        Principal::Device(d) if !hub.admit(&d.id) => {
            let mut r = ApiError(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests from this device; slow down".into(),
            )
            .into_response();
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            Some(r)
        }
        _ => None,
    });
    let (mut actor, mut role) = principal.actor();
    let response = match early {
        Some(r) => r,
        None => {
            req.extensions_mut().insert(principal);
            if let Some(s) = session {
                req.extensions_mut().insert(crate::web::CookieSession(s));
            }
            next.run(req).await
        }
    };
    if let Some((method, bytes)) = wire {
        let status = response.status().as_u16();
        if !response.status().is_success() {
            tracing::trace!(target: "earshot_hub::wire", %method, path = %target, status, bytes = bytes.len(), "request refused (body not logged)");
        } else if target == "/v1/enroll" || target.starts_with("/web/") {
            tracing::trace!(target: "earshot_hub::wire", %method, path = %target, status, bytes = bytes.len(), "request (enrollment or sign-in: body not logged)");
        } else {
            tracing::trace!(target: "earshot_hub::wire", %method, path = %target, status, body = %String::from_utf8_lossy(&bytes), "request");
        }
    }
    // A sign-in attempt is recorded under the name it was for.
    if let Some(crate::web::SignInName(name)) = response.extensions().get() {
        actor = name.clone();
        role = "sign-in".into();
    }
    if emergency
        || response
            .extensions()
            .get::<crate::web::EmergencyAccess>()
            .is_some()
    {
        role = format!("{role} (emergency access)");
    }
    let entry = NewAudit {
        actor,
        role,
        action,
        target,
        source: peer.addr,
        outcome: response.status().as_u16().to_string(),
    };
    if let Err(e) = hub.audit(entry).await {
        // A request that cannot be audited is not answered with its data.
        tracing::error!(error = %e, "cannot write the audit log");
        return ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the audit log cannot be written".into(),
        )
        .into_response();
    }
    response
}

// ---------- devices ----------

/// Enrollment: a one-time token and a certificate request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time token from IT.
    pub token: String,
    /// PEM certificate request for a key made on the device.
    pub csr_pem: String,
    /// The agent who uses the device.
    pub agent: String,
    /// The device's host name.
    pub hostname: String,
}

/// The device's identity.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrollResponse {
    /// The device's id (its certificate's common name).
    pub device_id: String,
    /// Its client certificate (PEM), issued by the hub's CA.
    pub certificate_pem: String,
    /// The team it joined.
    pub team: String,
}

fn plain_name(s: &str, what: &str) -> ApiResult<()> {
    if !crate::plain_name(s) {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{what} must be 1–128 letters, digits, spaces or . - _ @"),
        ));
    }
    Ok(())
}

/// Exchanges a one-time enrollment token for a device certificate.
#[utoipa::path(post, path = "/v1/enroll", request_body = EnrollRequest,
    responses((status = 201, body = EnrollResponse), (status = 403, body = ErrorBody)))]
async fn enroll(
    State(hub): State<Arc<Hub>>,
    Json(req): Json<EnrollRequest>,
) -> ApiResult<(StatusCode, Json<EnrollResponse>)> {
    plain_name(&req.agent, "agent")?;
    plain_name(&req.hostname, "hostname")?;
    let out = blocking(&hub, move |h| {
        let now = now_ms();
        let Some(token) = h.store.redeem_token(&token_hash(&req.token), now)? else {
            return Ok(None);
        };
        let device_id = hex::encode(rand::random::<[u8; 12]>());
        let cert =
            h.ca.issue_device(&req.csr_pem, &device_id, crate::pki::DEVICE_CERT_DAYS)?;
        let der = crate::pki::certs_from_pem(&cert)?;
        let fingerprint = crate::pki::fingerprint(der.first().map(|c| c.as_ref()).unwrap_or(&[]));
        h.store.add_device(&Device {
            id: device_id.clone(),
            agent: req.agent.clone(),
            team: token.team.clone(),
            hostname: req.hostname.clone(),
            fingerprint,
            enrolled_at_ms: now,
            last_seen_ms: None,
            outbox_len: None,
            audit_size: None,
            audit_head: None,
            revoked_at_ms: None,
        })?;
        Ok(Some(EnrollResponse {
            device_id,
            certificate_pem: cert,
            team: token.team,
        }))
    })
    .await?;
    match out {
        Some(r) => Ok((StatusCode::CREATED, Json(r))),
        None => Err(ApiError(
            StatusCode::FORBIDDEN,
            "the enrollment token is unknown, used, revoked or expired; ask IT for a new one"
                .into(),
        )),
    }
}

/// One summary upload.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// The summary (see earshot-summary's `Summary`; unknown fields are refused), read once by
    /// the hub.
    #[schema(value_type = Object)]
    pub summary: Box<serde_json::value::RawValue>,
    /// Summaries still queued on the device.
    pub outbox_len: i64,
    /// The device's audit log size.
    pub audit_size: i64,
    /// The device's audit log head hash.
    pub audit_head: String,
}

/// The hub's answer to an upload.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UploadResponse {
    /// False when the hub had it already (a retry).
    pub stored: bool,
    /// The hub's latest signed audit checkpoint, for the device to keep.
    pub checkpoint: Checkpoint,
}

/// The strings of a summary that may not carry anything the detector finds: every string but
/// the random id and the enum-typed fields; the free-text fields (agent, key phrases, key turns)
/// also may not carry three digits or more.
fn detector_hits(v: &serde_json::Value) -> Vec<String> {
    fn walk(path: &str, v: &serde_json::Value, hits: &mut Vec<String>) {
        match v {
            // One word of letters (a type, a trend, a method): nothing the detector could find
            // without a cue or a figure, so it is not run.
            serde_json::Value::String(s)
                if !s.is_empty()
                    && s.len() <= 64
                    && s.chars().all(|c| c.is_ascii_alphabetic() || c == '_') => {}
            serde_json::Value::String(s) => {
                let free = path == "agent"
                    || path.starts_with("key_phrases")
                    || (path.starts_with("key_turns") && path.ends_with(".text"));
                let ok = if free {
                    earshot_summary::shareable(s)
                } else {
                    earshot_redact::redact_line(s).findings.is_empty()
                };
                if !ok {
                    hits.push(path.to_string());
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), x, hits);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    if path.is_empty() && k == "summary_id" {
                        continue;
                    }
                    // A key is text too (the finding counts are keyed by type): a field name
                    // or a type tag is one word of letters and `_`; anything else could carry
                    // a value.
                    if k.is_empty()
                        || k.len() > 64
                        || !k.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                    {
                        hits.push(if path.is_empty() {
                            "a field name".to_string()
                        } else {
                            format!("a key of {path}")
                        });
                        continue;
                    }
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(&p, x, hits);
                }
            }
            _ => {}
        }
    }
    let mut hits = Vec::new();
    walk("", v, &mut hits);
    hits
}

/// Uploads a summary, idempotently: a repeat of a stored id is acknowledged, not stored again.
#[utoipa::path(put, path = "/v1/summaries/{summary_id}", request_body = UploadRequest,
    params(("summary_id" = String, Path, description = "the summary's random id (32 hex)")),
    responses((status = 201, body = UploadResponse), (status = 200, body = UploadResponse),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn upload(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Path(summary_id): Path<String>,
    Json(req): Json<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadResponse>)> {
    allow(&p, &[Role::Device])?;
    let Principal::Device(device) = p else {
        return Err(forbidden());
    };
    if summary_id.len() != 32 || !summary_id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a summary id is 32 hex digits".into(),
        ));
    }
    let invalid = |e: serde_json::Error| {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the summary is not valid: {e}"),
        )
    };
    // Parsed once: the detector walks the tree, the typed summary is read from it.
    let tree: serde_json::Value = serde_json::from_str(req.summary.get()).map_err(invalid)?;
    let summary = earshot_summary::Summary::deserialize(&tree).map_err(invalid)?;
    if summary.summary_id != summary_id {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the path and the body name different summaries".into(),
        ));
    }
    let hits = detector_hits(&tree);
    if !hits.is_empty() {
        tracing::warn!(device = %device.id, fields = ?hits, "refused a summary the detector flags");
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the detector flags {}: the summary was refused and not stored",
                hits.join(", ")
            ),
        ));
    }
    let findings: i64 = summary.findings.values().map(|n| *n as i64).sum();
    let stored = StoredSummary {
        summary_id,
        device_id: device.id.clone(),
        agent: device.agent.clone(),
        team: device.team.clone(),
        started_at_ms: summary.started_at_ms,
        duration_ms: summary.duration_ms,
        received_at_ms: now_ms(),
        caller_sentiment: summary.speakers.caller.sentiment_mean,
        caller_trend: serde_json::to_value(summary.speakers.caller.sentiment_trend)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        findings,
        // The tree as read, written anew: what was checked is what is stored (a key given twice
        // in the bytes sent keeps only the value the detector saw).
        body: tree.to_string(),
    };
    let (new, checkpoint) = blocking(&hub, move |h| {
        let new = h.store.put_upload(
            &stored,
            req.outbox_len,
            (req.audit_size, req.audit_head.as_str()),
        )?;
        // The device's own audit log only grows: a smaller size than it reported before means
        // entries were cut off its end. The upload is still taken (the summary is sound); the
        // hub's audit log records the contradiction for the auditors.
        if let Some(before) = device.audit_size.filter(|b| req.audit_size < *b) {
            tracing::warn!(device = %device.id, before, now = req.audit_size, "a device's audit log shrank");
            h.store.append_audit(
                &NewAudit {
                    actor: device.id.clone(),
                    role: "device".into(),
                    action: "device audit log cut short".into(),
                    target: format!("{} entries before, {} now", before, req.audit_size),
                    source: "hub".into(),
                    outcome: "alert".into(),
                },
                now_ms(),
            )?;
        }
        Ok((new, h.fresh_checkpoint()?))
    })
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(UploadResponse {
            stored: new,
            checkpoint,
        }),
    ))
}

/// A live heartbeat: never text.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    /// Whether a call is running.
    pub on_call: bool,
    /// Its length so far (ms).
    pub duration_ms: i64,
    /// The caller's sentiment trend so far.
    pub caller_trend: Option<String>,
    /// Alert categories raised so far.
    pub alerts: Vec<String>,
    /// Summaries queued on the device.
    pub outbox_len: i64,
}

/// Records a device's live state for the supervisors' board.
#[utoipa::path(post, path = "/v1/heartbeat", request_body = HeartbeatRequest,
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn heartbeat(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Json(req): Json<HeartbeatRequest>,
) -> ApiResult<StatusCode> {
    allow(&p, &[Role::Device])?;
    let Principal::Device(d) = p else {
        return Err(forbidden());
    };
    let trend_ok = req
        .caller_trend
        .iter()
        .all(|w| w.len() <= 64 && w.chars().all(|c| c.is_ascii_alphabetic() || c == '_'));
    if !trend_ok || req.alerts.len() > 64 {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the trend is one word, and a call raises at most 64 alert categories".into(),
        ));
    }
    if !req.alerts.iter().all(|a| earshot_redact::safe_label(a)) {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "alerts are category names: letters, spaces and punctuation, no digits, nothing the detector finds".into(),
        ));
    }
    blocking(&hub, move |h| {
        let now = now_ms();
        h.store.put_heartbeat(&Heartbeat {
            device_id: d.id.clone(),
            agent: d.agent.clone(),
            team: d.team.clone(),
            at_ms: now,
            on_call: req.on_call,
            duration_ms: req.duration_ms,
            caller_trend: req.caller_trend,
            alerts: req.alerts,
        })?;
        h.store.touch_device(&d.id, now, Some(req.outbox_len), None)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- people ----------

/// A summary in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SummaryItem {
    /// Its id.
    pub summary_id: String,
    /// The agent.
    pub agent: String,
    /// The team.
    pub team: String,
    /// Call start (unix ms).
    pub started_at_ms: i64,
    /// Call length (ms).
    pub duration_ms: i64,
    /// The caller's mean sentiment.
    pub caller_sentiment: Option<f64>,
    /// The caller's trend.
    pub caller_trend: String,
    /// Sensitive findings (count, all types).
    pub findings: i64,
    /// The agent's mean sentiment.
    pub agent_sentiment: Option<f64>,
    /// The agent's trend.
    pub agent_trend: Option<String>,
    /// The first key phrases (the list's snippet of the call).
    pub key_phrases: Vec<String>,
    /// Alerts raised, by category.
    pub alerts: Vec<AlertPill>,
    /// The checklist's adherence score (0–1), where one applied.
    pub adherence: Option<f64>,
}

/// An alert category and how often the call raised it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertPill {
    /// The category.
    pub category: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// Times raised.
    pub count: u32,
}

impl From<&StoredSummary> for SummaryItem {
    fn from(s: &StoredSummary) -> Self {
        let body: serde_json::Value = serde_json::from_str(&s.body).unwrap_or_default();
        let agent = &body["speakers"]["agent"];
        SummaryItem {
            agent_sentiment: agent["sentiment_mean"].as_f64(),
            agent_trend: agent["sentiment_trend"].as_str().map(String::from),
            key_phrases: body["key_phrases"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(String::from))
                        .take(3)
                        .collect()
                })
                .unwrap_or_default(),
            alerts: serde_json::from_value(body["alerts"].clone()).unwrap_or_default(),
            adherence: body["checklist"]["score"].as_f64(),
            summary_id: s.summary_id.clone(),
            agent: s.agent.clone(),
            team: s.team.clone(),
            started_at_ms: s.started_at_ms,
            duration_ms: s.duration_ms,
            caller_sentiment: s.caller_sentiment,
            caller_trend: s.caller_trend.clone(),
            findings: s.findings,
        }
    }
}

/// A page of summaries, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SummaryPage {
    /// The summaries.
    pub items: Vec<SummaryItem>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Filters for the summary list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this agent.
    pub agent: Option<String>,
    /// Only this team (must be one the caller may read).
    pub team: Option<String>,
    /// Started at or after (unix ms).
    pub from_ms: Option<i64>,
    /// Started before (unix ms).
    pub to_ms: Option<i64>,
    /// Only calls with (true) or without (false) sensitive input.
    pub had_sensitive: Option<bool>,
    /// Only calls that raised this alert category.
    pub alert: Option<String>,
    /// Only calls whose caller's sentiment went this way (`UP`, `DOWN`, `FLAT`).
    pub caller_trend: Option<String>,
    /// Order by `started` (default), `duration`, `caller_sentiment` or `findings`.
    pub sort: Option<SortKey>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (1–500, default 50).
    pub limit: Option<u32>,
}

/// The teams `p` may read, or `None` for an agent (own calls only).
fn scope(p: &Principal) -> ApiResult<(Option<Vec<String>>, Option<String>)> {
    match p {
        Principal::User(u) if u.role == Role::Supervisor => Ok((Some(u.teams.clone()), None)),
        Principal::User(u) if u.role == Role::Agent => Ok((None, Some(u.name.clone()))),
        _ => Err(forbidden()),
    }
}

/// Lists summaries the caller may read.
#[utoipa::path(get, path = "/v1/summaries", params(ListQuery),
    responses((status = 200, body = SummaryPage), (status = 403, body = ErrorBody)))]
async fn list(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<SummaryPage>> {
    allow(&p, &[Role::Supervisor, Role::Agent])?;
    let (teams, own) = scope(&p)?;
    let teams = match (teams, &q.team) {
        (Some(t), Some(one)) if t.contains(one) => Some(vec![one.clone()]),
        (Some(_), Some(_)) => return Err(forbidden()),
        (t, _) => t,
    };
    let agent = match (own, q.agent) {
        (Some(me), Some(a)) if a != me => return Err(forbidden()),
        (Some(me), _) => Some(me),
        (None, a) => a,
    };
    let sort = q.sort.unwrap_or_default();
    let ascending = match q.order.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(_) => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                "order is asc or desc".into(),
            ))
        }
    };
    // A cursor is `value.summary_id` (the id has no dot; a sentiment value may).
    let after = match &q.cursor {
        Some(c) => {
            let (at, id) = c
                .rsplit_once('.')
                .and_then(|(a, i)| Some((sort.parse(a)?, i.to_string())))
                .ok_or_else(|| {
                    ApiError(StatusCode::BAD_REQUEST, "the cursor is not valid".into())
                })?;
            Some((at, id))
        }
        None => None,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let filter = SummaryFilter {
        teams,
        agent,
        from_ms: q.from_ms,
        to_ms: q.to_ms,
        had_sensitive: q.had_sensitive,
        alert: q.alert,
        caller_trend: q.caller_trend,
        sort,
        ascending,
        after,
        limit: limit + 1,
    };
    let mut rows = blocking(&hub, move |h| h.store.list_summaries(&filter)).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last()
                .map(|r| format!("{}.{}", sort.value(r), r.summary_id))
        })
        .flatten();
    Ok(Json(SummaryPage {
        items: rows.iter().map(SummaryItem::from).collect(),
        next_cursor,
    }))
}

/// One summary with its list fields.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SummaryDetail {
    /// The list fields.
    #[serde(flatten)]
    pub item: SummaryItem,
    /// The whole summary as the device sent it.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// Reads one summary (an agent: their own; a supervisor: their teams').
#[utoipa::path(get, path = "/v1/summaries/{summary_id}",
    params(("summary_id" = String, Path, description = "the summary's id")),
    responses((status = 200, body = SummaryDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn detail(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Path(summary_id): Path<String>,
) -> ApiResult<Json<SummaryDetail>> {
    allow(&p, &[Role::Supervisor, Role::Agent])?;
    let (teams, own) = scope(&p)?;
    let s = blocking(&hub, move |h| h.store.summary(&summary_id)).await?;
    // Not found and not yours look the same: no data either way.
    let visible = s.filter(|s| {
        teams.as_ref().is_some_and(|t| t.contains(&s.team)) || own.as_ref() == Some(&s.agent)
    });
    let Some(s) = visible else {
        return Err(ApiError(StatusCode::NOT_FOUND, "no such summary".into()));
    };
    Ok(Json(SummaryDetail {
        item: SummaryItem::from(&s),
        summary: serde_json::from_str(&s.body).unwrap_or_default(),
    }))
}

/// The supervisors' live board: devices heard from in the last 30 s, of their teams.
#[utoipa::path(get, path = "/v1/live", responses((status = 200, body = Vec<Heartbeat>), (status = 403, body = ErrorBody)))]
async fn live(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<Heartbeat>>> {
    allow(&p, &[Role::Supervisor])?;
    let (teams, _) = scope(&p)?;
    let beats = blocking(&hub, move |h| {
        h.store.live(teams.as_deref(), now_ms() - 30_000)
    })
    .await?;
    Ok(Json(beats))
}

/// The live board as Server-Sent Events: the board now, then again whenever it changes (the
/// store is read every second, so any hub instance on a shared database sees every device).
/// Each event's data is the JSON of `/v1/live`.
#[utoipa::path(get, path = "/v1/live/stream", responses(
    (status = 200, description = "text/event-stream; each event: the board as in /v1/live"),
    (status = 403, body = ErrorBody)))]
async fn live_stream(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<
    axum::response::sse::Sse<
        impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
    >,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    allow(&p, &[Role::Supervisor])?;
    let (teams, _) = scope(&p)?;
    let events = futures_util::stream::unfold(
        (hub, teams, String::new(), true),
        |(hub, teams, last, first)| async move {
            let mut first = first;
            loop {
                if !first {
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
                first = false;
                let t = teams.clone();
                let board = blocking(&hub, move |h| h.store.live(t.as_deref(), now_ms() - 30_000))
                    .await
                    .ok()
                    .and_then(|b| serde_json::to_string(&b).ok());
                if let Some(json) = board.filter(|j| *j != last) {
                    let event = Event::default().event("board").data(json.clone());
                    return Some((Ok(event), (hub, teams, json, false)));
                }
            }
        },
    );
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

// ---------- admin ----------

/// A new user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in name (agents: their agent name).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Teams (supervisors: the teams they supervise).
    #[serde(default)]
    pub teams: Vec<String>,
}

/// A created user and their API token (shown once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedUser {
    /// The user.
    pub user: User,
    /// Their API token.
    pub token: String,
}

/// Lists users.
#[utoipa::path(get, path = "/v1/users", responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
async fn users(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<User>>> {
    allow(&p, &[Role::Admin])?;
    Ok(Json(blocking(&hub, |h| h.store.users()).await?))
}

/// Creates a user with a new API token.
#[utoipa::path(post, path = "/v1/users", request_body = NewUser,
    responses((status = 201, body = CreatedUser), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_user(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Json(req): Json<NewUser>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    allow(&p, &[Role::Admin])?;
    plain_name(&req.name, "name")?;
    for t in &req.teams {
        plain_name(t, "team")?;
    }
    if req.role == Role::Device {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "devices enroll with a token; they are not users".into(),
        ));
    }
    let user = User {
        name: req.name,
        role: req.role,
        teams: req.teams,
    };
    let u = user.clone();
    let token = blocking(&hub, move |h| h.add_user(&u)).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user, token })))
}

/// Removes a user (never the last admin).
#[utoipa::path(delete, path = "/v1/users/{name}", params(("name" = String, Path, description = "the user")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_user(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    allow(&p, &[Role::Admin])?;
    if blocking(&hub, move |h| h.store.delete_user(&name)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError(StatusCode::NOT_FOUND, "no such user".into()))
    }
}

/// Lists devices (last seen, outbox length, audit head, revocation).
#[utoipa::path(get, path = "/v1/devices", responses((status = 200, body = Vec<Device>), (status = 403, body = ErrorBody)))]
async fn devices(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<Device>>> {
    allow(&p, &[Role::Admin])?;
    Ok(Json(blocking(&hub, |h| h.store.devices()).await?))
}

/// Revokes a device: its next request is refused.
#[utoipa::path(post, path = "/v1/devices/{id}/revoke", params(("id" = String, Path, description = "the device")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn revoke_device(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    allow(&p, &[Role::Admin])?;
    if blocking(&hub, move |h| h.store.revoke_device(&id, now_ms())).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError(
            StatusCode::NOT_FOUND,
            "no such device, or it is revoked already".into(),
        ))
    }
}

/// A new enrollment token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// The team devices enrolled with it join.
    pub team: String,
    /// Days until it expires (1–90, default 7).
    pub days: Option<u32>,
}

/// A created enrollment token (the secret is shown once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    /// Its number.
    pub id: i64,
    /// The secret to give the workstation (`enrollment_token`).
    pub token: String,
    /// When it expires (unix ms).
    pub expires_at_ms: i64,
}

/// Lists enrollment tokens (never their secrets).
#[utoipa::path(get, path = "/v1/enrollment-tokens", responses((status = 200, body = Vec<EnrollmentToken>), (status = 403, body = ErrorBody)))]
async fn tokens(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<EnrollmentToken>>> {
    allow(&p, &[Role::Admin])?;
    Ok(Json(blocking(&hub, |h| h.store.tokens()).await?))
}

/// Creates a one-time enrollment token.
#[utoipa::path(post, path = "/v1/enrollment-tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody)))]
async fn add_token(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Json(req): Json<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    allow(&p, &[Role::Admin])?;
    plain_name(&req.team, "team")?;
    let days = req.days.unwrap_or(7);
    if !(1..=90).contains(&days) {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "an enrollment token lasts 1 to 90 days".into(),
        ));
    }
    let (actor, _) = p.actor();
    let token = crate::new_token();
    let hash = token_hash(&token);
    let now = now_ms();
    let expires = now + days as i64 * 86_400_000;
    let id = blocking(&hub, move |h| {
        h.store.add_token(&hash, &req.team, &actor, now, expires)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id,
            token,
            expires_at_ms: expires,
        }),
    ))
}

/// Revokes an unused enrollment token.
#[utoipa::path(post, path = "/v1/enrollment-tokens/{id}/revoke", params(("id" = i64, Path, description = "the token's number")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    allow(&p, &[Role::Admin])?;
    if blocking(&hub, move |h| h.store.revoke_token(id, now_ms())).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError(
            StatusCode::NOT_FOUND,
            "no such unused token".into(),
        ))
    }
}

/// Retention settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Days a summary is kept.
    pub summary_days: u32,
    /// Days the audit log is kept (at least 365).
    pub audit_days: u32,
}

fn retention_of(h: &Hub) -> Result<Retention, HubError> {
    let get = |k: &str, d: u32| -> Result<u32, HubError> {
        Ok(h.store
            .setting(k)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(d))
    };
    Ok(Retention {
        summary_days: get(
            crate::settings::SUMMARY_DAYS,
            crate::settings::DEFAULT_SUMMARY_DAYS,
        )?,
        audit_days: get(
            crate::settings::AUDIT_DAYS,
            crate::settings::DEFAULT_AUDIT_DAYS,
        )?,
    })
}

/// Reads retention.
#[utoipa::path(get, path = "/v1/retention", responses((status = 200, body = Retention), (status = 403, body = ErrorBody)))]
async fn retention(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Retention>> {
    allow(&p, &[Role::Admin])?;
    Ok(Json(blocking(&hub, retention_of).await?))
}

/// Sets retention (the audit log: never below 365 days).
#[utoipa::path(put, path = "/v1/retention", request_body = Retention,
    responses((status = 200, body = Retention), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_retention(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Json(req): Json<Retention>,
) -> ApiResult<Json<Retention>> {
    allow(&p, &[Role::Admin])?;
    if req.audit_days < crate::settings::AUDIT_FLOOR_DAYS {
        return Err(HubError::Guardrail(format!(
            "the audit log is kept at least {} days",
            crate::settings::AUDIT_FLOOR_DAYS
        ))
        .into());
    }
    if req.summary_days == 0 {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "summaries are kept at least 1 day".into(),
        ));
    }
    let r = blocking(&hub, move |h| {
        h.store
            .set_setting(crate::settings::SUMMARY_DAYS, &req.summary_days.to_string())?;
        h.store
            .set_setting(crate::settings::AUDIT_DAYS, &req.audit_days.to_string())?;
        retention_of(h)
    })
    .await?;
    Ok(Json(r))
}

// ---------- auditor ----------

/// Paging through the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Entries after this id (default 0).
    pub after: Option<i64>,
    /// Page size (1–1000, default 100).
    pub limit: Option<u32>,
}

/// Reads the audit log, oldest first.
#[utoipa::path(get, path = "/v1/audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditRecord>), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditRecord>>> {
    allow(&p, &[Role::Auditor])?;
    let (after, limit) = (q.after.unwrap_or(0), q.limit.unwrap_or(100).clamp(1, 1000));
    Ok(Json(
        blocking(&hub, move |h| h.store.audit(after, limit)).await?,
    ))
}

/// Walks the audit chain against every checkpoint.
#[utoipa::path(get, path = "/v1/audit/verify", responses((status = 200, body = crate::audit::Verdict), (status = 403, body = ErrorBody)))]
async fn audit_verify(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<crate::audit::Verdict>> {
    allow(&p, &[Role::Auditor])?;
    Ok(Json(blocking(&hub, |h| h.verify_audit(&[])).await?))
}

/// Signs a checkpoint of the log as it stands.
#[utoipa::path(post, path = "/v1/audit/checkpoint", responses((status = 201, body = Checkpoint), (status = 403, body = ErrorBody)))]
async fn audit_checkpoint(
    State(hub): State<Arc<Hub>>,
    Extension(p): Extension<Principal>,
) -> ApiResult<(StatusCode, Json<Checkpoint>)> {
    allow(&p, &[Role::Auditor])?;
    Ok((
        StatusCode::CREATED,
        Json(blocking(&hub, |h| h.checkpoint()).await?),
    ))
}

#[derive(OpenApi)]
#[openapi(info(
    title = "Earshot hub",
    description = "Redacted call summaries from enrolled workstations. Devices authenticate with client certificates; people with bearer API tokens."
))]
struct ApiDoc;

fn api_router() -> OpenApiRouter<Arc<Hub>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(enroll))
        .routes(routes!(upload))
        .routes(routes!(heartbeat))
        .routes(routes!(list))
        .routes(routes!(detail))
        .routes(routes!(live))
        .routes(routes!(live_stream))
        .routes(routes!(users, add_user))
        .routes(routes!(delete_user))
        .routes(routes!(devices))
        .routes(routes!(revoke_device))
        .routes(routes!(tokens, add_token))
        .routes(routes!(revoke_token))
        .routes(routes!(retention, set_retention))
        .routes(routes!(audit_log))
        .routes(routes!(audit_verify))
        .routes(routes!(audit_checkpoint))
}

/// The OpenAPI document (what `/v1/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().into_openapi()
}

/// The router, every route behind the audit gate and the body limit.
pub fn router(hub: Arc<Hub>) -> axum::Router {
    let (router, api) = api_router().split_for_parts();
    let api = Arc::new(api);
    let gated = router
        .merge(crate::web::routes())
        .route(
            "/v1/openapi.json",
            axum::routing::get(move || {
                let api = api.clone();
                async move { Json(api.as_ref().clone()) }
            }),
        )
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, "no such route".into()) })
        .layer(axum::middleware::from_fn_with_state(hub.clone(), gate))
        .layer(DefaultBodyLimit::max(hub.limits.max_body));
    crate::web::pages()
        .merge(gated)
        .layer(axum::middleware::from_fn(crate::web::secure_headers))
        .with_state(hub)
}
