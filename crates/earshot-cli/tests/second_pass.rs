//! A live call's second pass, as a person meets it: `earshot analyze --realtime` runs the call
//! on tiny.en, then (by default) decodes it again with base and replaces the stored transcript;
//! `EARSHOT_SECOND_PASS=off` keeps the live one. Killed during the second pass, the process
//! leaves a spool nobody can read: the next start deletes it and keeps the live transcript.

use earshot_callgen::sample_call;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

fn earshot(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        .env_remove("EARSHOT_SECOND_PASS")
        .env_remove("EARSHOT_AGE_RECIPIENTS")
        .env_remove("RUST_LOG");
    cmd
}

/// A data dir whose values are sealed to a new operator key.
fn data_dir() -> (tempfile::TempDir, String) {
    let data = tempfile::tempdir().unwrap();
    let keys = earshot(data.path())
        .args(["keys", "new", "--out"])
        .arg(data.path().join("operator.key"))
        .output()
        .unwrap();
    assert!(keys.status.success(), "{keys:?}");
    let recipient = String::from_utf8(keys.stdout).unwrap().trim().to_string();
    (data, recipient)
}

fn json_of(cmd: &mut Command) -> Value {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn the_call(data: &Path) -> Value {
    let o = earshot(data)
        .args(["calls", "list", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let listing = String::from_utf8(o.stdout).unwrap();
    assert_eq!(listing.lines().count(), 1, "{listing}");
    serde_json::from_str(listing.trim()).unwrap()
}

fn spools(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data.join("spool"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn audit(data: &Path) -> String {
    let o = earshot(data).args(["audit", "list"]).output().unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

/// Lower-case words of four letters or more.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn after_a_live_call_its_stored_transcript_is_the_second_passes_and_off_keeps_the_live_one() {
    for on in [true, false] {
        let (data, recipient) = data_dir();
        let mut cmd = earshot(data.path());
        cmd.args([
            "analyze",
            "--realtime",
            "--json",
            "--speed",
            "4",
            "--no-partials",
        ])
        .arg(earshot_callgen::sample_wav())
        .env("EARSHOT_AGE_RECIPIENTS", &recipient);
        if !on {
            cmd.env("EARSHOT_SECOND_PASS", "off");
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{stderr}");
        let out = String::from_utf8_lossy(&o.stdout);
        let events: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let end = events.iter().find(|e| e["type"] == "call_end").unwrap();
        let passes: Vec<&Value> = events
            .iter()
            .filter(|e| e["type"] == "second_pass")
            .collect();
        let call = the_call(data.path());
        let show = json_of(earshot(data.path()).args([
            "calls",
            "show",
            &end["call_id"].to_string(),
            "--json",
        ]));
        let utterances = show["utterances"].as_array().unwrap();
        let text: String = utterances
            .iter()
            .map(|u| u["text"].as_str().unwrap().to_string() + "\n")
            .collect();
        for s in earshot_callgen::SAMPLE_SECRETS {
            assert!(
                !text.to_lowercase().contains(s),
                "{s} stored in clear:\n{text}"
            );
            // Event texts only: ids and timings are numbers that may hold any digits.
            let shown = events
                .iter()
                .filter_map(|e| e["text"].as_str())
                .any(|t| t.to_lowercase().contains(s));
            assert!(!shown, "{s} printed:\n{out}");
        }
        assert!(spools(data.path()).is_empty(), "no spool is left");
        if !on {
            // The negative control: the live transcript stays, nothing is pending.
            assert!(passes.is_empty(), "{out}");
            assert_eq!(call["model"], "tiny.en", "{call}");
            assert!(call["second_pass_state"].is_null(), "{call}");
            continue;
        }
        assert_eq!(passes.len(), 1, "{out}");
        let pass = passes[0];
        assert_eq!(pass["model"], "base");
        assert_eq!(pass["call_id"], end["call_id"]);
        assert_eq!(
            pass["utterances"].as_u64().unwrap() as usize,
            utterances.len(),
            "the stored transcript is the second pass's"
        );
        assert_eq!(call["model"], "base", "{call}");
        assert_eq!(call["second_pass_state"], "done", "{call}");
        // Both speakers, in their own lanes, and the caller's card number found and sealed
        // again by the second pass's own redaction.
        let script = sample_call();
        for speaker in ["caller", "agent"] {
            let own: std::collections::BTreeSet<String> = script
                .iter()
                .filter(|t| format!("{:?}", t.speaker).to_lowercase() == speaker)
                .flat_map(|t| words(&t.text))
                .collect();
            let heard = utterances
                .iter()
                .filter(|u| u["speaker"] == speaker)
                .flat_map(|u| words(u["text"].as_str().unwrap()))
                .filter(|w| own.contains(w))
                .count();
            assert!(heard >= 8, "{speaker}: {heard} of its words\n{text}");
        }
        let card = utterances
            .iter()
            .flat_map(|u| u["findings"].as_array().unwrap().iter())
            .find(|f| f["type"] == "CREDIT_DEBIT_NUMBER")
            .unwrap_or_else(|| panic!("no card number found:\n{text}"));
        assert_eq!(card["sealed"], true, "{card}");
        // Audited, with what it replaced.
        let audit = audit(data.path());
        let entry = audit
            .lines()
            .find(|l| l.contains("\"second_pass\""))
            .unwrap_or_else(|| panic!("{audit}"));
        assert!(
            entry.contains("by base replace") && entry.contains("by tiny.en"),
            "{entry}"
        );
    }
}

/// `analyze --realtime` of the sample call sealing to `recipient`, its stderr piped.
fn realtime(data: &Path, recipient: &str) -> Child {
    earshot(data)
        .args(["analyze", "--realtime", "--speed", "4", "--no-partials"])
        .arg(earshot_callgen::sample_wav())
        .env("EARSHOT_AGE_RECIPIENTS", recipient)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads `child`'s stderr up to the line saying its second pass began: the rest of its stderr,
/// and what it printed so far.
fn in_second_pass(child: &mut Child) -> (BufReader<ChildStderr>, String) {
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).unwrap();
        seen.push_str(&line);
        if line.starts_with("second pass: decoding call") {
            return (stderr, seen);
        }
        if read == 0 || Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the second pass never started:\n{seen}");
        }
    }
}

#[test]
fn a_second_pass_cut_by_kill_9_is_given_up_at_the_next_start_and_its_spool_deleted() {
    let (data, recipient) = data_dir();
    let mut child = realtime(data.path(), &recipient);
    in_second_pass(&mut child);
    // The positive control: the spool is there, locked by the running process.
    let held = spools(data.path());
    assert_eq!(held.len(), 1, "{held:?}");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(held[0].exists(), "a killed process leaves its spool");
    // The next start (any command opening the vault) deletes it and gives the pass up.
    let call = the_call(data.path());
    assert!(spools(data.path()).is_empty(), "the spool was deleted");
    assert_given_up(data.path(), &call, "");
}

#[test]
fn ctrl_c_during_the_second_pass_stops_it_the_call_keeps_its_live_transcript_and_the_process_exits_cleanly(
) {
    let (data, recipient) = data_dir();
    let mut child = realtime(data.path(), &recipient);
    let (mut stderr, seen) = in_second_pass(&mut child);
    // Ctrl-C, as a person at the terminal sends it.
    let interrupted = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    eprintln!("Ctrl-C to exit: {} ms", interrupted.elapsed().as_millis());
    // A clean exit (not a crash under a running decode), and the pass stopped rather than run
    // to its end (which would have stored base's text: the other test's positive control).
    assert!(status.success(), "{status:?}\n{seen}{rest}");
    assert!(
        rest.contains("second pass: stopped; call") && !rest.contains("stored with base"),
        "{seen}{rest}"
    );
    // The process itself gave the pass up and deleted its spool, before any other start (a
    // killed one leaves both to the next start: the kill -9 test).
    assert!(spools(data.path()).is_empty(), "the spool was deleted");
    assert_given_up(data.path(), &the_call(data.path()), "stopped");
}

/// The call (listed as `call`) kept its live transcript, its second pass given up and audited
/// with a reason holding `why`.
fn assert_given_up(data: &Path, call: &Value, why: &str) {
    assert_eq!(call["second_pass_state"], "abandoned", "{call}");
    assert_eq!(
        call["model"], "tiny.en",
        "the live transcript stays: {call}"
    );
    assert!(call["utterances"].as_i64().unwrap() >= 6, "{call}");
    let audit = audit(data);
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\"second_pass\"") && l.contains(why) && l.contains("abandoned")),
        "{audit}"
    );
}
