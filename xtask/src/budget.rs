//! The download budget of the iframe: what an agent's sidebar fetches from the package. Every
//! agent loads the page, the glue and the wasm; an agent who speaks another language than
//! English also loads that language's table (a `.json`), so the budget counts the largest one.

use std::io::Write;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

/// Brotli (quality 11) total of the files the iframe loads from the package.
pub const BROTLI_BUDGET_BYTES: u64 = 60 * 1024;

/// Whether the iframe loads `file` only for the agents of one language (a language's table).
pub fn is_language_table(file: &str) -> bool {
    file.ends_with(".json")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub fn sizes(bytes: &[u8]) -> Result<Sizes> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes).context("gzip")?;
    let gzip = gz.finish().context("gzip")?.len();

    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).context("brotli")?;

    Ok(Sizes {
        raw: bytes.len() as u64,
        gzip: gzip as u64,
        brotli: br.len() as u64,
    })
}

pub struct Report {
    pub rows: Vec<(String, Sizes)>,
    /// What every agent loads, and the largest language table.
    pub total: Sizes,
}

impl Report {
    pub fn new(files: &[(String, Vec<u8>)]) -> Result<Self> {
        let mut rows = Vec::new();
        let mut total = Sizes {
            raw: 0,
            gzip: 0,
            brotli: 0,
        };
        let mut largest_table: Option<Sizes> = None;
        for (name, bytes) in files {
            let s = sizes(bytes).with_context(|| format!("compressing {name}"))?;
            if is_language_table(name) {
                if largest_table.as_ref().is_none_or(|l| s.brotli > l.brotli) {
                    largest_table = Some(s.clone());
                }
            } else {
                total.raw += s.raw;
                total.gzip += s.gzip;
                total.brotli += s.brotli;
            }
            rows.push((name.clone(), s));
        }
        if let Some(table) = largest_table {
            total.raw += table.raw;
            total.gzip += table.gzip;
            total.brotli += table.brotli;
        }
        Ok(Self { rows, total })
    }

    pub fn over_budget(&self) -> bool {
        self.total.brotli > BROTLI_BUDGET_BYTES
    }

    pub fn table(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|(n, _)| n.len())
            .chain([26])
            .max()
            .unwrap_or(26);
        let mut out = format!(
            "{:<width$}  {:>10}  {:>10}  {:>10}\n",
            "file", "raw", "gzip -9", "brotli 11"
        );
        let line = |name: &str, s: &Sizes| {
            format!(
                "{name:<width$}  {:>10}  {:>10}  {:>10}\n",
                kib(s.raw),
                kib(s.gzip),
                kib(s.brotli)
            )
        };
        for (name, s) in &self.rows {
            out.push_str(&line(name, s));
        }
        let total = if self.rows.iter().any(|(name, _)| is_language_table(name)) {
            "total (one language table)"
        } else {
            "total"
        };
        out.push_str(&line(total, &self.total));
        out.push_str(&format!(
            "brotli total {} of the {} budget ({} bytes of {})",
            kib(self.total.brotli),
            kib(BROTLI_BUDGET_BYTES),
            self.total.brotli,
            BROTLI_BUDGET_BYTES
        ));
        out
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_repetitive_data() {
        let data = "heart ".repeat(2000).into_bytes();
        let s = sizes(&data).expect("compress");
        assert_eq!(s.raw, 12_000);
        assert!(s.gzip < 200, "{s:?}");
        assert!(s.brotli < s.gzip, "{s:?}");
    }

    #[test]
    fn budget_is_on_the_brotli_total() {
        // Incompressible bytes: brotli stays near raw size.
        let mut x: u32 = 1;
        let noise: Vec<u8> = (0..40 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let one = Report::new(&[("a.wasm".into(), noise.clone())]).expect("report");
        assert!(!one.over_budget(), "{}", one.table());
        let two = Report::new(&[("a.wasm".into(), noise.clone()), ("b.js".into(), noise)])
            .expect("report");
        assert!(two.over_budget(), "{}", two.table());
        assert!(two.table().contains("total"));
    }

    #[test]
    fn an_agent_loads_one_language_table_at_most() {
        let page = ("assets/iframe.html".to_owned(), b"<p>".repeat(100));
        let small = ("assets/app-de-1.json".to_owned(), b"{\"a\":1}".to_vec());
        let large = (
            "assets/app-ja-2.json".to_owned(),
            b"{\"ab\":12345}".repeat(50),
        );
        let alone = Report::new(std::slice::from_ref(&page)).expect("report");
        let with = Report::new(&[page.clone(), small.clone(), large.clone()]).expect("report");
        let large_alone = sizes(&large.1).expect("sizes");
        assert_eq!(with.rows.len(), 3, "every file is listed");
        assert_eq!(
            with.total.brotli,
            alone.total.brotli + large_alone.brotli,
            "the page and the largest table, not both tables"
        );
        assert!(with.table().contains("total (one language table)"));
        assert!(is_language_table("assets/zendesk-heart-pt-BR-0a1b.json"));
        assert!(!is_language_table("assets/zendesk-heart-0a1b_bg.wasm"));
    }
}
