//! Zendesk's warnings about secrets in the sources: the application secrets it looks for by
//! shape, and the words that may mark a hard-coded one; one pass per name over each text file.

use crate::package::Package;
use crate::zendesk::Out;

/// A text file as the secret scans read it: its text, and the text in ASCII lower case (the
/// same byte offsets).
struct Source<'a> {
    text: &'a str,
    lower: String,
}

/// Finds one kind of secret in a text.
type Finder = fn(&Source) -> bool;

/// Secrets a source file may hold by mistake: (what, how to find it).
const APPLICATION_SECRETS: [(&str, Finder); 7] = [
    ("private key", |s| {
        s.text.contains("-----BEGIN ") && s.text.contains("PRIVATE KEY")
    }),
    ("AWS access key ID", |s| {
        s.text.match_indices("AKIA").any(|(i, _)| {
            s.text[i + 4..]
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                .count()
                >= 16
        })
    }),
    ("Slack token", |s| {
        ["xoxa-", "xoxb-", "xoxo-", "xoxp-"].iter().any(|p| {
            s.text.match_indices(p).any(|(i, _)| {
                s.text[i + 5..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
                    .count()
                    >= 10
            })
        })
    }),
    ("API key", |s| {
        assignment(s, &["api_key", "api-key", "apikey"])
    }),
    ("app or client secret", |s| {
        assignment(
            s,
            &[
                "app_secret",
                "app-secret",
                "client_secret",
                "client-secret",
                "consumer_secret",
                "master_secret",
                "token_secret",
            ],
        )
    }),
    ("app or consumer key", |s| {
        assignment(
            s,
            &[
                "app_key",
                "app-key",
                "consumer_key",
                "master_key",
                "private_key",
                "token_key",
            ],
        )
    }),
    ("password or token", |s| {
        assignment(s, &["password", "token"])
    }),
];

/// `name = "value…"` or `name: "value…"` (any case) with a value of 8 or more key characters
/// before the end of its line. One pass over the text per name: however many assignments a
/// line holds, it is read once (`KeyRuns`).
fn assignment(source: &Source, names: &[&str]) -> bool {
    let text = source.text;
    names.iter().any(|name| {
        let mut runs = KeyRuns::new(text.as_bytes());
        source.lower.match_indices(name).any(|(i, _)| {
            let rest = &text[i + name.len()..];
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            let Some(value) = rest.strip_prefix([':', '=']) else {
                return false;
            };
            runs.from(text.len() - value.len())
        })
    })
}

/// A character a key or token is made of.
fn key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+/_.-".contains(&b)
}

/// Whether 8 key characters in a row lie between a position and the end of its line. Asked at
/// rising positions (as one name's assignments come), it reads each line once: it remembers the
/// last line it read and where that line's last run of 8 starts.
struct KeyRuns<'a> {
    bytes: &'a [u8],
    /// The part of a line read last: from where it was asked to its `\n` (or the end).
    read: std::ops::Range<usize>,
    /// Where the last 8 key characters in a row of that part start.
    last_run: Option<usize>,
}

impl<'a> KeyRuns<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            read: 0..0,
            last_run: None,
        }
    }

    fn from(&mut self, at: usize) -> bool {
        if !self.read.contains(&at) {
            self.read_line(at);
        }
        self.last_run.is_some_and(|start| start >= at)
    }

    fn read_line(&mut self, at: usize) {
        let mut run = 0;
        let mut end = at;
        self.last_run = None;
        for &b in self.bytes.get(at..).unwrap_or_default() {
            if b == b'\n' {
                break;
            }
            run = if key_byte(b) { run + 1 } else { 0 };
            end += 1;
            if run >= 8 {
                self.last_run = Some(end - 8);
            }
        }
        self.read = at..end;
    }
}

/// Words that may mark a hard-coded secret (case-sensitive).
const SECRET_WORDS: [&str; 9] = [
    "password",
    "secret",
    "auth_key",
    "authKey",
    "auth_pass",
    "authPass",
    "auth_user",
    "AuthUser",
    "api_key",
];

/// Text files as Zendesk picks them: names ending in html, htm, xml, js, json (or jso).
fn is_text(path: &str) -> bool {
    ["html", "htm", "xml", "js", "json", "jso"]
        .iter()
        .any(|s| path.ends_with(s))
}

pub fn secrets(package: &Package, out: &mut Out) {
    let mut flagged = Vec::new();
    for (path, bytes) in package.listed() {
        if !is_text(path) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let source = Source {
            text: &text,
            lower: text.to_ascii_lowercase(),
        };
        for (what, found) in APPLICATION_SECRETS {
            if found(&source) {
                out.warning(
                    "application_secret",
                    Some(path),
                    format!(
                        "possible {what} found in {path}: review the file before submitting the app; secrets belong in secure settings"
                    ),
                );
            }
        }
        let first = SECRET_WORDS
            .iter()
            .filter_map(|w| text.find(w).map(|at| (at, *w)))
            .min_by_key(|(at, _)| *at);
        if let Some((_, word)) = first {
            flagged.push(format!("{path} ('{word}…')"));
        }
    }
    if !flagged.is_empty() {
        out.warning(
            "generic_secrets",
            None,
            format!(
                "possible secrets found in {}: review {} before submitting the app",
                flagged.join(", "),
                if flagged.len() == 1 {
                    "this file"
                } else {
                    "these files"
                }
            ),
        );
    }
}
