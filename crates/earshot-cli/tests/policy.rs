//! The managed policy through the real binary: `earshot policy check` passes the policy
//! `earshot hub init` prints (with the organisation's keys, rules and locks added) and explains
//! every problem of a broken one with its line and its fix; the workstation's commands refuse to
//! run under a broken policy or one others could write, and run again once it is put right.

use std::path::Path;
use std::process::{Command, Output};

fn earshot(data: &Path, policy: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_earshot"))
        .env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        .env("EARSHOT_POLICY_FILE", policy)
        .env_remove("EARSHOT_AGE_RECIPIENTS")
        .env_remove("RUST_LOG")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_policy_is_checked_line_by_line_and_nothing_runs_under_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The organisation's pieces: a hub, two operators' keys (a rotation), a knowledge folder.
    let o = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args(["hub", "init", "--dir"])
        .arg(dir.path().join("hub"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let hub = String::from_utf8(o.stdout).unwrap();
    let printed: String = hub
        .lines()
        .skip_while(|l| !l.starts_with("hub_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(printed.contains("hub_ca = \"/"), "{hub}");
    let mut keys = Vec::new();
    for name in ["old", "new"] {
        let o = Command::new(env!("CARGO_BIN_EXE_earshot"))
            .args(["keys", "new", "--out"])
            .arg(dir.path().join(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        keys.push(String::from_utf8(o.stdout).unwrap().trim().to_string());
    }
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/rules.toml");
    let rules = std::fs::canonicalize(rules).unwrap();
    let good = format!(
        "{printed}age_recipients = [\"{}\", \"{}\"]\nretention_days = 30\nknowledge_dir = \"{}\"\n\
         assist_rules = \"{}\"\nallowed_models = [\"tiny.en\", \"base\"]\n\
         locked = [\"model\", \"mic_device\"]\nsiprec_allow = [\"10.0.0.0/8\"]\n",
        keys[0],
        keys[1],
        kb.display(),
        rules.display()
    );
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, &good).unwrap();

    // Positive control: the good policy checks clean, and the workstation runs under it.
    let o = earshot(&data, &policy, &["policy", "check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("no problems (10 keys set)"),
        "{}",
        text(&o)
    );
    let o = earshot(&data, &policy, &["calls", "list"]);
    assert!(o.status.success(), "{}", text(&o));

    // What only the file shows: each problem on its line, with its fix.
    let broken = good
        .replace("retention_days = 30", "retension_days = 30")
        .replace("hub_url = \"https://", "hub_url = \"http://")
        .replace(
            "siprec_allow = [\"10.0.0.0/8\"]",
            "siprec_allow = \"10.0.0.0/8\"",
        );
    let line = |key: &str| 1 + broken.lines().position(|l| l.starts_with(key)).unwrap();
    std::fs::write(&policy, &broken).unwrap();
    let o = earshot(
        &data,
        &policy,
        &["policy", "check", policy.to_str().unwrap()],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("3 problem(s)"), "{out}");
    for expected in [
        format!(
            "line {}: hub_url: 'http://",
            line("hub_url")
        ),
        format!(
            "line {}: retension_days: unknown key. Fix: did you mean 'retention_days'?",
            line("retension_days")
        ),
        format!(
            "line {}: siprec_allow: invalid type: string \"10.0.0.0/8\", expected a sequence. Fix: use a list of networks",
            line("siprec_allow")
        ),
    ] {
        assert!(out.contains(&expected), "{expected}\n---\n{out}");
    }
    // Nothing of the workstation runs under it, and it says why.
    for args in [
        &["calls", "list"][..],
        &["audit", "verify"],
        &["sync", "--status"],
    ] {
        let o = earshot(&data, &policy, args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}");
        assert!(out.contains("will not run until IT fixes it"), "{out}");
        assert!(out.contains("did you mean 'retention_days'"), "{out}");
    }

    // What needs more than the file: keys parsed, files read, models known.
    let bad_rules = dir.path().join("rules.toml");
    std::fs::write(&bad_rules, "[[alert]]\nid = \n").unwrap();
    let broken = good
        .replace(&keys[1], "age1notakey")
        .replace(
            &*rules.display().to_string(),
            &bad_rules.display().to_string(),
        )
        .replace("\"base\"]", "\"huge\"]")
        .replace(&*kb.display().to_string(), "/no/such/folder");
    std::fs::write(&policy, &broken).unwrap();
    let line = |key: &str| 1 + broken.lines().position(|l| l.starts_with(key)).unwrap();
    let o = earshot(&data, &policy, &["policy", "check"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for expected in [
        format!(
            "line {}: age_recipients: 'age1notakey' is not a valid age public key",
            line("age_recipients")
        ),
        format!(
            "line {}: knowledge_dir: /no/such/folder is not a folder here",
            line("knowledge_dir")
        ),
        format!("line {}: assist_rules: ", line("assist_rules")),
        format!(
            "line {}: allowed_models: no speech model named 'huge'",
            line("allowed_models")
        ),
    ] {
        assert!(out.contains(&expected), "{expected}\n---\n{out}");
    }

    // Who may write it: group-writable is refused at start-up as well, and put right runs.
    std::fs::write(&policy, &good).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o664)).unwrap();
    let o = earshot(&data, &policy, &["calls", "list"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "can be changed by someone other than an administrator (owner uid 0, mode 664)"
        ),
        "{out}"
    );
    assert!(out.contains("chmod 644"), "{out}");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = earshot(&data, &policy, &["calls", "list"]);
    assert!(o.status.success(), "{}", text(&o));
}
