//! The zip reader on any bytes: it answers (a package or why not) without panicking, a
//! package stays within the bounds, and it zips and reads back to the same files.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zaf_validate::Package;
use zaf_validate::package::{MAX_ENTRIES, MAX_UNPACKED_BYTES};

fuzz_target!(|data: &[u8]| {
    let Ok(package) = Package::from_zip(data) else {
        return;
    };
    let files: Vec<(&str, &[u8])> = package.files().collect();
    let unpacked: usize = files.iter().map(|(p, b)| p.len() + b.len()).sum();
    assert!(unpacked as u64 <= MAX_UNPACKED_BYTES);
    assert!(files.len() <= MAX_ENTRIES);
    let zip = package.to_zip().expect("a package read from a zip zips");
    let back = Package::from_zip(&zip).expect("its own zip reads back");
    assert!(
        back.files().eq(package.files()),
        "the files survive a round trip"
    );
});
