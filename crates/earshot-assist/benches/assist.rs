//! Agent assist's costs on this machine, with the real int8 MiniLM on ONNX Runtime: how long a
//! suggestion takes after a caller's final (embedding the final and searching the base), how
//! long indexing takes and what the index holds in memory at the sample base, 1k and 10k
//! chunks, and exact search time at each size. Prints figures; asserts nothing about speed.
//!
//! `EARSHOT_ASSIST_BENCH_CHUNKS` (default `1000,10000`) sets the synthetic sizes.

use earshot_assist::article::{load_folder, Article, Chunk};
use earshot_assist::suggest::{Suggester, DEFAULT_THRESHOLD};
use earshot_assist::KnowledgeIndex;
use earshot_models::ModelStore;
use std::path::Path;
use std::time::{Duration, Instant};

const FINALS: &[&str] = &[
    "I see the same forty dollar payment two times on my statement",
    "Somebody took my wallet yesterday and my bank card was in it",
    "I moved house last month so you need my new street",
    "I lost my job and I cannot keep paying the loan every month",
    "My card got refused at a shop in Spain this morning",
    "I keep getting locked out when I try to sign in on the website",
    "Could you take off the penalty you charged me for paying late",
    "The weather has been lovely and my tomatoes are finally growing",
    "What time does the branch open on Saturdays",
    "I would like to ask about a mortgage for a new house",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `n` chunks made from the sample base's sentences, in articles of 10 chunks.
fn synthetic(sample: &[Article], n: usize) -> Vec<Article> {
    let sentences: Vec<String> = sample
        .iter()
        .flat_map(|a| a.chunks.iter())
        .flat_map(|c| c.text.split(". ").map(str::to_string).collect::<Vec<_>>())
        .filter(|s| s.split_whitespace().count() >= 5)
        .collect();
    (0..n.div_ceil(10))
        .map(|a| Article {
            id: format!("synthetic/{a}.md"),
            title: format!("Procedure {a}"),
            tags: vec![],
            triggers: vec![],
            chunks: (0..10.min(n - a * 10))
                .map(|c| {
                    let k = a * 10 + c;
                    Chunk {
                        heading: format!("Step {c}"),
                        text: format!(
                            "{} {} Case {k}.",
                            sentences[k % sentences.len()],
                            sentences[(k * 7 + 3) % sentences.len()]
                        ),
                    }
                })
                .collect(),
        })
        .collect()
}

fn main() {
    let mut enc = earshot_pipeline::sentence_encoder(&ModelStore::from_env())
        .expect("the MiniLM encoder (run `cargo xtask models`)");
    let (sample, _) =
        load_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();

    let t = Instant::now();
    let index = KnowledgeIndex::build(sample.clone(), &mut enc).unwrap();
    println!(
        "sample base: {} articles, {} chunks indexed in {}, {} KiB of vectors",
        index.articles().len(),
        index.chunks(),
        ms(t.elapsed()),
        index.vector_bytes() / 1024
    );

    // A suggestion after a final: embed the final, search, decide (a fresh call each time, so
    // no article is skipped as already shown).
    let mut times = Vec::new();
    for _ in 0..10 {
        for f in FINALS {
            let mut call = Suggester::new(DEFAULT_THRESHOLD);
            let t = Instant::now();
            let _ = call.on_caller_final(&index, &mut enc, f).unwrap();
            times.push(t.elapsed());
        }
    }
    times.sort();
    println!(
        "suggestion after a final ({} finals): p50 {}, p95 {}, max {}",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap())
    );

    let sizes: Vec<usize> = std::env::var("EARSHOT_ASSIST_BENCH_CHUNKS")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let query = enc.embed(FINALS[0]).unwrap();
    for n in sizes {
        let articles = synthetic(&sample, n);
        let t = Instant::now();
        let big = KnowledgeIndex::build(articles, &mut enc).unwrap();
        let built = t.elapsed();
        let mut search = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            std::hint::black_box(big.search_vector(&query, 3));
            search.push(t.elapsed());
        }
        search.sort();
        println!(
            "{n} chunks: indexed in {:.1} s ({:.1} ms a chunk), {} KiB of vectors, exact search p50 {:.2} ms",
            built.as_secs_f64(),
            built.as_secs_f64() * 1000.0 / n as f64,
            big.vector_bytes() / 1024,
            percentile(&search, 0.5).as_secs_f64() * 1000.0
        );
    }
}
