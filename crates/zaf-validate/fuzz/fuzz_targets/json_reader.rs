//! The JSON reader on any bytes: both modes answer without panicking and agree with each
//! other, `nodes` counts at least the tree's values and keys, and a tree's compact text reads
//! back to the same tree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zaf_validate::json::{self, Duplicates, Json, ParseError};

/// The values and keys of a tree.
fn tree_nodes(v: &Json) -> u64 {
    1 + match v {
        Json::Arr(items) => items.iter().map(tree_nodes).sum(),
        Json::Obj(o) => o.iter().map(|(_, v)| 1 + tree_nodes(v)).sum(),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let refused = json::parse(data, Duplicates::Refuse);
    let last_wins = json::parse(data, Duplicates::LastWins);
    match (&refused, &last_wins) {
        // Without a repeated key, the two modes read the same tree.
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Ok(_), Err(e)) => panic!("refusing repeats read it, the last-wins mode did not: {e}"),
        // A syntax error met before any repeated key is met the same way in both.
        (Err(e @ ParseError::Syntax { .. }), other) => assert_eq!(other.as_ref().err(), Some(e)),
        (Err(ParseError::DuplicateKey(_)), _) => {}
    }
    if let Ok(tree) = &last_wins {
        assert!(json::nodes(data) >= tree_nodes(tree));
        let compact = tree.to_compact();
        let again = json::parse(compact.as_bytes(), Duplicates::Refuse)
            .unwrap_or_else(|e| panic!("{compact:?} does not read back: {e}"));
        assert_eq!(&again, tree);
    }
});
