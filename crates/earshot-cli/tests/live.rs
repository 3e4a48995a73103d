//! `earshot analyze --realtime` and `earshot listen`, as a person runs them: JSON events with
//! latencies, finals stored before they are printed, Ctrl-C finalizing the open utterance, and
//! capture of both sides of a call from a real PulseAudio server.

use earshot_callgen::pulse::TestPulse;
use earshot_callgen::{render_with, RenderOptions};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::RwLock;
use std::time::Duration;

/// The Ctrl-C test interrupts at a point of the audio clock that a final's latency tells: it runs
/// alone (write lock) so that latency stays small; the other tests share the machine (read lock).
static CPU: RwLock<()> = RwLock::new(());

fn earshot(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        // What the live engine stored is checked against what it showed: the second pass,
        // which replaces it after the call, has tests of its own (second_pass.rs).
        .env("EARSHOT_SECOND_PASS", "off")
        .env_remove("EARSHOT_AGE_RECIPIENTS")
        .env_remove("RUST_LOG");
    cmd
}

const SECRETS: &[&str] = earshot_callgen::SAMPLE_SECRETS;

fn assert_no_secret(out: &str) {
    let lower = out.to_lowercase();
    for s in SECRETS {
        assert!(!lower.contains(s), "{s:?} reached the output:\n{out}");
    }
}

/// Every string of every event line — texts, snippets, triggers, categories, keys — one per
/// line. Ids, timestamps and latencies are numbers that may contain any digits (a latency of
/// 17396 ms holds "739"), so numbers are left out and every string is kept.
fn event_strings(out: &str) -> String {
    fn walk(v: &Value, into: &mut String) {
        match v {
            Value::String(s) => {
                into.push_str(s);
                into.push('\n');
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, into)),
            Value::Object(fields) => fields.iter().for_each(|(k, f)| {
                into.push_str(k);
                into.push('\n');
                walk(f, into);
            }),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let mut all = String::new();
    events(out).iter().for_each(|e| walk(e, &mut all));
    all
}

#[test]
fn the_secret_check_reads_every_string_of_an_event_and_no_number() {
    let line = r#"{"type":"suggestion","snippet":"the code is 739","latency_ms":17396}"#;
    let caught = std::panic::catch_unwind(|| assert_no_secret(&event_strings(line)));
    assert!(caught.is_err(), "a value in any string field is caught");
    let clean = r#"{"type":"final","text":"it is [credit_debit_cvv]","latency_ms":17396}"#;
    assert_no_secret(&event_strings(clean));
}

/// Log lines carry durations and offsets as numbers: only the forms no number field can take.
fn assert_no_secret_in_log(log: &str) {
    let lower = log.to_lowercase();
    for s in [
        "4532015112830366",
        "4532 0151",
        "four five three",
        "seven three nine",
    ] {
        assert!(!lower.contains(s), "{s:?} reached the log:\n{log}");
    }
}

fn events(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn of_type<'a>(events: &'a [Value], t: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == t).collect()
}

/// The stored call's utterance texts.
fn stored(data: &Path, call: &Value) -> Vec<String> {
    let o = earshot(data)
        .args(["calls", "show", &call.to_string(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let call: Value = serde_json::from_slice(&o.stdout).unwrap();
    call["utterances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn realtime_json_events_carry_latency_and_every_final_is_stored() {
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().unwrap();
    let o: Output = earshot(data.path())
        .args(["analyze", "--realtime", "--json", "--speed", "2"])
        .arg(earshot_callgen::sample_wav())
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_no_secret(&event_strings(&out));
    assert_no_secret_in_log(&stderr);
    let ev = events(&out);
    let partials = of_type(&ev, "partial");
    let finals = of_type(&ev, "final");
    assert!(!partials.is_empty() && finals.len() >= 6, "{out}");
    for e in partials.iter().chain(&finals) {
        assert!(e["latency_ms"].is_u64(), "{e}");
        assert!(e["id"].is_u64() && e["speaker"].is_string(), "{e}");
        assert!(e["start_ms"].as_u64() <= e["end_ms"].as_u64(), "{e}");
    }
    for f in &finals {
        assert!(f["sentiment"]["label"].is_string(), "{f}");
    }
    let end = ev.last().unwrap();
    assert_eq!(end["type"], "call_end", "{out}");
    let texts: Vec<String> = finals
        .iter()
        .map(|f| f["text"].as_str().unwrap().to_string())
        .collect();
    let mut kept = stored(data.path(), &end["call_id"]);
    let mut printed = texts.clone();
    kept.sort();
    printed.sort();
    assert_eq!(kept, printed, "the vault holds exactly the finals");
    let all = texts.join("\n");
    assert!(all.contains("[CREDIT_DEBIT_NUMBER]"), "{all}");
}

/// The stdout lines of a running `earshot`, with a deadline on every wait: a test fails, it
/// never hangs.
struct Lines {
    rx: Receiver<String>,
    seen: Vec<String>,
}

/// How long a test waits for the next line before it gives up.
const PATIENCE: Duration = Duration::from_secs(90);

impl Lines {
    fn of(child: &mut Child) -> Lines {
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines {
            rx,
            seen: Vec::new(),
        }
    }

    /// Reads until `stop` holds for a line (true), or the output ends (false).
    fn until(&mut self, child: &mut Child, mut stop: impl FnMut(&Value) -> bool) -> bool {
        loop {
            match self.rx.recv_timeout(PATIENCE) {
                Ok(line) => {
                    let v: Value = serde_json::from_str(&line).unwrap();
                    self.seen.push(line);
                    if stop(&v) {
                        return true;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return false,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    panic!(
                        "no output for {PATIENCE:?}; so far:\n{}",
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Reads to the end of the output.
    fn rest(&mut self, child: &mut Child) -> String {
        self.until(child, |_| false);
        self.seen.join("\n")
    }
}

fn interrupt(child: &Child) {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn ctrl_c_finalizes_and_stores_the_open_utterance() {
    let _alone = CPU.write().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().unwrap();
    let mut child = earshot(data.path())
        .args(["analyze", "--realtime", "--json"])
        .arg(earshot_callgen::sample_wav())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt while the caller is reading the card number. What the product guarantees, and
    // so what this waits for, is the agent's second final (the question before it) and the
    // audio clock: the file plays at real time, so the audio heard when that final is printed is
    // its end plus its latency. Three seconds of audio after the question, the caller (0.7 s
    // later, for nine seconds) is mid-utterance, whatever words ASR made and whether the engine
    // showed partials or paused them.
    let mut out = Lines::of(&mut child);
    let mut agent_finals = 0;
    assert!(out.until(&mut child, |v| {
        if v["type"] == "final" && v["speaker"] == "agent" {
            agent_finals += 1;
        }
        agent_finals == 2
    }));
    let question = serde_json::from_str::<Value>(out.seen.last().unwrap()).unwrap();
    let question_end = question["end_ms"].as_u64().unwrap();
    let latency = question["latency_ms"].as_u64().unwrap();
    std::thread::sleep(Duration::from_millis(3_000u64.saturating_sub(latency)));
    interrupt(&child);
    let all = out.rest(&mut child);
    let lines: Vec<&str> = all.lines().collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{lines:#?}");
    let ev: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let end = ev.last().unwrap();
    assert_eq!(end["type"], "call_end", "{lines:#?}");
    let finals = of_type(&ev, "final");
    // The open utterance was finalized: the caller's, begun after the question, cut where the
    // call ended (its full reading would run to about 28 s).
    let open = finals
        .iter()
        .rev()
        .find(|f| f["speaker"] == "caller")
        .expect("a caller final");
    let duration = end["duration_ms"].as_u64().unwrap();
    assert!(
        open["start_ms"].as_u64().unwrap() >= question_end,
        "the open utterance was finalized: {lines:#?}"
    );
    assert!(open["end_ms"].as_u64().unwrap() <= duration, "{lines:#?}");
    assert!(
        duration < 40_000,
        "stopped early, not at the end of the file: {lines:#?}"
    );
    // Every partial shown belongs to an utterance that was finalized (or dropped as wordless).
    let closed: Vec<&Value> = finals
        .iter()
        .map(|f| &f["id"])
        .chain(of_type(&ev, "discarded").iter().map(|d| &d["id"]))
        .collect();
    for p in of_type(&ev, "partial") {
        assert!(closed.contains(&&p["id"]), "partial left open: {p}");
    }
    assert_eq!(stored(data.path(), &end["call_id"]).len(), finals.len());
    assert_no_secret(&event_strings(&lines.join("\n")));
}

/// While `earshot analyze --realtime` records a call, another process sees it as being recorded
/// and cannot delete it, and the recorder goes on committing as if nothing had happened. Once the
/// call has ended, the same deletion goes through (the positive control).
#[test]
fn a_call_being_recorded_cannot_be_deleted_by_another_process_until_it_ends() {
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().unwrap();
    let mut child = earshot(data.path())
        .args(["analyze", "--realtime", "--json", "--speed", "2"])
        .arg(earshot_callgen::sample_wav())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = Lines::of(&mut child);
    assert!(out.until(&mut child, |v| v["type"] == "final"));
    let listed = || -> Vec<Value> {
        let o = earshot(data.path())
            .args(["calls", "list", "--json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        events(&String::from_utf8_lossy(&o.stdout))
    };
    let during = listed();
    assert_eq!(during.len(), 1, "{during:?}");
    assert_eq!(during[0]["recording"], true, "{during:?}");
    let human = earshot(data.path())
        .args(["calls", "list"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("(being recorded)"),
        "{human:?}"
    );
    assert!(during[0]["ended_at_ms"].is_null());
    let id = during[0]["id"].as_i64().unwrap();
    let config = earshot_config::Config::load_from(|k| match k {
        "EARSHOT_DATA_DIR" => Some(data.path().display().to_string()),
        "EARSHOT_KEY_STORE" => Some("file".into()),
        _ => None,
    })
    .unwrap();
    let vault = earshot_vault::Vault::open(&config).unwrap();
    let refused = vault.delete_call(id).unwrap_err();
    assert!(
        matches!(refused, earshot_vault::VaultError::Recording(c) if c == id),
        "{refused}"
    );

    let all = out.rest(&mut child);
    assert!(child.wait().unwrap().success(), "{all}");
    let ev = events(&all);
    let end = ev.last().unwrap();
    assert_eq!(end["type"], "call_end", "{all}");
    assert_eq!(end["call_id"], id);
    let finals = of_type(&ev, "final");
    assert!(finals.len() >= 6, "{all}");
    assert_eq!(
        stored(data.path(), &end["call_id"]).len(),
        finals.len(),
        "every final was committed"
    );
    let after = listed();
    assert_eq!(after[0]["recording"], false, "{after:?}");
    assert!(after[0]["ended_at_ms"].is_i64());
    vault.delete_call(id).unwrap();
    assert!(listed().is_empty());
}

/// One channel of the sample call as a mono file.
fn channel(n: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!("ch{n}.wav"));
    let ok = Command::new("sox")
        .arg(earshot_callgen::sample_wav())
        .arg(&out)
        .args(["remix", n])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    out
}

#[test]
fn listen_captures_the_caller_from_the_loopback_and_the_agent_from_the_mic() {
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    let pulse = TestPulse::start();
    let dir = tempfile::tempdir().unwrap();
    let (caller, agent) = (channel("1", dir.path()), channel("2", dir.path()));

    let mut list = earshot(dir.path());
    pulse.env(&mut list);
    let o = list.args(["listen", "--list-devices"]).output().unwrap();
    let listing = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        listing.contains("caller_out.monitor  (default)"),
        "{listing}"
    );

    let data = tempfile::tempdir().unwrap();
    let mut cmd = earshot(data.path());
    pulse.env(&mut cmd);
    let mut child = cmd
        .args(["listen", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let mut players = [
        pulse.play(&caller, "caller_out"),
        pulse.play(&agent, "agent_in"),
    ];
    for p in &mut players {
        assert!(p.wait().unwrap().success());
    }
    // Let the last utterance end and be decoded, then hang up.
    let mut lines = Lines::of(&mut child);
    let heard = lines.until(&mut child, |v| {
        v["type"] == "final"
            && v["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("relief")
    });
    interrupt(&child);
    let rest = lines.rest(&mut child);
    assert!(heard, "{rest}");
    assert!(child.wait().unwrap().success(), "{rest}");
    assert_no_secret(&event_strings(&rest));
    let ev = events(&rest);
    let finals = of_type(&ev, "final");
    let said = |speaker: &str, words: &str| {
        finals.iter().any(|f| {
            f["speaker"] == speaker && f["text"].as_str().unwrap().to_lowercase().contains(words)
        })
    };
    assert!(
        said("agent", "northwind") || said("agent", "north wind"),
        "{rest}"
    );
    assert!(said("agent", "card number"), "{rest}");
    assert!(said("caller", "charged twice"), "{rest}");
    assert!(said("caller", "relief"), "{rest}");
    // Never mixed: no final of one side holds the other side's words.
    assert!(
        !said("caller", "northwind") && !said("agent", "charged twice"),
        "{rest}"
    );
}

#[test]
fn losing_the_loopback_device_mid_call_switches_to_the_new_default_and_never_hangs() {
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    let pulse = TestPulse::start();
    // A second output the system falls back to when the first one goes.
    let mut load = Command::new("pactl");
    pulse.env(&mut load);
    let module = load
        .args(["load-module", "module-null-sink", "sink_name=headset_out"])
        .output()
        .unwrap();
    assert!(module.status.success());
    let data = tempfile::tempdir().unwrap();
    let mut cmd = earshot(data.path());
    pulse.env(&mut cmd);
    let mut child = cmd
        .args(["listen", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    // Unplug the output the caller was heard on (its module is the second one loaded).
    let mut list = Command::new("pactl");
    pulse.env(&mut list);
    let modules = String::from_utf8(
        list.args(["list", "short", "modules"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let caller_module = modules
        .lines()
        .find(|l| l.contains("sink_name=caller_out"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(pulse.pactl(&["set-default-sink", "headset_out"]));
    assert!(pulse.pactl(&["unload-module", &caller_module]));
    // The caller now speaks through the new default output.
    let dir = tempfile::tempdir().unwrap();
    let caller = channel("1", dir.path());
    let mut p = Command::new("paplay");
    pulse.env(&mut p);
    assert!(p
        .args(["-d", "headset_out"])
        .arg(&caller)
        .status()
        .unwrap()
        .success());
    let mut lines = Lines::of(&mut child);
    let heard = lines.until(&mut child, |v| {
        v["type"] == "final"
            && v["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("relief")
    });
    interrupt(&child);
    let out = lines.rest(&mut child);
    assert!(heard, "{out}");
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(heard, "{out}\n{stderr}");
    assert!(stderr.contains("loopback lost its output"), "{stderr}");
    let ev = events(&out);
    assert!(
        of_type(&ev, "final")
            .iter()
            .any(|f| f["speaker"] == "caller"
                && f["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("charged twice")),
        "{out}"
    );
    assert_eq!(ev.last().unwrap()["type"], "call_end");
}

#[test]
fn with_a_knowledge_base_the_callers_question_brings_its_article_once_and_a_broken_article_is_named(
) {
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    let sample_kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/knowledge");
    let kb = tempfile::tempdir().unwrap();
    for sub in ["billing", "cards", "account"] {
        std::fs::create_dir_all(kb.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(sample_kb.join(sub)).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, kb.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        kb.path().join("broken.md"),
        "---\ntitle: Broken\ntags: [a, b\n---\nText.\n",
    )
    .unwrap();
    let run = |knowledge: Option<&Path>| {
        let data = tempfile::tempdir().unwrap();
        let mut cmd = earshot(data.path());
        cmd.args([
            "analyze",
            "--realtime",
            "--json",
            "--no-partials",
            "--speed",
            "2",
        ])
        .arg(earshot_callgen::sample_wav());
        match knowledge {
            Some(k) => cmd.env("EARSHOT_KNOWLEDGE_DIR", k),
            None => cmd.env_remove("EARSHOT_KNOWLEDGE_DIR"),
        };
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{stderr}");
        (String::from_utf8_lossy(&o.stdout).to_string(), stderr)
    };

    let (out, stderr) = run(Some(kb.path()));
    assert!(
        stderr.contains("knowledge article skipped")
            && (stderr.contains("broken.md:3:") || stderr.contains("broken.md:4:")),
        "the broken article is named with its line: {stderr}"
    );
    let ev = events(&out);
    let suggestions = of_type(&ev, "suggestion");
    let double = suggestions
        .iter()
        .find(|s| s["article_id"] == "billing/double-charge.md")
        .unwrap_or_else(|| panic!("the double-charge article is suggested:\n{out}"));
    assert!(
        double["snippet"].as_str().is_some_and(|s| !s.is_empty()),
        "{double}"
    );
    // Each suggestion follows the caller final it answers (alerts of that final may come
    // between); an article comes once per call.
    let mut seen = std::collections::HashSet::new();
    for s in &suggestions {
        let pos = ev.iter().position(|e| std::ptr::eq(e, *s)).unwrap();
        let before = ev[..pos]
            .iter()
            .rev()
            .find(|e| e["type"] != "alert")
            .unwrap();
        assert_eq!(
            (
                before["type"].as_str(),
                before["speaker"].as_str(),
                &before["id"]
            ),
            (Some("final"), Some("caller"), &s["id"]),
            "{out}"
        );
        assert!(
            seen.insert(s["article_id"].to_string()),
            "suggested twice: {out}"
        );
    }
    assert_no_secret(&event_strings(&out));

    // Without a knowledge base: the same call, no suggestion.
    let (out, _) = run(None);
    assert!(of_type(&events(&out), "suggestion").is_empty(), "{out}");
}

#[test]
fn the_agent_reading_a_card_number_back_is_a_critical_alert_and_a_rule_fires_on_the_callers_words()
{
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    use earshot_callgen::Turn;
    let (ev, out, _) = run_with_sample_rules(&[
        Turn::agent("Thank you for calling Northwind Bank, this is Sam. How can I help you?"),
        Turn::caller("I want to speak to a manager about a payment on my card."),
        Turn::agent("Of course. Can I have the card number first please?"),
        Turn::caller("It is four five three two, zero one five one, one two eight three, zero three six six."),
        Turn::agent("Thank you, so that is four five three two, zero one five one, one two eight three, zero three six six."),
        Turn::caller("Yes that is right."),
    ]);
    let alerts = of_type(&ev, "alert");
    let rule = |r: &str| alerts.iter().find(|a| a["rule"] == r).copied();
    let readback =
        rule("sensitive_readback").unwrap_or_else(|| panic!("no read-back alert:\n{out}"));
    assert_eq!(
        (readback["severity"].as_str(), readback["speaker"].as_str()),
        (Some("critical"), Some("agent"))
    );
    let input = rule("sensitive_input").unwrap_or_else(|| panic!("no input alert:\n{out}"));
    assert_eq!(input["speaker"], "caller");
    let manager = rule("manager").unwrap_or_else(|| panic!("no manager alert:\n{out}"));
    assert_eq!(manager["category"], "Asks for a manager");
    // Each alert follows the final that raised it; none carries the words or the value.
    for a in &alerts {
        let f = ev
            .iter()
            .find(|e| e["type"] == "final" && e["id"] == a["id"])
            .expect("the final of the alert");
        assert_eq!(f["speaker"], a["speaker"], "{a}");
        assert!(a.get("text").is_none(), "{a}");
    }
    assert_no_secret(&event_strings(&out));
    // Negative control: the sample call's agent never reads a value back.
    let data = tempfile::tempdir().unwrap();
    let o = earshot(data.path())
        .args([
            "analyze",
            "--realtime",
            "--json",
            "--no-partials",
            "--speed",
            "2",
        ])
        .arg(earshot_callgen::sample_wav())
        .env_remove("EARSHOT_ASSIST_RULES")
        .env_remove("EARSHOT_KNOWLEDGE_DIR")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let ev = events(&out);
    let alerts = of_type(&ev, "alert");
    assert!(
        alerts.iter().any(|a| a["rule"] == "sensitive_input"),
        "{out}"
    );
    assert!(
        !alerts.iter().any(|a| a["rule"] == "sensitive_readback"),
        "{out}"
    );
}

/// Runs `script` through `earshot analyze --realtime --json` with the sample rules (alerts and
/// the standard checklist); returns the events and the call's stored summary.
fn run_with_sample_rules(script: &[earshot_callgen::Turn]) -> (Vec<Value>, String, Value) {
    let call = tempfile::tempdir().unwrap();
    let wav = call.path().join("call.wav");
    render_with(script, &wav, &RenderOptions::default()).unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/rules.toml");
    let data = tempfile::tempdir().unwrap();
    let o = earshot(data.path())
        .args([
            "analyze",
            "--realtime",
            "--json",
            "--no-partials",
            "--speed",
            "2",
        ])
        .arg(&wav)
        .env("EARSHOT_ASSIST_RULES", &rules)
        .env_remove("EARSHOT_KNOWLEDGE_DIR")
        .env_remove("EARSHOT_QUEUE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let ev = events(&out);
    let id = ev.last().unwrap()["call_id"].to_string();
    let s = earshot(data.path())
        .args(["calls", "summary", &id])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let summary: Value = serde_json::from_slice(&s.stdout).unwrap();
    (ev, out, summary)
}

#[test]
fn a_call_that_skips_identity_verification_shows_it_unmet_and_out_of_order_with_the_weighted_score()
{
    let _shared = CPU.read().unwrap_or_else(|e| e.into_inner());
    use earshot_callgen::Turn;
    let opening = Turn::agent(
        "Thank you for calling Northwind Bank. This call is recorded for quality and training. How can I help you?",
    );
    let ask = Turn::caller("Hi, I would like to know the balance on my checking account please.");
    let balance = Turn::agent(
        "Of course. Your balance is two hundred dollars, and the last transaction was a payment at a coffee shop.",
    );
    let thanks = Turn::caller("Okay, thanks, that is what I needed.");
    let closing = Turn::agent("Is there anything else I can help you with today?");
    let bye = Turn::caller("No, that is all. Goodbye.");
    let (ev, out, summary) = run_with_sample_rules(&[
        opening.clone(),
        ask.clone(),
        balance.clone(),
        thanks.clone(),
        closing.clone(),
        bye.clone(),
    ]);
    let lists = of_type(&ev, "checklist");
    assert!(lists.len() >= 2, "the start and a change at least:\n{out}");
    // The start: everything owed.
    assert_eq!(lists[0]["id"], 0);
    assert!(lists[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["state"] == "open"));
    let last = lists.last().unwrap();
    let state = |id: &str| {
        last["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["state"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(state("recording_disclosure"), "met", "{out}");
    assert_eq!(state("verify_identity"), "missed_order", "{out}");
    assert_eq!(state("closing"), "met", "{out}");
    // Weights 2 + 3 + 1: the 3 of identity lost.
    assert_eq!(last["score"], 0.5, "{out}");
    // The agent was warned when the balance came before verification, on that final.
    let warning = of_type(&ev, "alert")
        .into_iter()
        .find(|a| a["rule"] == "checklist_order")
        .unwrap_or_else(|| panic!("no out-of-order warning:\n{out}"));
    let f = ev
        .iter()
        .find(|e| e["type"] == "final" && e["id"] == warning["id"])
        .unwrap();
    assert_eq!(f["speaker"], "agent");
    // (tiny.en hears "your balance" as "your mountains": the topic is matched by its other
    // phrase, "last transaction".)
    assert!(
        f["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("transaction"),
        "{f}"
    );
    // The summary has ids and figures.
    let c = &summary["checklist"];
    assert_eq!(c["checklist"], "standard", "{summary}");
    assert_eq!(c["score"], 0.5);
    assert_eq!(c["unmet"], json!(["verify_identity"]));
    assert_eq!(c["out_of_order"], json!(["verify_identity"]));
    let alerts = summary["alerts"].as_array().unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a["category"] == "Checklist step out of order" && a["count"] == 1),
        "{summary}"
    );

    // Positive control: the agent verifies first; every item met in order, full marks, no
    // warning.
    let verify = Turn::agent(
        "I can help with that. First, can you confirm your full name and date of birth for me?",
    );
    let answer = Turn::caller("Sure, it is Alex Morgan.");
    let (ev, out, summary) =
        run_with_sample_rules(&[opening, ask, verify, answer, balance, thanks, closing, bye]);
    let last = *of_type(&ev, "checklist").last().unwrap();
    assert!(
        last["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "met"),
        "{out}"
    );
    assert_eq!(last["score"], 1.0);
    assert!(!of_type(&ev, "alert")
        .iter()
        .any(|a| a["rule"] == "checklist_order"));
    assert_eq!(summary["checklist"]["score"], 1.0);
    assert_eq!(summary["checklist"]["unmet"], json!([]));
}
