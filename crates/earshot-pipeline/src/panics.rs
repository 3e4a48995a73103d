//! What a panic prints. Rust's default hook prints a panic's message, and a message can quote the
//! text it failed on: slicing a string at a byte that is not a character's boundary prints up
//! to 256 bytes of that string, which in this process can be a caller's words before they were
//! redacted. The redactor's guard keeps a call going when one of its rules panics, but the hook
//! has printed by then, to a terminal or to the log an installed service's stderr becomes.
//!
//! [`withhold_messages`] replaces the hook with one that prints where the panic happened and on
//! which thread, never its message. The binaries (the `earshot` CLI, which also runs the SIPREC
//! receiver and the hub, and the desktop app) install it first thing.

use std::io::Write;

/// Replaces the process's panic hook with one that writes the panic's place and thread to stderr
/// and withholds its message (which may quote call text). The panic itself is unchanged: it
/// unwinds, may be caught, and fails a test as before. Process-wide; call it once, first thing in
/// `main`.
pub fn withhold_messages() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let line = report(
            thread.name().unwrap_or("unnamed"),
            info.location().map(|l| (l.file(), l.line(), l.column())),
        );
        // Nothing else can be done if stderr is gone.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }));
}

/// The line the hook writes for a panic on `thread` at `location` (file, line, column).
fn report(thread: &str, location: Option<(&str, u32, u32)>) -> String {
    let place = location.map_or_else(
        || "an unknown place".to_string(),
        |(file, line, column)| format!("{file}:{line}:{column}"),
    );
    format!(
        "thread '{thread}' panicked at {place} (its message is withheld: it may quote call text)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_place_and_thread() {
        assert_eq!(
            report("engine", Some(("crates/x/src/a.rs", 12, 5))),
            "thread 'engine' panicked at crates/x/src/a.rs:12:5 \
             (its message is withheld: it may quote call text)"
        );
        assert!(report("main", None).contains("an unknown place"));
    }
}
