//! `earshot hub …` (the organisation's hub) and `earshot sync` (this workstation's uploads).

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use earshot_config::Config;
use earshot_hub::{files, Hub};
use std::path::PathBuf;
use std::sync::Arc;

/// The hub's commands.
#[derive(Subcommand)]
pub enum HubCommand {
    /// Create a hub for a local trial: a private CA, the server certificate, a first admin and
    /// an enrollment token; prints what to put in a workstation's policy.
    Init {
        /// The hub's directory (certificates, keys, database).
        #[arg(long)]
        dir: PathBuf,
        /// Names the hub is reached by (DNS names or IP addresses), comma-separated.
        #[arg(long, default_value = "localhost,127.0.0.1", value_delimiter = ',')]
        names: Vec<String>,
        /// The first admin's name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The team of the first enrollment token.
        #[arg(long, default_value = "default")]
        team: String,
        /// The URL to print for workstations (default: https://<first name>:8443).
        #[arg(long)]
        url: Option<String>,
        /// The database: a `postgres://…` URL, or none for the embedded SQLite file in --dir.
        #[arg(long)]
        database: Option<String>,
    },
    /// Run the hub.
    Serve {
        /// The hub's directory.
        #[arg(long)]
        dir: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
        /// The database: a `postgres://…` URL (several hubs may share it), or none for the
        /// embedded SQLite file in --dir.
        #[arg(long)]
        database: Option<String>,
        /// Pooled PostgreSQL connections.
        #[arg(long, default_value_t = 8)]
        connections: usize,
    },
    /// Add a user and print their API token (shown once).
    User {
        /// The hub's directory.
        #[arg(long)]
        dir: PathBuf,
        /// Sign-in name (agents: the agent name their workstation reports).
        name: String,
        /// agent, supervisor, admin or auditor.
        #[arg(long)]
        role: String,
        /// Teams (supervisors: the teams they supervise), comma-separated.
        #[arg(long, value_delimiter = ',')]
        teams: Vec<String>,
        /// The database, as for `serve`.
        #[arg(long)]
        database: Option<String>,
    },
    /// Set a user's web password, read from standard input (at least 12 characters). Their
    /// authenticator set-up starts over at the next sign-in and their sessions end.
    Password {
        /// The hub's directory.
        #[arg(long)]
        dir: PathBuf,
        /// The user.
        name: String,
        /// The database, as for `serve`.
        #[arg(long)]
        database: Option<String>,
    },
    /// Check the audit log's hash chain against every signed checkpoint, and against
    /// checkpoint notes held elsewhere (files given here).
    AuditVerify {
        /// The hub's directory.
        #[arg(long)]
        dir: PathBuf,
        /// Checkpoint JSON files kept outside the hub (e.g. from a workstation).
        checkpoints: Vec<PathBuf>,
        /// The database, as for `serve`.
        #[arg(long)]
        database: Option<String>,
    },
    /// Print the OpenAPI document.
    Openapi,
}

/// The store `--database` names (with `connections` pooled for PostgreSQL), or `None` for the
/// SQLite file in the hub's directory.
fn store(
    database: Option<String>,
    connections: usize,
) -> Result<Option<Arc<dyn earshot_hub::store::HubStore>>> {
    Ok(database
        .map(|d| earshot_hub::open_store(&d, connections))
        .transpose()?)
}

pub fn run(command: HubCommand) -> Result<()> {
    match command {
        HubCommand::Init {
            dir,
            names,
            admin,
            team,
            url,
            database,
        } => {
            let store = store(database, 1)?;
            let out = Hub::init_with(&dir, &names, &admin, &team, 7, store)?;
            let url = url.unwrap_or_else(|| {
                format!(
                    "https://{}:8443",
                    names.first().map(String::as_str).unwrap_or("localhost")
                )
            });
            println!("hub created in {}", out.dir.display());
            println!(
                "admin '{admin}' API token (shown once): {}",
                out.admin_token
            );
            println!("start it:  earshot hub serve --dir {}", dir.display());
            println!("a workstation's policy.toml (the token enrolls one device, within 7 days):");
            println!("hub_url = \"{url}\"");
            // In full: a policy's paths do not depend on where Earshot starts.
            let ca = std::path::absolute(dir.join(files::CA_CERT))?;
            println!("hub_ca = \"{}\"", ca.display());
            println!("enrollment_token = \"{}\"", out.enrollment_token);
            Ok(())
        }
        HubCommand::Serve {
            dir,
            listen,
            database,
            connections,
        } => {
            let store = store(database, connections)?;
            let hub = Arc::new(Hub::open(&dir, store)?);
            let tls = earshot_hub::serve::tls_config(&dir)?;
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                eprintln!(
                    "hub listening on https://{} ({} database)",
                    listener.local_addr()?,
                    hub.store.kind()
                );
                match &hub.sso {
                    Some(sso) => eprintln!(
                        "single sign-on through {} (local passwords: the emergency admin only)",
                        sso.config.issuer
                    ),
                    None => eprintln!("sign-in with local passwords (no sso.toml)"),
                }
                earshot_hub::serve::run(hub, listener, tls).await?;
                Ok(())
            })
        }
        HubCommand::User {
            dir,
            name,
            role,
            teams,
            database,
        } => {
            let store = store(database, 1)?;
            let hub = Hub::open(&dir, store)?;
            let role = earshot_hub::store::Role::parse(&role)?;
            let token = hub.add_user(&earshot_hub::store::User {
                name: name.clone(),
                role,
                teams,
            })?;
            hub.store.append_audit(
                &earshot_hub::store::NewAudit {
                    actor: earshot_vault::os_user(),
                    role: "local".into(),
                    action: "hub user".into(),
                    target: format!("{name} ({})", role.name()),
                    source: "local".into(),
                    outcome: "ok".into(),
                },
                earshot_hub::now_ms(),
            )?;
            println!("{token}");
            Ok(())
        }
        HubCommand::Password {
            dir,
            name,
            database,
        } => {
            let hub = Hub::open(&dir, store(database, 1)?)?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            earshot_hub::web::set_password(&hub, &name, password)?;
            hub.store.append_audit(
                &earshot_hub::store::NewAudit {
                    actor: earshot_vault::os_user(),
                    role: "local".into(),
                    action: "hub password".into(),
                    target: name.clone(),
                    source: "local".into(),
                    outcome: "ok".into(),
                },
                earshot_hub::now_ms(),
            )?;
            eprintln!("password set for {name}: the authenticator is set up at the next sign-in");
            Ok(())
        }
        HubCommand::AuditVerify {
            dir,
            checkpoints,
            database,
        } => {
            let store = store(database, 1)?;
            let hub = Hub::open(&dir, store)?;
            let mut extra = Vec::new();
            for f in checkpoints {
                let text = std::fs::read_to_string(&f)
                    .with_context(|| format!("cannot read {}", f.display()))?;
                extra.push(
                    serde_json::from_str(&text)
                        .with_context(|| format!("{} is not a checkpoint", f.display()))?,
                );
            }
            let v = hub.verify_audit(&extra)?;
            match v.problem {
                None => {
                    println!(
                        "audit log intact: {} entries, {} checkpoints verified",
                        v.entries, v.checkpoints
                    );
                    Ok(())
                }
                Some(p) => bail!("audit log broken after {} good entries: {p}", v.entries),
            }
        }
        HubCommand::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&earshot_hub::api::openapi())?
            );
            Ok(())
        }
    }
}

/// `earshot sync`: enroll if needed, then upload the outbox (once, or until stopped).
pub fn sync(once: bool, status: bool) -> Result<()> {
    let config = Config::load()?;
    let vault = earshot_vault::Vault::open(&config)?;
    if status {
        let s = vault.sync_state()?;
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(());
    }
    let mut encoder = earshot_pipeline::sentence_encoder(&earshot_models::ModelStore::from_env());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        // One pass fails at once when the hub cannot be reached; the running sync waits for it,
        // backing off like the outbox does.
        let mut attempts = 0;
        let syncer = loop {
            match earshot_sync::Syncer::connect(&config, &vault).await {
                Ok(s) => break s,
                Err(e) if !once => {
                    let wait = earshot_sync::backoff_ms(attempts);
                    eprintln!("sync: {e} (will retry in {} s)", wait.div_ceil(1000));
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        let line = |r: &earshot_sync::Report| {
            format!(
                "sent {}, already on the hub {}, discarded {}, still queued {}",
                r.sent, r.repeated, r.discarded, r.queued
            )
        };
        if once {
            let r = syncer.sync_once(&vault, encoder.as_mut()).await?;
            println!("{}", line(&r));
            return Ok(());
        }
        syncer
            .run(
                &vault,
                encoder.as_mut(),
                std::time::Duration::from_secs(5),
                |pass| match pass {
                    Ok(r) => println!("{}", line(r)),
                    Err(e) => eprintln!("sync: {e} (will retry)"),
                },
            )
            .await
    })
}
