//! Once [`earshot_pipeline::panics::withhold_messages`] is installed, a panic that quotes call
//! text prints its place, not the text. Each case runs in a child process (this test binary run
//! again for one test), because a panic hook is the whole process's.

use std::process::Command;

/// What the panicking text holds: a card number the message would quote.
const SECRET: &str = "4111 1111 1111 1111";

/// The child's body: slices a string in the middle of a character, the panic whose standard
/// message quotes the string. Does nothing unless run as a child.
#[test]
fn child_slices_call_text() {
    match std::env::var("EARSHOT_PANIC_CHILD").as_deref() {
        Ok("withheld") => earshot_pipeline::panics::withhold_messages(),
        Ok("default") => {}
        _ => return,
    }
    let text = format!("é {SECRET}");
    let cut = std::hint::black_box(1);
    std::hint::black_box(&text[cut..]);
}

/// Runs the child with the hook `mode` and returns its stderr.
fn child_stderr(mode: &str) -> String {
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "child_slices_call_text", "--nocapture"])
        .env("EARSHOT_PANIC_CHILD", mode)
        .output()
        .expect("the test binary runs again");
    assert!(!out.status.success(), "the child's test panicked ({mode})");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_panic_message_quoting_call_text_is_withheld() {
    // Negative control: Rust's own hook prints the text the slice failed on.
    let default = child_stderr("default");
    assert!(
        default.contains(SECRET),
        "the default hook should quote the text, so the check below means something"
    );
    // With the hook: where it happened, and no digit of the text.
    let withheld = child_stderr("withheld");
    assert!(
        withheld.contains("panicked at") && withheld.contains("panic_hook.rs"),
        "the place is printed"
    );
    assert!(withheld.contains("message is withheld"));
    assert!(!withheld.contains("4111"), "no part of the text is printed");
}
