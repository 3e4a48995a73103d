//! Embeds a labelled TSV (`label<TAB>speaker<TAB>text`) with the real MiniLM and writes one JSON
//! line per row: `{"label": …, "embedding": […]}`. Used by `cargo xtask train-sentiment`.

use earshot_models::ModelStore;
use earshot_sentiment::embedding::SentenceEncoder;
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let (input, output) = (
        args.next().expect("input TSV"),
        args.next().expect("output JSONL"),
    );
    let store = ModelStore::from_env();
    let path = |n: &str| store.locate(n).unwrap_or_else(|e| panic!("{e}"));
    let mut enc = SentenceEncoder::new(
        &path("minilm-int8"),
        &path("minilm-tokenizer"),
        &path("onnxruntime"),
    )
    .expect("encoder");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&output).expect("output"));
    for line in std::fs::read_to_string(&input)
        .expect("input")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let mut cols = line.splitn(3, '\t');
        let (label, _speaker, text) = (
            cols.next().unwrap(),
            cols.next().unwrap_or(""),
            cols.next().unwrap_or(""),
        );
        let e = enc.embed(text).expect("embed");
        writeln!(
            out,
            "{}",
            serde_json::json!({"label": label, "embedding": e})
        )
        .unwrap();
    }
}
