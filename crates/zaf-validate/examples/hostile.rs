//! Writes the packages made to be slow (`tests/hostile/packages.rs`) as zips into a folder, at
//! the sizes of the "hostile input" report, to time `zaf-validate` on them:
//!
//! ```sh
//! cargo run --release -p zaf-validate --example hostile -- target/hostile
//! for zip in target/hostile/*.zip; do time target/release/zaf-validate "$zip"; done
//! ```
//!
//! `secret-line-bomb.zip` is the secret line as long as fits in a zip under Zendesk's 2 MB
//! limit (about 2 GB unpacked); it is streamed, never held in memory.

#[path = "../tests/hostile/packages.rs"]
mod packages;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zaf_validate::{MAX_ZIP_BYTES, Package};

const MIB: usize = 1024 * 1024;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: hostile <folder>");
        std::process::exit(2);
    };
    if let Err(e) = run(&dir) {
        eprintln!("hostile: {e}");
        std::process::exit(1);
    }
}

fn run(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let packages: Vec<(&str, Package)> = vec![
        ("secret-line-1m", packages::secret_line(MIB)),
        ("secret-line-30m", packages::secret_line(30 * MIB)),
        ("translation-keys-200k", packages::translation_keys(200_000)),
        (
            "translation-labels-100k",
            packages::translation_labels(100_000),
        ),
        ("urls-60k", packages::distinct_urls(60_000)),
        ("parameters-60k", packages::parameters(60_000)),
        ("locations-60k", packages::locations(60_000)),
        ("secret-prefixes-30m", packages::secret_prefixes(30 * MIB)),
        ("svg-tags-200k", packages::svg_tags(200_000)),
    ];
    for (name, package) in packages {
        let zip = package.to_zip().map_err(|e| format!("{name}: {e}"))?;
        let path = dir.join(format!("{name}.zip"));
        std::fs::write(&path, &zip).map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("{} ({} bytes)", path.display(), zip.len());
    }
    bomb(dir)
}

/// The secret line as long as fits in a zip of at most 2 MB: the length is found from the
/// compressed size of a 16 MiB sample.
fn bomb(dir: &Path) -> Result<(), String> {
    let zip_size = |bytes: usize| -> Result<u64, String> {
        let mut sink = std::io::Cursor::new(Vec::new());
        write_line_zip(&mut sink, bytes)?;
        Ok(sink.into_inner().len() as u64)
    };
    let sample = 16 * MIB;
    let (base, with_sample) = (zip_size(0)?, zip_size(sample)?);
    let per_byte = (with_sample - base) as f64 / sample as f64;
    // 1% below the limit, for the deflate blocks' rounding.
    let room = (MAX_ZIP_BYTES as f64 * 0.99 - base as f64) / per_byte;
    let bytes = room as usize;
    let path = dir.join("secret-line-bomb.zip");
    let file = File::create(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    let mut out = BufWriter::new(file);
    write_line_zip(&mut out, bytes)?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    let size = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
    println!(
        "{} ({size} bytes, {bytes} bytes unpacked in assets/main.js)",
        path.display()
    );
    if size > MAX_ZIP_BYTES {
        return Err(format!("the bomb is {size} bytes, over the 2 MB limit"));
    }
    Ok(())
}

/// The scaffold and an `assets/main.js` of one `bytes`-long line, streamed into a zip.
fn write_line_zip<W: Write + std::io::Seek>(out: W, bytes: usize) -> Result<(), String> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(out);
    for (path, content) in packages::scaffold().files() {
        zip.start_file(path, options).map_err(|e| e.to_string())?;
        zip.write_all(content).map_err(|e| e.to_string())?;
    }
    zip.start_file("assets/main.js", options.large_file(true))
        .map_err(|e| e.to_string())?;
    let chunk = packages::SECRET_PIECE.repeat(MIB / packages::SECRET_PIECE.len());
    let mut written = 0;
    while written + chunk.len() <= bytes {
        zip.write_all(chunk.as_bytes()).map_err(|e| e.to_string())?;
        written += chunk.len();
    }
    zip.write_all(packages::SECRET_TAIL.as_bytes())
        .map_err(|e| e.to_string())?;
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}
