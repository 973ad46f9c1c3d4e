//! The download budget of the iframe: what every agent's sidebar fetches from the package.

use std::io::Write;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

/// Brotli (quality 11) total of the files the iframe loads from the package.
pub const BROTLI_BUDGET_BYTES: u64 = 70 * 1024;

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
        for (name, bytes) in files {
            let s = sizes(bytes).with_context(|| format!("compressing {name}"))?;
            total.raw += s.raw;
            total.gzip += s.gzip;
            total.brotli += s.brotli;
            rows.push((name.clone(), s));
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
            .chain([5])
            .max()
            .unwrap_or(5);
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
        out.push_str(&line("total", &self.total));
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
}
