//! A private desktop for tests of the app's window: an Xvfb display (it picks a free display
//! number and says which) and a session bus of its own (dbus-daemon), both stopped when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The running display and bus; stopped when dropped.
pub struct TestDesktop {
    xvfb: Child,
    bus_daemon: Child,
    display: String,
    bus: String,
}

impl TestDesktop {
    /// Starts Xvfb (1280×900, 24-bit, no TCP) and a session bus.
    ///
    /// # Panics
    /// When either is missing or does not say where it runs (test support only).
    pub fn start() -> TestDesktop {
        let (xvfb, n) = spawn_reading_line(
            Command::new("Xvfb").args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x900x24",
                "-nolisten",
                "tcp",
            ]),
            "Xvfb",
        );
        let (bus_daemon, bus) = spawn_reading_line(
            Command::new("dbus-daemon").args(["--session", "--nofork", "--print-address=1"]),
            "dbus-daemon",
        );
        TestDesktop {
            xvfb,
            bus_daemon,
            display: format!(":{n}"),
            bus,
        }
    }

    /// The display (`:N`), for `DISPLAY`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The session bus's address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn bus(&self) -> &str {
        &self.bus
    }

    /// Points `cmd` (the app, a WebDriver) at this display and bus.
    pub fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
    }
}

impl Drop for TestDesktop {
    fn drop(&mut self) {
        for child in [&mut self.xvfb, &mut self.bus_daemon] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `cmd` with stdout piped and returns it with its first stdout line.
fn spawn_reading_line(cmd: &mut Command, what: &str) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} (cargo xtask setup installs it): {e}"));
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    assert!(!line.trim().is_empty(), "{what} did not say where it runs");
    (child, line.trim().to_string())
}
