//! The JSON reader's tests: Ruby's parser's verdicts, duplicate keys, depth, node counts.

use super::*;

fn ok(text: &str) -> Json {
    parse(text.as_bytes(), Duplicates::Refuse).expect(text)
}

#[test]
fn reads_values_in_order() {
    let v = ok(r#"{"b": 1, "a": [true, null, -2.5e3, "x\u00e9\ud83d\ude00"]}"#);
    let obj = v.as_obj().expect("object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), vec!["b", "a"]);
    assert_eq!(
        v.get("a"),
        Some(&Json::Arr(vec![
            Json::Bool(true),
            Json::Null,
            Json::Num {
                text: "-2.5e3".into(),
                integer: false
            },
            Json::Str("xé😀".into()),
        ]))
    );
    assert_eq!(
        v.get("b"),
        Some(&Json::Num {
            text: "1".into(),
            integer: true
        })
    );
}

#[test]
fn duplicates_refused_or_last_wins() {
    assert_eq!(
        parse(br#"{"a": 1, "a": 2}"#, Duplicates::Refuse),
        Err(ParseError::DuplicateKey("a".into()))
    );
    // The duplicate inside the second value is met first.
    assert_eq!(
        parse(br#"{"a": 1, "a": {"b": 1, "b": 2}}"#, Duplicates::Refuse),
        Err(ParseError::DuplicateKey("b".into()))
    );
    let v = parse(br#"{"a": 1, "c": 0, "a": 2}"#, Duplicates::LastWins).expect("parses");
    assert_eq!(v.to_compact(), r#"{"a":2,"c":0}"#);
}

#[test]
fn large_objects_find_repeated_keys_as_small_ones_do() {
    let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    let text = format!(
        r#"{{{}, "k3": "again", "k0": {{"x": 1, "x": 2}}, "k39": 0}}"#,
        keys.join(", ")
    );
    assert_eq!(
        parse(text.as_bytes(), Duplicates::Refuse),
        Err(ParseError::DuplicateKey("k3".into()))
    );
    let v = parse(text.as_bytes(), Duplicates::LastWins).expect("parses");
    let obj = v.as_obj().expect("object");
    assert_eq!(obj.len(), 40);
    assert_eq!(obj.keys().nth(3), Some("k3"));
    assert_eq!(obj.get("k3"), Some(&Json::Str("again".into())));
    assert_eq!(
        obj.get("k0").map(Json::to_compact).as_deref(),
        Some(r#"{"x":2}"#)
    );
    assert_eq!(obj.get("k39").map(Json::to_compact).as_deref(), Some("0"));
    // Past the first repeat, the one inside a value is met first, as in a small object.
    let nested = format!(r#"{{{}, "k0": {{"x": 1, "x": 2}}}}"#, keys.join(", "));
    assert_eq!(
        parse(nested.as_bytes(), Duplicates::Refuse),
        Err(ParseError::DuplicateKey("x".into()))
    );
}

/// The values and keys of a tree.
fn tree_nodes(v: &Json) -> u64 {
    1 + match v {
        Json::Arr(items) => items.iter().map(tree_nodes).sum(),
        Json::Obj(o) => o.iter().map(|(_, v)| 1 + tree_nodes(v)).sum(),
        _ => 0,
    }
}

#[test]
fn nodes_counts_at_least_what_parse_makes() {
    for text in [
        r#"{"a": [1, -2.5e3, true, null, "x\"y"], "b": {"c": {}}, "d": []}"#,
        "/* a { comment [ */ [1, // \"quoted\" { \n 2]",
        r#"{"a": "b", "a": "c"}"#,
        r#""only a string with [ and { inside""#,
        "[[[[[]]]]]",
        "[1,2,3] ",
        r#"{"k":"v\\"}"#,
    ] {
        let parsed = parse(text.as_bytes(), Duplicates::LastWins).expect(text);
        let counted = nodes(text.as_bytes());
        assert!(counted >= tree_nodes(&parsed), "{text}: {counted}");
    }
    assert_eq!(nodes(br#"{"a": [1, "b", true], "c": {}}"#), 8);
    assert_eq!(nodes(b"/* [ { */ [1, 2] // [\n"), 3);
    // Whatever the bytes, no panic, and a count.
    assert_eq!(nodes(b"\"unterminated \\"), 1);
    assert_eq!(nodes(b"/*"), 0);
}

#[test]
fn rubys_leniencies() {
    assert_eq!(ok("/* c */ [1, // x\n 2]").to_compact(), "[1,2]");
    assert_eq!(ok(r#""a\qb""#), Json::Str("aqb".into()));
    assert_eq!(ok("\"x\"").kind(), "a string");
    assert_eq!(ok(" 3 ").kind(), "a number");
}

#[test]
fn refuses_what_ruby_refuses() {
    for bad in [
        "",
        "   ",
        "{",
        "[1,]",
        r#"{"a":1,}"#,
        "01",
        "1.",
        ".5",
        "NaN",
        "-Infinity",
        "\"a\nb\"",
        "[1] x",
        "\u{feff}{}",
        "{} // no newline",
        r#"{"a" 1}"#,
        "{1: 2}",
        "\"\\u12\"",
        "tru",
    ] {
        assert!(
            matches!(
                parse(bad.as_bytes(), Duplicates::Refuse),
                Err(ParseError::Syntax { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn syntax_errors_say_where() {
    let Err(ParseError::Syntax { line, column, .. }) =
        parse(b"{\n  \"a\": 1,\n  }", Duplicates::Refuse)
    else {
        panic!("expected a syntax error");
    };
    assert_eq!((line, column), (3, 3));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = "[".repeat(10_000);
    assert!(parse(deep.as_bytes(), Duplicates::Refuse).is_err());
}

#[test]
fn compact_output_escapes() {
    assert_eq!(
        Json::Str("a\"b\\c\n\u{1}".into()).to_compact(),
        r#""a\"b\\c\n\u0001""#
    );
}
