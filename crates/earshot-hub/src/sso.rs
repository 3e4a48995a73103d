//! Single sign-on: the hub as an OpenID Connect relying party (authorization code flow with
//! PKCE, a nonce and a state bound to the browser), with the identity provider's groups mapped
//! to hub roles.
//!
//! Configured by `sso.toml` in the hub's directory ([`SsoConfig`]); without it the hub has
//! local sign-in only. With it, local passwords are the emergency path: only admins may use
//! one, and every request of such a session is flagged in the audit log and listed on the admin
//! page (see [`crate::web`]).
//!
//! The provider's metadata and keys are fetched on first use, not at start (a hub must start,
//! and its emergency admin sign in, while the provider is down), and again after
//! [`METADATA_TTL`] or a failed verification (key rotation). The HTTP client follows no
//! redirect (the `openidconnect` crate's own advice, against SSRF), times out after 10 s and
//! reads at most 1 MiB of an answer.
//!
//! Groups: the claim named by `groups_claim` is read from the verified ID token, or, when the ID
//! token lacks it, from the userinfo endpoint (providers that follow OpenID Connect's
//! "conform ID token claims" put scope-requested claims only there). Each configured group
//! gives one role (and, for supervisors, teams). A person whose groups give no role, or more
//! than one, is refused: a role is never guessed.

use crate::store::Role;
use crate::HubError;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    IdToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The file in the hub's directory that turns single sign-on on.
pub const CONFIG_FILE: &str = "sso.toml";
/// How long discovered metadata (and the provider's keys) is used before it is fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(600);
/// Largest answer read from the provider.
const MAX_ANSWER: usize = 1 << 20;

/// `sso.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SsoConfig {
    /// The provider's issuer URL (https; http only on a loopback address, for trials).
    pub issuer: String,
    /// The hub's client id at the provider.
    pub client_id: String,
    /// The client secret (a confidential client); none for a public client (PKCE only).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// A file holding the client secret instead (kept out of the config file).
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// The callback registered at the provider: `https://<hub>/web/sso/callback`.
    pub redirect_url: String,
    /// Scopes asked for (`openid` is always added).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The claim whose value is the person's hub name.
    #[serde(default = "default_name_claim")]
    pub name_claim: String,
    /// The claim listing the person's groups.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// The label of the sign-in button.
    #[serde(default = "default_label")]
    pub label: String,
    /// A CA certificate (PEM) trusted for the provider besides the system's roots.
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// Group → role mappings.
    #[serde(default)]
    pub groups: Vec<GroupRole>,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "email".into()]
}
fn default_name_claim() -> String {
    "preferred_username".into()
}
fn default_groups_claim() -> String {
    "groups".into()
}
fn default_label() -> String {
    "Sign in with single sign-on".into()
}

/// One group's role.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRole {
    /// The group as the provider names it.
    pub group: String,
    /// agent, supervisor, admin or auditor.
    pub role: String,
    /// The teams it gives (a supervisor's teams; an agent's team).
    #[serde(default)]
    pub teams: Vec<String>,
}

/// Why a sign-in through the provider was refused: a short code the sign-in page explains
/// (codes, not text, so a crafted link cannot put words on the hub's page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The provider is unreachable or answered wrongly.
    Provider,
    /// The state or the flow cookie did not match (an old tab, or a forged callback).
    State,
    /// The provider said no (the person cancelled, or is not allowed).
    Denied,
    /// The ID token did not verify.
    Token,
    /// No usable name claim.
    Name,
    /// None of the person's groups has a role.
    NoRole,
    /// The groups give more than one role.
    Ambiguous,
    /// The name is a local account's.
    Local,
}

impl Refusal {
    /// The code in `/?sso_error=…`.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Provider => "provider",
            Refusal::State => "state",
            Refusal::Denied => "denied",
            Refusal::Token => "token",
            Refusal::Name => "name",
            Refusal::NoRole => "norole",
            Refusal::Ambiguous => "ambiguous",
            Refusal::Local => "local",
        }
    }
}

/// A sign-in started: where to send the browser and what to keep until it comes back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    /// The `state` sent (checked on return).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub verifier: String,
    /// Where inside the hub to go after sign-in.
    pub next: String,
}

/// Who the provider says signed in, mapped to the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The hub name.
    pub name: String,
    /// The role their groups give.
    pub role: Role,
    /// The teams their groups give.
    pub teams: Vec<String>,
}

/// Claims beyond the standard ones, kept whole (the name and groups claims are configurable).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct Extra(serde_json::Map<String, serde_json::Value>);
impl AdditionalClaims for Extra {}

type ExtraIdToken =
    IdToken<Extra, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// An HTTP failure talking to the provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// The hub's single sign-on.
pub struct Sso {
    /// Its configuration.
    pub config: SsoConfig,
    secret: Option<String>,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(CoreProviderMetadata, Instant)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

/// Whether `url` may be used: https, or http on a loopback host.
fn acceptable_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" => true,
        Ok(u) if u.scheme() == "http" => match u.host() {
            Some(url::Host::Ipv4(a)) => a.is_loopback(),
            Some(url::Host::Ipv6(a)) => a.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        },
        _ => false,
    }
}

/// A path inside the hub to go to after sign-in: `next` when it is one (a single leading `/`,
/// no scheme, no backslash, no control character), `/` otherwise. Never a redirect elsewhere.
pub fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 512
                && !n.contains('\\')
                && !n.contains("://")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

impl Sso {
    /// Reads `sso.toml` from `dir`; `None` when there is none.
    pub fn load(dir: &Path) -> Result<Option<Sso>, HubError> {
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(HubError::Io(format!("cannot read {}: {e}", path.display()))),
        };
        let config: SsoConfig = toml::from_str(&text)
            .map_err(|e| HubError::BadRequest(format!("{}: {e}", path.display())))?;
        Sso::new(config).map(Some)
    }

    /// Checks `config` and builds the client.
    pub fn new(config: SsoConfig) -> Result<Sso, HubError> {
        let bad = |m: String| HubError::BadRequest(format!("{CONFIG_FILE}: {m}"));
        if !acceptable_url(&config.issuer) {
            return Err(bad(format!(
                "the issuer must be an https URL (http only on a loopback address): {}",
                config.issuer
            )));
        }
        if !acceptable_url(&config.redirect_url) {
            return Err(bad("the redirect_url must be an https URL".into()));
        }
        if config.groups.is_empty() {
            return Err(bad(
                "no [[groups]]: map at least one of the provider's groups to a role".into(),
            ));
        }
        for g in &config.groups {
            let role = Role::parse(&g.role).map_err(|e| bad(e.to_string()))?;
            if role == Role::Device {
                return Err(bad("a group cannot give the device role".into()));
            }
        }
        let secret = match (&config.client_secret, &config.client_secret_file) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "give client_secret or client_secret_file, not both".into()
                ))
            }
            (Some(s), None) => Some(s.clone()),
            (None, Some(f)) => Some(
                std::fs::read_to_string(f)
                    .map_err(|e| bad(format!("cannot read {}: {e}", f.display())))?
                    .trim()
                    .to_string(),
            ),
            (None, None) => None,
        };
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for c in native.certs {
            let _ = roots.add(c);
        }
        if let Some(ca) = &config.ca {
            let pem = std::fs::read_to_string(ca)
                .map_err(|e| bad(format!("cannot read {}: {e}", ca.display())))?;
            for c in crate::pki::certs_from_pem(&pem)? {
                roots
                    .add(c)
                    .map_err(|e| bad(format!("{}: {e}", ca.display())))?;
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Pki(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            // Following redirects would let the provider's answers steer the hub's requests.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| HubError::Io(format!("the SSO HTTP client: {e}")))?;
        Ok(Sso {
            config,
            secret,
            http,
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    async fn send(
        &self,
        req: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, HttpError> {
        let req = reqwest::Request::try_from(req).map_err(|e| HttpError(e.to_string()))?;
        let mut resp = self
            .http
            .execute(req)
            .await
            .map_err(|e| HttpError(e.to_string()))?;
        let mut out = openidconnect::http::Response::builder().status(resp.status());
        for (k, v) in resp.headers() {
            out = out.header(k, v);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| HttpError(e.to_string()))? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(HttpError("the provider's answer is too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        out.body(body).map_err(|e| HttpError(e.to_string()))
    }

    /// The provider's metadata (cached for [`METADATA_TTL`]; `fresh` fetches it again).
    async fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, String> {
        let mut cached = self.metadata.lock().await;
        if let Some((m, at)) = cached.as_ref() {
            if !fresh && at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let http = |r| self.send(r);
        let m = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| format!("discovery at {}: {e}", self.config.issuer))?;
        *cached = Some((m.clone(), Instant::now()));
        Ok(m)
    }

    fn client(
        &self,
        m: CoreProviderMetadata,
    ) -> Result<
        openidconnect::core::CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        Ok(CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.config.client_id.clone()),
            self.secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(
            RedirectUrl::new(self.config.redirect_url.clone()).map_err(|e| e.to_string())?,
        ))
    }

    /// Starts a sign-in: the provider's authorization URL and the flow to keep.
    pub async fn start(&self, next: Option<&str>) -> Result<(String, Flow), Refusal> {
        let m = self.metadata(false).await.map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: the provider cannot be reached");
            Refusal::Provider
        })?;
        let client = self.client(m).map_err(|e| {
            tracing::warn!(error = %e, "single sign-on: bad configuration");
            Refusal::Provider
        })?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for s in self.config.scopes.iter().filter(|s| *s != "openid") {
            req = req.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = req.set_pkce_challenge(challenge).url();
        Ok((
            url.to_string(),
            Flow {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                next: local_next(next),
            },
        ))
    }

    /// Finishes a sign-in: exchanges `code` (PKCE), verifies the ID token (signature, issuer,
    /// audience, expiry, nonce, access-token hash) and maps the person's groups to a role.
    pub async fn finish(&self, flow: &Flow, code: &str) -> Result<Identity, Refusal> {
        let r = self.finish_with(flow, code).await;
        if r == Err(Refusal::Token) {
            // Perhaps the provider rotated its keys: fetch them again for the next sign-in
            // (this one's code is spent).
            let _ = self.metadata(true).await;
        }
        r
    }

    async fn finish_with(&self, flow: &Flow, code: &str) -> Result<Identity, Refusal> {
        let provider = |e: String| {
            tracing::warn!(error = %e, "single sign-on failed");
            Refusal::Provider
        };
        let m = self.metadata(false).await.map_err(provider)?;
        let client = self.client(m).map_err(provider)?;
        let http = |r| self.send(r);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
            .request_async(&http)
            .await
            .map_err(|e| provider(format!("the token request: {e}")))?;
        let token_error = |e: String| {
            tracing::warn!(error = %e, "single sign-on: the ID token does not verify");
            Refusal::Token
        };
        let id_token = tokens
            .id_token()
            .ok_or_else(|| token_error("no ID token".into()))?;
        // Parsed again with every claim kept (the name and groups claims are configurable);
        // verified by the same verifier.
        let id_token: ExtraIdToken = id_token
            .to_string()
            .parse()
            .map_err(|e: serde_json::Error| token_error(e.to_string()))?;
        let verifier = client.id_token_verifier();
        let nonce = Nonce::new(flow.nonce.clone());
        let claims = id_token
            .claims(&verifier, &nonce)
            .map_err(|e| token_error(e.to_string()))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|e| token_error(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| token_error(e.to_string()))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|e| token_error(e.to_string()))?;
            if actual != *expected {
                return Err(token_error("the access token hash does not match".into()));
            }
        }
        let mut all = claims.additional_claims().0.clone();
        // Standard claims the crate parses itself are not in the extra map: add the usual
        // name claims.
        if let Some(u) = claims.preferred_username() {
            all.entry("preferred_username")
                .or_insert_with(|| u.as_str().into());
        }
        if let Some(e) = claims.email() {
            all.entry("email").or_insert_with(|| e.as_str().into());
        }
        all.entry("sub")
            .or_insert_with(|| claims.subject().as_str().into());
        let missing =
            |k: &str, all: &serde_json::Map<String, serde_json::Value>| !all.contains_key(k);
        if missing(&self.config.groups_claim, &all) || missing(&self.config.name_claim, &all) {
            if let Ok(req) = client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            ) {
                match req.request_async::<Extra, _, CoreGenderClaim>(&http).await {
                    Ok(info) => merge_userinfo(&mut all, &info),
                    Err(e) => tracing::warn!(error = %e, "single sign-on: userinfo failed"),
                }
            }
        }
        self.identity(&all)
    }

    /// The hub identity the claims give.
    pub fn identity(
        &self,
        claims: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Identity, Refusal> {
        let name = claims
            .get(&self.config.name_claim)
            .and_then(|v| v.as_str())
            .filter(|n| crate::plain_name(n))
            .ok_or(Refusal::Name)?
            .to_string();
        let groups: Vec<String> = match claims.get(&self.config.groups_claim) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|g| g.as_str().map(str::to_string))
                .collect(),
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        let (role, teams) = role_for(&self.config.groups, &groups)?;
        Ok(Identity { name, role, teams })
    }
}

fn merge_userinfo(
    all: &mut serde_json::Map<String, serde_json::Value>,
    info: &UserInfoClaims<Extra, CoreGenderClaim>,
) {
    for (k, v) in &info.additional_claims().0 {
        all.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if let Some(u) = info.preferred_username() {
        all.entry("preferred_username")
            .or_insert_with(|| u.as_str().into());
    }
    if let Some(e) = info.email() {
        all.entry("email").or_insert_with(|| e.as_str().into());
    }
}

/// The one role (and the teams) `groups` give under `mapping`.
pub fn role_for(mapping: &[GroupRole], groups: &[String]) -> Result<(Role, Vec<String>), Refusal> {
    let mut role: Option<Role> = None;
    let mut teams = Vec::new();
    for m in mapping.iter().filter(|m| groups.contains(&m.group)) {
        let r = Role::parse(&m.role).map_err(|_| Refusal::NoRole)?;
        match role {
            Some(prev) if prev != r => return Err(Refusal::Ambiguous),
            _ => role = Some(r),
        }
        teams.extend(m.teams.iter().cloned());
    }
    teams.sort();
    teams.dedup();
    role.map(|r| (r, teams)).ok_or(Refusal::NoRole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(group: &str, role: &str, teams: &[&str]) -> GroupRole {
        GroupRole {
            group: group.into(),
            role: role.into(),
            teams: teams.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn groups_give_one_role_or_none() {
        let map = [
            g("sup-north", "supervisor", &["north"]),
            g("sup-south", "supervisor", &["south"]),
            g("it-admins", "admin", &[]),
        ];
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            role_for(&map, &s(&["sup-south", "sup-north", "staff"])),
            Ok((Role::Supervisor, s(&["north", "south"])))
        );
        assert_eq!(role_for(&map, &s(&["staff"])), Err(Refusal::NoRole));
        assert_eq!(role_for(&map, &s(&[])), Err(Refusal::NoRole));
        assert_eq!(
            role_for(&map, &s(&["sup-north", "it-admins"])),
            Err(Refusal::Ambiguous)
        );
    }

    #[test]
    fn next_stays_inside_the_hub() {
        for ok in ["/", "/#/call/abc", "/?x=1#/live"] {
            assert_eq!(local_next(Some(ok)), ok);
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil",
            "/ /evil",
            "/x\r\nLocation: https://evil",
            "javascript:alert(1)",
            "/redirect?to=https://evil",
            "",
        ] {
            assert_eq!(local_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_next(None), "/");
    }

    #[test]
    fn a_plain_http_issuer_is_refused_unless_loopback() {
        assert!(acceptable_url("https://idp.example.com/realms/cc"));
        assert!(acceptable_url("http://127.0.0.1:9000"));
        assert!(acceptable_url("http://localhost:9000"));
        assert!(!acceptable_url("http://idp.example.com"));
        assert!(!acceptable_url("ftp://127.0.0.1"));
    }
}
