//! The hub under load on loopback, on SQLite and on PostgreSQL (`cargo xtask bench`, or
//! `cargo bench -p earshot-hub --bench load`): 50 enrolled devices upload summaries at once
//! over mutual TLS (uploads/s, p50/p99 latency), then the store is filled to
//! `EARSHOT_BENCH_SUMMARIES` summaries (default 1,000,000) and a supervisor pages through
//! their team's calls (list p50/p99). Client and hub share this machine's cores, so the
//! figures are a floor for a hub on its own machine.

#[path = "../tests/support/mod.rs"]
mod support;

use support::client;

use earshot_hub::{pki, Hub};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEVICES: usize = 50;
const UPLOADS_PER_DEVICE: usize = 200;
const TEAMS: usize = 20;

fn summary(id: &str) -> serde_json::Value {
    let speaker = json!({"turns": 12, "talk_ms": 90000, "sentiment_mean": -0.1,
        "sentiment_quarters": [0.1, 0.0, -0.2, -0.3], "sentiment_trend": "DOWN"});
    json!({
        "summary_id": id, "agent": "agent", "source": "siprec", "started_at_ms": earshot_hub::now_ms(),
        "duration_ms": 240000, "speakers": {"caller": speaker, "agent": speaker},
        "silence_ratio": 0.2, "overtalk_ratio": 0.01, "findings": {"CREDIT_DEBIT_NUMBER": 1, "CVV": 1},
        "keypad_entries": 2, "key_phrases": ["billing dispute", "late fee", "payment plan"],
        "key_turns": [
            {"speaker": "caller", "start_ms": 1000, "text": "I was charged a late fee on my card [CREDIT_DEBIT_NUMBER]", "findings": ["CREDIT_DEBIT_NUMBER"]},
            {"speaker": "agent", "start_ms": 9000, "text": "I can set up a payment plan for the remaining balance", "findings": []}
        ],
        "key_turn_method": "textrank_minilm",
        "engines": {"earshot": "0.1.0", "asr_model": "tiny.en", "sentiment": "embedding"},
        "withheld": {"key_phrases": 0, "key_turns": 0, "agent": 0}
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Fills the summaries table to `n` rows in one statement per backend.
fn fill(database: &str, dir: &std::path::Path, n: u64) {
    let body = serde_json::to_string(&summary("x"))
        .unwrap()
        .replace('\'', "''");
    if database.starts_with("postgres") {
        let mut c = postgres::Client::connect(database, postgres::NoTls).unwrap();
        c.batch_execute(&format!(
            "INSERT INTO summaries SELECT lpad(to_hex(x), 32, '0'), 'bench', 'agent' || (x % 500), 'team' || (x % {TEAMS}),
                1700000000000 + x * 1000, 240000, 1700000000000 + x * 1000, -0.1, 'DOWN', x % 3, '{body}'
             FROM generate_series(1, {n}) AS x ON CONFLICT DO NOTHING; ANALYZE summaries;"
        ))
        .unwrap();
    } else {
        let c = rusqlite::Connection::open(dir.join("hub.db")).unwrap();
        c.execute_batch(&format!(
            "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n})
             INSERT OR IGNORE INTO summaries SELECT printf('%032x', x), 'bench', 'agent' || (x % 500), 'team' || (x % {TEAMS}),
                1700000000000 + x * 1000, 240000, 1700000000000 + x * 1000, -0.1, 'DOWN', x % 3, '{body}' FROM s;
             ANALYZE;"
        ))
        .unwrap();
    }
}

fn run(name: &str, database: &str, dir: &std::path::Path, total: u64) {
    let store = earshot_hub::open_store(database, 8).unwrap();
    Hub::init_with(
        dir,
        &["127.0.0.1".into()],
        "root",
        "team0",
        1,
        Some(store.clone()),
    )
    .unwrap();
    let mut hub = Hub::open(dir, Some(store.clone())).unwrap();
    hub.limits.device_rate = 1e6;
    hub.limits.device_burst = 1e6;
    let (rt, url) = support::serve_hub(Arc::new(hub), dir);
    let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();

    // Enroll the devices.
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        let token = earshot_hub::new_token();
        let now = earshot_hub::now_ms();
        store
            .add_token(
                &earshot_hub::token_hash(&token),
                "team0",
                "root",
                now,
                now + 86_400_000,
            )
            .unwrap();
        let key = pki::device_key(&format!("ws{i}")).unwrap();
        let r: serde_json::Value = rt
            .block_on(async {
                client(&ca, None)
                    .post(format!("{url}/v1/enroll"))
                    .json(&json!({"token": token, "csr_pem": key.csr_pem, "agent": format!("agent{i}"), "hostname": format!("ws{i}")}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
            })
            .unwrap();
        devices.push(client(
            &ca,
            Some((r["certificate_pem"].as_str().unwrap(), &key.key_pem)),
        ));
    }

    // 50 devices upload at once.
    let started = Instant::now();
    let mut latencies: Vec<Duration> = rt.block_on(async {
        let mut tasks = Vec::new();
        for (d, c) in devices.into_iter().enumerate() {
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                // The bodies are made before the clock starts: the client shares the machine
                // with the hub, and what is measured is the hub.
                let bodies: Vec<(String, String)> = (0..UPLOADS_PER_DEVICE)
                    .map(|k| {
                        let id = format!("{:016x}{:016x}", d + 1, k + 1);
                        let body = json!({"summary": summary(&id), "outbox_len": 0, "audit_size": 10, "audit_head": "ab"});
                        (format!("{url}/v1/summaries/{id}"), body.to_string())
                    })
                    .collect();
                for (to, body) in bodies {
                    let t = Instant::now();
                    let r = c
                        .put(to)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap_or_default());
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let wall = started.elapsed().as_secs_f64();
    latencies.sort();
    let n = latencies.len();
    println!(
        "{name}: {n} uploads from {DEVICES} devices over mutual TLS: {:.0} uploads/s, p50 {:.1} ms, p99 {:.1} ms",
        n as f64 / wall,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );

    // A supervisor pages through their team's calls in a full store.
    let t = Instant::now();
    fill(database, dir, total);
    println!(
        "{name}: filled to {total} summaries in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let sup = earshot_hub::new_token();
    store
        .add_user(
            &earshot_hub::store::User {
                name: "sup".into(),
                role: earshot_hub::store::Role::Supervisor,
                teams: vec!["team3".into(), "team7".into()],
            },
            &earshot_hub::token_hash(&sup),
        )
        .unwrap();
    let c = client(&ca, None);
    let mut lat = Vec::new();
    rt.block_on(async {
        let mut cursor: Option<String> = None;
        for i in 0..300 {
            let mut q = format!("{url}/v1/summaries?limit=50");
            if i % 3 == 1 {
                q += "&team=team3";
            }
            if i % 3 == 2 {
                q += "&had_sensitive=true";
            }
            if let Some(c) = &cursor {
                q += &format!("&cursor={c}");
            }
            let t = Instant::now();
            let page: serde_json::Value = c
                .get(&q)
                .bearer_auth(&sup)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            lat.push(t.elapsed());
            assert_eq!(page["items"].as_array().unwrap().len(), 50);
            cursor = if i % 10 == 9 {
                None
            } else {
                page["next_cursor"].as_str().map(String::from)
            };
        }
    });
    lat.sort();
    println!(
        "{name}: supervisor list (50 per page, 2 of {TEAMS} teams, filters and cursors) at {total} summaries: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
}

fn main() {
    let total: u64 = std::env::var("EARSHOT_BENCH_SUMMARIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    run(
        "sqlite",
        &dir.path().join("hub.db").display().to_string(),
        dir.path(),
        total,
    );
    let pg = support::Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    run("postgresql", &pg.url, dir.path(), total);
}
