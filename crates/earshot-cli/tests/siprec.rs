//! `earshot siprec` against a real recording client: sipp plays an SBC's SIPREC fork (two
//! sendonly streams with RFC 7865 metadata, keypad digits, OPTIONS, a re-INVITE pause with a
//! metadata update and a resume, BYE); sipp streams the caller's audio on the first stream and
//! this test sends the agent's on the second (sipp only streams on the first answered m-line).

use earshot_callgen::rtp::{free_port, send_ulaw, ulaw_channel};
use earshot_callgen::{insert_keypad_tones, render_with, sample_call, RenderOptions, Turn};
use earshot_core::Speaker;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The two tests that transcribe calls run one at a time: at once they put three live calls'
/// whisper threads (which spin while they wait) on two cores, and in CI a single call then
/// ended more than 120 s after its BYE.
static CALLS: std::sync::Mutex<()> = std::sync::Mutex::new(());

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

/// A spawned process that is killed when dropped, so a failing test leaves no receiver or sipp
/// running behind it.
struct Reaped(std::process::Child);

impl std::ops::Deref for Reaped {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Reaped {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The sample call as a recording client sends it, and a data dir with the operator's key.
struct Prepared {
    /// The caller's channel as µ-law (sipp streams it), in `dir`.
    caller: std::path::PathBuf,
    /// The agent's channel as µ-law bytes (this test streams it).
    agent_audio: Vec<u8>,
    /// The call's length in whole seconds.
    seconds: u64,
    /// The receiver's data dir.
    data: tempfile::TempDir,
    /// The operator's identity file (in `dir`).
    identity: std::path::PathBuf,
    /// The organisation's recipient that values are sealed to.
    recipient: String,
}

/// Renders the sample call into `dir`, splits it into the two µ-law streams, and makes the
/// operator's key.
fn prepare(dir: &Path) -> Prepared {
    prepare_keyed(dir, None)
}

/// [`prepare`], with `keys` keyed on the caller's phone after the third turn, their tones in
/// the caller's audio.
fn prepare_keyed(dir: &Path, keys: Option<&str>) -> Prepared {
    let call = dir.join("call.wav");
    let turns = render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    if let Some(keys) = keys {
        insert_keypad_tones(&call, keys, 0, Some(turns[2].end_ms + 200)).unwrap();
    }
    let caller = dir.join("caller.ul");
    ulaw_channel(&call, "1", &caller);
    let agent_audio = ulaw_channel(&call, "2", &dir.join("agent.ul"));
    let seconds = std::fs::metadata(&caller).unwrap().len() / 8000;
    // The organisation's key: values, keypad digits included, are sealed to it.
    let data = tempfile::tempdir().unwrap();
    let identity = dir.join("operator.key");
    let keys = earshot(data.path())
        .args(["keys", "new", "--out"])
        .arg(&identity)
        .output()
        .unwrap();
    assert!(keys.status.success());
    let recipient = String::from_utf8(keys.stdout).unwrap().trim().to_string();
    Prepared {
        caller,
        agent_audio,
        seconds,
        data,
        identity,
        recipient,
    }
}

/// Lower-case words of four letters or more.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// The words only `speaker` says in the script, and those only the other party says.
fn speaker_words(script: &[Turn], speaker: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let said_by = |agent: bool| -> BTreeSet<String> {
        script
            .iter()
            .filter(|t| (t.speaker == Speaker::Agent) == agent)
            .flat_map(|t| words(&t.text))
            .collect()
    };
    let (mine, theirs) = if speaker == "agent" {
        (said_by(true), said_by(false))
    } else {
        (said_by(false), said_by(true))
    };
    (
        mine.difference(&theirs).cloned().collect(),
        theirs.difference(&mine).cloned().collect(),
    )
}

const SECRETS: &[&str] = earshot_callgen::SAMPLE_SECRETS;

/// Each speaker's finals hold at least four words only that speaker's script says, and three
/// times more of them than of the other's. Narrowband (8 kHz µ-law) synthetic speech is harder
/// for whisper than the 16 kHz recordings and single words come and go ("card" heard as "car"),
/// so words are scored, not lines.
fn assert_both_speakers_heard(finals: &[&Value], context: &str) {
    for (speaker, mine) in speakers_heard(finals, 4, context) {
        assert!(mine >= 4, "{speaker}: {mine} of its own words\n{context}");
    }
}

/// Each speaker's own words among `finals` (lower-case words of four letters or more), each
/// speaker in its own lane: at least `least` of its words and three times as many of its own as
/// of the other's.
fn speakers_heard(finals: &[&Value], least: usize, context: &str) -> Vec<(&'static str, usize)> {
    let script = sample_call();
    let mut out = Vec::new();
    for speaker in ["caller", "agent"] {
        let (own, other) = speaker_words(&script, speaker);
        let heard: Vec<String> = finals
            .iter()
            .filter(|f| f["speaker"] == speaker)
            .flat_map(|f| words(f["text"].as_str().unwrap()))
            .collect();
        let hits = |set: &BTreeSet<String>| heard.iter().filter(|w| set.contains(*w)).count();
        let (mine, theirs) = (hits(&own), hits(&other));
        assert!(
            mine >= least && mine >= 3 * theirs.max(1),
            "{speaker}: {mine} of its own words, {theirs} of the other's\n{context}"
        );
        out.push((speaker, mine));
    }
    out
}

/// sipp playing one recording client's call to the receiver on `port`, in `dir` (which holds
/// `caller.ul`; sipp's logs go there), staying up `seconds` of audio after the resume.
fn start_sipp(dir: &Path, port: u16, seconds: u64) -> Reaped {
    start_sipp_with(dir, port, seconds, &earshot_callgen::rtp::sipp_scenario())
}

/// [`start_sipp`] playing `scenario`.
fn start_sipp_with(dir: &Path, port: u16, seconds: u64, scenario: &Path) -> Reaped {
    let sipp = Command::new("sipp")
        .arg("-sf")
        .arg(scenario)
        .args(["-m", "1", "-i", "127.0.0.1", "-mi", "127.0.0.1"])
        .args(["-p", &free_port().to_string()])
        .args(["-mp", &free_port().to_string()])
        // How long the call stays up after the resume: until the recording has played out.
        .args(["-d", &((seconds * 1000).saturating_sub(2_000)).to_string()])
        .args(["-trace_logs", "-trace_err", "-nostdin"])
        .arg(format!("127.0.0.1:{port}"))
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sipp.err")).unwrap())
        .spawn()
        .expect("sipp (cargo xtask setup installs sip-tester)");
    Reaped(sipp)
}

/// What sipp in `dir` logged, in files whose names end with `suffix`.
fn sipp_logs(dir: &Path, suffix: &str) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Sends the agent's stream to the second port the receiver answered sipp in `dir` with (sipp
/// only streams on the first answered m-line); returns when it has been sent.
fn send_agent_stream(dir: &Path, agent_audio: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let second = loop {
        let logs = sipp_logs(dir, "_logs.log");
        let found = logs
            .lines()
            .find(|l| l.contains("ANSWER-PORTS"))
            .and_then(|line| {
                line.split(|c: char| !c.is_ascii_digit())
                    .filter_map(|n| n.parse::<u16>().ok())
                    .next_back()
            });
        if let Some(p) = found {
            break p;
        }
        assert!(
            Instant::now() < deadline,
            "sipp got no 200 OK with two ports: {}{}",
            sipp_logs(dir, "sipp.err"),
            sipp_logs(dir, "_errors.log")
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    send_ulaw(
        agent_audio,
        format!("127.0.0.1:{second}").parse().unwrap(),
        0x5eed,
    );
}

/// The receiver's UDP port, from its stderr (read on until it says where it listens); the
/// rest of stderr is collected by the returned thread.
fn listening_port(srs: &mut std::process::Child) -> (u16, std::thread::JoinHandle<String>) {
    listening_port_with(srs, |_| {})
}

/// [`listening_port`], each later line of stderr also handed to `on_line` as it comes.
fn listening_port_with(
    srs: &mut std::process::Child,
    mut on_line: impl FnMut(&str) + Send + 'static,
) -> (u16, std::thread::JoinHandle<String>) {
    let mut stderr = BufReader::new(srs.stderr.take().unwrap());
    let port = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "earshot siprec exited"
        );
        if let Some(addr) = line.trim().strip_prefix("siprec: listening on udp:") {
            break addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
        }
    };
    let log = std::thread::spawn(move || {
        let mut rest = String::new();
        for l in stderr.lines() {
            let l = l.unwrap();
            on_line(&l);
            rest.push_str(&l);
            rest.push('\n');
        }
        rest
    });
    (port, log)
}

/// The receiver on a free port for one call (`--calls 1`), sealing to `recipient`, with the
/// second pass (base) after the call; its stdout piped with `--json`, else dropped.
fn one_call_receiver(data: &Path, recipient: &str, json: bool) -> Reaped {
    let mut cmd = earshot(data);
    cmd.env("EARSHOT_AGE_RECIPIENTS", recipient)
        .env("EARSHOT_SECOND_PASS", "base")
        .args([
            "siprec",
            "--listen",
            "udp:127.0.0.1:0",
            "--agent",
            "1???",
            "--calls",
            "1",
        ])
        .stderr(Stdio::piped());
    if json {
        cmd.arg("--json").stdout(Stdio::piped());
    } else {
        cmd.stdout(Stdio::null());
    }
    Reaped(cmd.spawn().unwrap())
}

/// The receiver's `--json` lines (`out`; `log`, its stderr, for messages), checked: finals of
/// both speakers, and one keypad entry, the caller's, sealed (never its digits).
fn with_one_keypad_entry(out: &str, log: &str) -> Vec<Value> {
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let finals: Vec<&Value> = events.iter().filter(|e| e["type"] == "final").collect();
    assert_both_speakers_heard(&finals, &format!("{out}\n{log}"));
    let keyed: Vec<&&Value> = finals.iter().filter(|f| f["text"] == "[DTMF]").collect();
    assert_eq!(keyed.len(), 1, "{out}");
    assert_eq!(keyed[0]["speaker"], "caller");
    assert_eq!(
        keyed[0]["findings"],
        serde_json::json!([{"type": "DTMF", "sealed": true}])
    );
    events
}

/// Waits for `child` to exit, at most `limit`.
fn wait_for(
    child: &mut std::process::Child,
    limit: Duration,
    what: &str,
) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(started.elapsed() < limit, "{what} did not end");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_sipp_recording_session_is_transcribed_both_speakers_and_stored() {
    let _alone = CALLS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let Prepared {
        agent_audio,
        seconds,
        data,
        identity,
        recipient,
        ..
    } = prepare(dir.path());

    let mut srs = one_call_receiver(data.path(), &recipient, true);
    let (port, log) = listening_port(&mut srs);

    // sipp: the signalling, the caller's stream and the digits; the agent's stream from here.
    let mut sipp = start_sipp(dir.path(), port, seconds);
    send_agent_stream(dir.path(), &agent_audio);

    // sipp hangs up after the recording; the receiver then ends the call and exits.
    assert!(sipp.wait().unwrap().success(), "sipp's call failed");
    let ended = Instant::now();
    let status = loop {
        if let Some(s) = srs.try_wait().unwrap() {
            break s;
        }
        if ended.elapsed() > Duration::from_secs(120) {
            // What it said and printed until then, to tell where it stopped.
            let _ = srs.kill();
            let _ = srs.wait();
            let mut out = String::new();
            let _ = std::io::Read::read_to_string(&mut srs.stdout.take().unwrap(), &mut out);
            panic!(
                "earshot siprec did not end 120 s after the BYE\n{out}\n{}",
                log.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut srs.stdout.take().unwrap(), &mut out).unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "{log}");
    assert!(log.contains("roles from the agent patterns"), "{log}");
    let events = with_one_keypad_entry(&out, &log);
    let finals: Vec<&Value> = events.iter().filter(|e| e["type"] == "final").collect();
    let said = |speaker: &str, words: &str| {
        finals.iter().any(|f| {
            f["speaker"] == speaker && f["text"].as_str().unwrap().to_lowercase().contains(words)
        })
    };
    assert!(said("caller", "[credit_debit_number]"), "{out}\n{log}");
    let texts: String = finals
        .iter()
        .map(|f| f["text"].as_str().unwrap().to_lowercase())
        .collect();
    for s in SECRETS {
        assert!(!texts.contains(s), "{s} in {out}");
    }
    assert!(events.iter().any(|e| e["type"] == "call_end"), "{out}");

    // Stored, with where it came from and how the roles were decided.
    let o = earshot(data.path())
        .args(["calls", "list", "--json"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(listing.lines().count(), 1, "{listing}");
    let call: Value = serde_json::from_str(listing.lines().next().unwrap()).unwrap();
    assert!(
        call["source"]
            .as_str()
            .unwrap()
            .contains("SIPREC from 127.0.0.1"),
        "{call}"
    );
    assert!(call["utterances"].as_i64().unwrap() >= 6, "{call}");
    // The receiver's tally of lost audio is stored with the call (nothing lost on loopback; the
    // receiver's own test loses a packet on purpose).
    assert_eq!(call["audio_gaps"]["lost_packets"], 0, "{call}");
    // The agent's address, which the agent pattern matched, is the call's agent.
    let agent = call["agent"].as_str().unwrap_or_default();
    assert!(agent.starts_with("sip:1") && agent.contains('@'), "{call}");
    // The call's end counts what the live engine stored, the keypad entry too.
    let end = events.iter().find(|e| e["type"] == "call_end").unwrap();
    assert_eq!(end["utterances"].as_u64().unwrap() as usize, finals.len());
    // Then the second pass replaced the speech and kept the keypad entry.
    let pass = events
        .iter()
        .find(|e| e["type"] == "second_pass")
        .unwrap_or_else(|| panic!("no second pass: {out}\n{log}"));
    assert_eq!(
        (&pass["session"], &pass["model"]),
        (&Value::from(1), &Value::from("base"))
    );
    assert_eq!(
        (&call["model"], &call["second_pass_state"]),
        (&Value::from("base"), &Value::from("done")),
        "{call}"
    );
    assert_eq!(
        call["utterances"].as_u64(),
        pass["utterances"].as_u64().map(|n| n + 1),
        "the second pass's utterances and the keypad entry: {call}"
    );
    // Only the operator's identity opens the digit (sipp's capture keys in "0"), kept sealed
    // through the second pass.
    let revealed = earshot(data.path())
        .args(["reveal", "--identity"])
        .arg(&identity)
        .arg(call["id"].to_string())
        .output()
        .unwrap();
    let revealed = String::from_utf8_lossy(&revealed.stdout).to_string();
    let line = revealed
        .lines()
        .find(|l| l.contains("CALLER") && !l.contains("[DTMF]") && l.trim_end().ends_with('0'))
        .map(str::to_string);
    assert!(line.is_some(), "{revealed}");
}

/// An SBC that carries keypad digits as tones in the caller's audio, not as RFC 4733 events:
/// sipp streams the caller's channel with a card number keyed in after the third turn. The
/// receiver hears the tones: one sealed caller `[DTMF]` entry, in its place among the turns,
/// kept through the second pass, never a digit on screen, and only the operator's identity
/// reveals the card, whole. (The control, a call whose only key comes as an RFC 4733 event
/// while its audio carries speech, is the test above: one entry, the event's.)
#[test]
fn keypad_tones_in_the_callers_stream_from_sipp_are_one_sealed_entry() {
    const CARD: &str = "4539148803436467";
    let _alone = CALLS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let Prepared {
        agent_audio,
        seconds,
        data,
        identity,
        recipient,
        ..
    } = prepare_keyed(dir.path(), Some(CARD));
    // The scenario without its RFC 4733 digit: this SBC sends none.
    let scenario = std::fs::read_to_string(earshot_callgen::rtp::sipp_scenario()).unwrap();
    let from = scenario
        .find("<!-- The caller keys in digits. -->")
        .unwrap();
    let to = from + scenario[from..].find("</nop>").unwrap() + "</nop>".len();
    assert!(
        scenario[from..to].contains("dtmf_2833"),
        "{}",
        &scenario[from..to]
    );
    let in_band = dir.path().join("in-band.xml");
    std::fs::write(
        &in_band,
        format!("{}{}", &scenario[..from], &scenario[to..]),
    )
    .unwrap();

    let mut srs = one_call_receiver(data.path(), &recipient, true);
    let (port, log) = listening_port(&mut srs);
    let mut sipp = start_sipp_with(dir.path(), port, seconds, &in_band);
    send_agent_stream(dir.path(), &agent_audio);
    assert!(sipp.wait().unwrap().success(), "sipp's call failed");
    let status = wait_for(&mut srs, Duration::from_secs(180), "earshot siprec");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut srs.stdout.take().unwrap(), &mut out).unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "{log}");
    assert!(
        !out.contains("4539") && !log.contains("4539"),
        "{out}\n{log}"
    );
    with_one_keypad_entry(&out, &log);
    // Stored after the second pass in the order said: speech before and after the entry.
    let o = earshot(data.path())
        .args(["calls", "list", "--json"])
        .output()
        .unwrap();
    let call: Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(call["second_pass_state"], "done", "{call}");
    let revealed = earshot(data.path())
        .args(["reveal", "--identity"])
        .arg(&identity)
        .arg(call["id"].to_string())
        .output()
        .unwrap();
    let revealed = String::from_utf8_lossy(&revealed.stdout).to_string();
    let lines: Vec<&str> = revealed.lines().filter(|l| !l.trim().is_empty()).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("CALLER") && l.trim_end().ends_with(CARD))
        .unwrap_or_else(|| panic!("the card keyed, whole: {revealed}"));
    assert!(at >= 3 && at + 3 < lines.len(), "{revealed}");
    // A stranger's identity opens nothing.
    let stranger = dir.path().join("stranger.key");
    assert!(earshot(data.path())
        .args(["keys", "new", "--out"])
        .arg(&stranger)
        .output()
        .unwrap()
        .status
        .success());
    let refused = earshot(data.path())
        .args(["reveal", "--identity"])
        .arg(&stranger)
        .arg(call["id"].to_string())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(!String::from_utf8_lossy(&refused.stdout).contains(CARD));
}

#[test]
fn ctrl_c_while_the_receiver_finishes_stops_the_second_pass_and_the_call_keeps_its_live_text() {
    let _alone = CALLS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let Prepared {
        agent_audio,
        seconds,
        data,
        recipient,
        ..
    } = prepare(dir.path());
    let mut srs = one_call_receiver(data.path(), &recipient, false);
    let (finishing_tx, finishing) = std::sync::mpsc::channel();
    let (port, log) = listening_port_with(&mut srs, move |line| {
        if line.contains("Ctrl-C stops their second passes") {
            let _ = finishing_tx.send(());
        }
    });
    let mut sipp = start_sipp(dir.path(), port, seconds);
    send_agent_stream(dir.path(), &agent_audio);
    assert!(sipp.wait().unwrap().success(), "sipp's call failed");
    // Its one call ended, the receiver finishes: the call is stored and its pass on base
    // (some ten seconds of decoding here) runs before the process exits, unless Ctrl-C.
    finishing
        .recv_timeout(Duration::from_secs(120))
        .expect("the receiver finishes its call");
    let interrupted = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &srs.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_for(&mut srs, Duration::from_secs(60), "earshot siprec");
    eprintln!("Ctrl-C to exit: {} ms", interrupted.elapsed().as_millis());
    let log = log.join().unwrap();
    assert!(status.success(), "{status:?}: {log}");
    assert!(log.contains("stopping the second passes"), "{log}");
    // Without the stop, the pass runs to its end (15 s after the Ctrl-C here) and stores base's
    // text: this test then fails below.
    let o = earshot(data.path())
        .args(["calls", "list", "--json"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&o.stdout).to_string();
    let call: Value = serde_json::from_str(listing.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&call["model"], &call["second_pass_state"]),
        (&Value::from("tiny.en"), &Value::from("abandoned")),
        "the live transcript stays: {call}\n{log}"
    );
    assert!(call["utterances"].as_i64().unwrap() >= 6, "{call}");
    let audit = earshot(data.path())
        .args(["audit", "list"])
        .output()
        .unwrap();
    let audit = String::from_utf8_lossy(&audit.stdout).to_string();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\"second_pass\"") && l.contains("stopped")),
        "{audit}"
    );
}

#[test]
fn the_receiver_reads_the_siprec_keys_and_flags_cannot_override_the_policy() {
    let data = tempfile::tempdir().unwrap();
    // Positive control: with no flag, the settings file's listener is the one used.
    std::fs::write(
        data.path().join("config.toml"),
        "siprec_listen = [\"udp:127.0.0.1:0\"]\nsiprec_tcp_idle_timeout = 20\n",
    )
    .unwrap();
    let out = earshot(data.path())
        .args(["siprec", "--calls", "0"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("siprec: listening on udp:127.0.0.1:")),
        "{err}"
    );
    assert_eq!(
        err.matches("listening on").count(),
        1,
        "only the configured listener: {err}"
    );

    // The policy manages the allow-list: a flag that would widen it is refused before
    // anything listens; a flag for a key the policy leaves alone is taken.
    let policy = data.path().join("policy.toml");
    std::fs::write(&policy, "siprec_allow = [\"10.1.0.0/16\"]\n").unwrap();
    let refused = earshot(data.path())
        .env("EARSHOT_POLICY_FILE", &policy)
        .args(["siprec", "--allow", "0.0.0.0/0", "--calls", "0"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("'siprec_allow' is managed by your organisation"),
        "{err}"
    );
    assert!(!err.contains("listening on"), "{err}");
    let taken = earshot(data.path())
        .env("EARSHOT_POLICY_FILE", &policy)
        .args(["siprec", "--listen", "tcp:127.0.0.1:0", "--calls", "0"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&taken.stderr);
    assert!(taken.status.success(), "{err}");
    assert!(err.contains("listening on tcp:127.0.0.1:"), "{err}");
    assert!(
        !err.contains("only this machine"),
        "the policy's allow-list is in force: {err}"
    );
}

/// More recording sessions than the receiver takes (`--max-calls 2`), from real recording
/// clients (sipp): the two within capacity run at once on the one set of models and are each
/// recorded whole (both speakers, the keypad entry sealed); the third, sent while they run, is
/// answered `503 Service Unavailable` with `Retry-After` and nothing of it is stored.
#[test]
fn sessions_beyond_capacity_get_503_and_those_within_are_recorded_whole() {
    let _alone = CALLS.lock().unwrap_or_else(|e| e.into_inner());
    let shared = tempfile::tempdir().unwrap();
    let Prepared {
        caller,
        agent_audio,
        seconds,
        data,
        recipient,
        ..
    } = prepare(shared.path());
    // Agent assist (the shipped sample knowledge base and rules), loaded once for both calls.
    // What the callers' words come through as depends on recognition under this load (once
    // "charged twice for the same order" came out as "charged wife from a pay-morder", 0.33
    // from the nearest article against the default threshold of 0.35): a lower threshold, so
    // that the test is of the shared knowledge base reaching loaded calls, not of recognition.
    std::fs::write(
        data.path().join(earshot_config::SETTINGS_FILE),
        "suggestion_threshold = 0.3\n",
    )
    .unwrap();
    let assist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist");
    let mut srs = Reaped(
        earshot(data.path())
            .env("EARSHOT_AGE_RECIPIENTS", &recipient)
            .env("EARSHOT_KNOWLEDGE_DIR", assist.join("knowledge"))
            .env("EARSHOT_ASSIST_RULES", assist.join("rules.toml"))
            .env_remove("EARSHOT_QUEUE")
            .args(["siprec", "--listen", "udp:127.0.0.1:0", "--agent", "1???"])
            .args([
                "--max-calls",
                "2",
                "--workers",
                "2",
                "--calls",
                "2",
                "--json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (port, log) = listening_port(&mut srs);

    // A client in its own folder (sipp's logs), with the caller's audio sipp streams.
    let client = || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&caller, dir.path().join("caller.ul")).unwrap();
        dir
    };
    let within: Vec<_> = (0..2).map(|_| client()).collect();
    let mut clients: Vec<_> = within
        .iter()
        .map(|dir| start_sipp(dir.path(), port, seconds))
        .collect();
    let agents: Vec<_> = within
        .iter()
        .map(|dir| {
            let (dir, audio) = (dir.path().to_path_buf(), agent_audio.clone());
            std::thread::spawn(move || send_agent_stream(&dir, &audio))
        })
        .collect();
    // Both answered (200 OK with two ports): the receiver is full.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !within
        .iter()
        .all(|d| sipp_logs(d.path(), "_logs.log").contains("ANSWER-PORTS"))
    {
        assert!(
            Instant::now() < deadline,
            "both clients were answered: {:?}",
            within
                .iter()
                .map(|d| sipp_logs(d.path(), "sipp.err") + &sipp_logs(d.path(), "_errors.log"))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let beyond = client();
    let mut refused = start_sipp(beyond.path(), port, seconds);
    let status = wait_for(&mut refused, Duration::from_secs(60), "the third client");
    let errors = sipp_logs(beyond.path(), "_errors.log");
    assert!(!status.success(), "the third session was not accepted");
    assert!(
        errors.contains("SIP/2.0 503 Service Unavailable"),
        "{errors}"
    );
    assert!(errors.contains("Retry-After: 10"), "{errors}");
    assert!(
        !sipp_logs(beyond.path(), "_logs.log").contains("ANSWER-PORTS"),
        "no answer with media ports to the third client"
    );

    for (sipp, agent) in clients.iter_mut().zip(agents) {
        agent.join().unwrap();
        assert!(
            sipp.wait().unwrap().success(),
            "a call within capacity failed"
        );
    }
    let status = wait_for(&mut srs, Duration::from_secs(180), "earshot siprec");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut srs.stdout.take().unwrap(), &mut out).unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "{log}");
    assert!(log.contains("at most 2 calls at once"), "{log}");
    assert!(log.contains("1 refused as full"), "{log}");
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    // The receiver's figures came while the calls ran: full, and the refusal counted.
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "receiver" && e["calls"] == 2 && e["max_calls"] == 2),
        "{out}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "receiver" && e["over_capacity"] == 1 && e["over_load"] == 0),
        "{out}"
    );
    // Two calls on two cores degrade their finals (8 kHz synthetic speech on tiny.en): each
    // call must have both speakers in their own lanes, and together a fair share of the words
    // (one call once missed the single-call threshold for its caller under this load).
    let mut heard_over_both = std::collections::BTreeMap::<&str, usize>::new();
    for session in [1, 2] {
        let finals: Vec<&Value> = events
            .iter()
            .filter(|e| e["type"] == "final" && e["session"] == session)
            .collect();
        for (speaker, mine) in
            speakers_heard(&finals, 2, &format!("session {session}\n{out}\n{log}"))
        {
            *heard_over_both.entry(speaker).or_default() += mine;
        }
        let keyed: Vec<&&Value> = finals.iter().filter(|f| f["text"] == "[DTMF]").collect();
        assert_eq!(keyed.len(), 1, "session {session}: {out}");
        assert_eq!(
            keyed[0]["findings"],
            serde_json::json!([{"type": "DTMF", "sealed": true}])
        );
        assert!(
            events
                .iter()
                .any(|e| e["type"] == "call_end" && e["session"] == session),
            "{out}"
        );
        // Assisted like a call on the workstation: the queue's checklist (the sample agent
        // says none of its items: it stays open), the caller's card number raising the hygiene
        // alert. (Articles for what the caller said: below, over both calls.)
        let of = |kind: &str| {
            events
                .iter()
                .filter(|e| e["type"] == kind && e["session"] == session)
                .count()
        };
        assert!(of("checklist") >= 1, "session {session}: {out}");
        assert!(
            events.iter().any(|e| e["type"] == "alert"
                && e["session"] == session
                && e["rule"] == "sensitive_input"),
            "session {session}: {out}"
        );
    }
    for (speaker, mine) in &heard_over_both {
        assert!(
            *mine >= 8,
            "{speaker}: {mine} of its words over both calls\n{out}"
        );
    }
    // The shared knowledge base suggests an article for what a caller said. Which call's
    // words come through depends on recognition under this load (three calls on two cores:
    // finals degrade and once garbled "charged twice" in one call), so over both calls.
    assert!(
        events.iter().any(|e| e["type"] == "suggestion"),
        "no suggestion in either call: {out}"
    );
    assert!(
        !events.iter().any(|e| e["session"] == 3),
        "nothing of the refused session: {out}"
    );
    let shown: String = events
        .iter()
        .filter_map(|e| e["text"].as_str())
        .map(str::to_lowercase)
        .collect();
    for s in SECRETS {
        assert!(!shown.contains(s), "{s} in {out}");
    }
    // Two calls stored, both from the recorder; nothing of the third.
    let o = earshot(data.path())
        .args(["calls", "list", "--json"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(listing.lines().count(), 2, "{listing}");
    for line in listing.lines() {
        let call: Value = serde_json::from_str(line).unwrap();
        assert!(
            call["source"].as_str().unwrap().contains("SIPREC from"),
            "{call}"
        );
        assert!(call["utterances"].as_i64().unwrap() >= 6, "{call}");
    }
}
