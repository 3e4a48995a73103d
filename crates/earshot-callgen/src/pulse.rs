//! A private PulseAudio server to play generated calls into, for tests of live capture: two null
//! sinks, `caller_out` (the default sink; its monitor is the loopback, the caller) and `agent_in`
//! (its monitor is the default source: the "microphone").

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running server; stopped when dropped.
pub struct TestPulse {
    runtime: tempfile::TempDir,
    server: Child,
}

impl TestPulse {
    /// Starts the server (with its own runtime dir) and waits until it answers.
    ///
    /// # Panics
    /// When `pulseaudio` is missing or does not start within 20 s (test support only).
    pub fn start() -> TestPulse {
        let runtime = tempfile::tempdir().expect("a temp dir");
        let server = Command::new("pulseaudio")
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=caller_out",
                "--load=module-null-sink sink_name=agent_in",
            ])
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("HOME", runtime.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (cargo xtask setup installs it)");
        let pulse = TestPulse { runtime, server };
        let started = Instant::now();
        while !pulse.pactl(&["info"]) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "pulseaudio did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(pulse.pactl(&["set-default-sink", "caller_out"]));
        assert!(pulse.pactl(&["set-default-source", "agent_in.monitor"]));
        pulse
    }

    /// Points `cmd` (a client: the app, the CLI, `paplay`) at this server.
    pub fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("XDG_RUNTIME_DIR", self.runtime.path())
            .env("PULSE_SERVER", self.socket())
    }

    /// The server's socket.
    pub fn socket(&self) -> std::path::PathBuf {
        self.runtime.path().join("pulse/native")
    }

    /// The server's runtime dir.
    pub fn runtime_dir(&self) -> &Path {
        self.runtime.path()
    }

    /// Runs `pactl` with `args`; whether it succeeded.
    pub fn pactl(&self, args: &[&str]) -> bool {
        let mut cmd = Command::new("pactl");
        self.env(&mut cmd)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts playing `file` into `sink` in real time.
    pub fn play(&self, file: &Path, sink: &str) -> Child {
        let mut cmd = Command::new("paplay");
        self.env(&mut cmd)
            .arg(format!("--device={sink}"))
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("paplay (cargo xtask setup installs pulseaudio-utils)")
    }
}

impl Drop for TestPulse {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
