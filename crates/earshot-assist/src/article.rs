//! Knowledge articles: Markdown with a YAML front matter.
//!
//! ```text
//! ---
//! title: Disputing a double charge
//! tags: [billing, cards]
//! triggers: ["charged twice", "double charge"]
//! ---
//! # When the caller was charged twice
//! Check the statement for a pending authorisation ...
//! ```
//!
//! `title` is required; `tags` and `triggers` are optional lists. The body is cut into chunks:
//! one per section (a heading and the text under it), a long section into pieces of at most
//! [`CHUNK_WORDS`] words at sentence ends (MiniLM reads 128 tokens at most).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Most words in one chunk.
pub const CHUNK_WORDS: usize = 80;

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Its id: the file's path inside the knowledge folder, with `/` separators.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Phrases that suggest it outright when the caller says them (lower case).
    pub triggers: Vec<String>,
    /// Its chunks, in order.
    pub chunks: Vec<Chunk>,
}

/// A piece of an article: what is embedded and shown as the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The heading it is under (the title when none).
    pub heading: String,
    /// Its plain text.
    pub text: String,
}

/// A malformed article: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct ArticleError {
    /// The file.
    pub file: PathBuf,
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    triggers: Vec<String>,
}

/// Parses one article's text; `Err((line, message))` when it is malformed.
pub fn parse(id: &str, text: &str) -> Result<Article, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Err((
            1,
            "an article starts with a front matter: a line `---`, then `title: …`".into(),
        ));
    }
    let mut yaml = String::new();
    let mut closed_at = None;
    for (i, l) in lines.enumerate() {
        if l.trim_end() == "---" {
            closed_at = Some(i + 2);
            break;
        }
        yaml.push_str(l);
        yaml.push('\n');
    }
    let Some(closed_at) = closed_at else {
        return Err((1, "the front matter is not closed by a line `---`".into()));
    };
    let front: FrontMatter = serde_norway::from_str(&yaml).map_err(|e| {
        // The YAML starts on line 2 of the file.
        let line = e.location().map(|l| l.line() + 1).unwrap_or(2);
        (line, format!("front matter: {e}"))
    })?;
    let title = front.title.trim().to_string();
    if title.is_empty() {
        return Err((2, "the title is empty".into()));
    }
    let body: String = text.lines().skip(closed_at).collect::<Vec<_>>().join("\n");
    let chunks = chunks(&title, &body);
    if chunks.is_empty() {
        return Err((closed_at + 1, "the article has no text".into()));
    }
    Ok(Article {
        id: id.to_string(),
        title,
        tags: front.tags,
        triggers: front
            .triggers
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect(),
        chunks,
    })
}

/// The body's sections as plain text, cut to [`CHUNK_WORDS`].
fn chunks(title: &str, body: &str) -> Vec<Chunk> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut sections: Vec<(String, String)> = vec![(title.to_string(), String::new())];
    let mut in_heading = false;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                sections.push((String::new(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let (heading, text) = sections.last_mut().expect("one section at least");
                if in_heading {
                    heading.push_str(&t);
                } else {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text)) = sections.last_mut() {
                    text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock) => {
                if let Some((_, text)) = sections.last_mut() {
                    if !text.ends_with(['.', '!', '?', ':']) && !text.trim().is_empty() {
                        text.push('.');
                    }
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (heading, text) in sections {
        let heading = if heading.trim().is_empty() {
            title.to_string()
        } else {
            heading.trim().to_string()
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut piece: Vec<&str> = Vec::new();
        for w in words {
            piece.push(w);
            let at_end = w.ends_with(['.', '!', '?']);
            if piece.len() >= CHUNK_WORDS || (at_end && piece.len() >= CHUNK_WORDS * 3 / 4) {
                out.push(Chunk {
                    heading: heading.clone(),
                    text: piece.join(" "),
                });
                piece.clear();
            }
        }
        if !piece.is_empty() {
            out.push(Chunk {
                heading: heading.clone(),
                text: piece.join(" "),
            });
        }
    }
    out
}

/// Every `.md` article under `dir` (recursively, in path order), and the malformed ones'
/// errors (those are skipped; the rest keep working).
pub fn load_folder(dir: &Path) -> Result<(Vec<Article>, Vec<ArticleError>), crate::AssistError> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for (id, path) in files {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(ArticleError {
                    file: path,
                    line: 1,
                    message: format!("cannot read it: {e}"),
                });
                continue;
            }
        };
        match parse(&id, &text) {
            Ok(a) => articles.push(a),
            Err((line, message)) => {
                tracing::warn!(file = %path.display(), line, %message, "knowledge article skipped");
                errors.push(ArticleError {
                    file: path,
                    line,
                    message,
                });
            }
        }
    }
    Ok((articles, errors))
}

/// A fingerprint of the articles in `dir`: their ids, sizes and modification times. It changes
/// when an article is added, removed or saved (a cheap `stat` per file, no reading).
pub fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    // An unreadable folder fingerprints as empty: the next look sees it come back.
    let _ = collect(dir, dir, &mut files);
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (id, path) in files {
        id.hash(&mut h);
        if let Ok(m) = std::fs::metadata(&path) {
            m.len().hash(&mut h);
            m.modified().ok().hash(&mut h);
        }
    }
    h.finish()
}

fn collect(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), crate::AssistError> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::AssistError::Folder {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
            let id = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((id, path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_is_cut_into_sections_under_their_headings() {
        let a = parse(
            "billing/double.md",
            "---\ntitle: Double charge\ntags: [billing]\ntriggers: [\"Charged Twice\"]\n---\nIntro line.\n\n# Check the statement\nLook for a *pending* [authorisation](https://x).\n\n## Refund\n- Open a dispute\n- Tell the caller: 5 days\n",
        )
        .unwrap();
        assert_eq!(a.title, "Double charge");
        assert_eq!(a.triggers, vec!["charged twice"]);
        let heads: Vec<&str> = a.chunks.iter().map(|c| c.heading.as_str()).collect();
        assert_eq!(
            heads,
            vec!["Double charge", "Check the statement", "Refund"]
        );
        assert_eq!(a.chunks[1].text, "Look for a pending authorisation.");
        assert_eq!(a.chunks[2].text, "Open a dispute. Tell the caller: 5 days.");
    }

    #[test]
    fn a_long_section_is_cut_at_sentence_ends() {
        let sentence = "This sentence has exactly eight words in it. ";
        let body = sentence.repeat(40);
        let a = parse("x.md", &format!("---\ntitle: Long\n---\n{body}")).unwrap();
        assert!(a.chunks.len() >= 4);
        for c in &a.chunks {
            let n = c.text.split_whitespace().count();
            assert!(n <= CHUNK_WORDS, "{n}");
            assert!(c.text.ends_with('.'), "{}", c.text);
        }
    }

    #[test]
    fn a_malformed_article_says_which_line() {
        assert_eq!(parse("x.md", "# no front matter").unwrap_err().0, 1);
        assert_eq!(parse("x.md", "---\ntitle: open\n").unwrap_err().0, 1);
        let (line, msg) =
            parse("x.md", "---\ntitle: ok\ntags: [a, b\nmore: x\n---\nbody").unwrap_err();
        assert!((3..=5).contains(&line), "{line}: {msg}");
        let (line, msg) = parse("x.md", "---\ntitle: ok\ncolour: red\n---\nbody").unwrap_err();
        assert_eq!(line, 3, "{msg}");
        assert!(msg.contains("colour"), "{msg}");
        assert_eq!(parse("x.md", "---\ntitle: ok\n---\n\n").unwrap_err().0, 4);
    }
}
