//! The wire bodies' tests: their documented shapes, the answer's rules, the form Zendesk POSTs.

use serde_json::json;

use super::*;

fn answer(v: serde_json::Value) -> Result<LikeAnswer, serde_json::Error> {
    serde_json::from_value(v)
}

#[test]
fn request_bodies_have_the_documented_shape() {
    let q = StateQuery {
        ticket_id: "62".into(),
        external_id: None,
    };
    assert_eq!(
        serde_json::to_value(&q).expect("serialize"),
        json!({"ticket_id": "62", "external_id": null})
    );
    let s = SetLike {
        ticket_id: "62".into(),
        external_id: Some("ig:17895695668004550".into()),
        liked: true,
    };
    assert_eq!(
        serde_json::to_value(&s).expect("serialize"),
        json!({"ticket_id": "62", "external_id": "ig:17895695668004550", "liked": true})
    );
}

#[test]
fn answers_accept_booleans_and_boolean_strings() {
    assert_eq!(
        answer(json!({"liked": true})).expect("bool"),
        LikeAnswer {
            liked: true,
            like_count: None,
            account: None,
        }
    );
    assert_eq!(
        answer(json!({"liked": "false", "like_count": 12})).expect("string"),
        LikeAnswer {
            liked: false,
            like_count: Some(12),
            account: None,
        }
    );
    assert_eq!(
        answer(json!({"liked": "true", "like_count": null, "extra": [1]})).expect("null count"),
        LikeAnswer {
            liked: true,
            like_count: None,
            account: None,
        }
    );
}

#[test]
fn anything_else_is_malformed() {
    for bad in [
        json!({}),
        json!({"liked": null}),
        json!({"liked": 1}),
        json!({"liked": "yes"}),
        json!({"liked": "True"}),
        json!({"liked": true, "like_count": -1}),
        json!({"liked": true, "like_count": 1.5}),
        json!({"liked": true, "like_count": "3"}),
        json!([true]),
        json!("liked"),
    ] {
        assert!(answer(bad.clone()).is_err(), "{bad} should be malformed");
    }
}

#[test]
fn the_rules_hold_without_serde_too() {
    use Field::*;
    assert_eq!(
        LikeAnswer::from_fields(Str("true"), Count(7), Str(" @omniwear ")),
        Some(LikeAnswer {
            liked: true,
            like_count: Some(7),
            account: Some("@omniwear".into()),
        })
    );
    assert_eq!(
        LikeAnswer::from_fields(Bool(false), Null, Absent),
        Some(LikeAnswer {
            liked: false,
            like_count: None,
            account: None,
        })
    );
    for (liked, count) in [
        (Absent, Absent),
        (Null, Absent),
        (Str("yes"), Absent),
        (Count(1), Absent),
        (Bool(true), OtherNumber),
        (Bool(true), Str("3")),
        (Bool(true), Other),
        (Bool(true), Bool(true)),
    ] {
        assert_eq!(
            LikeAnswer::from_fields(liked, count, Str("@omniwear")),
            None,
            "{liked:?} {count:?}"
        );
    }
    // Whatever `account` is, it never makes an answer malformed.
    for account in [
        Null,
        Bool(true),
        Count(3),
        OtherNumber,
        Other,
        Str(""),
        Str("\u{200B}"),
    ] {
        assert_eq!(
            LikeAnswer::from_fields(Bool(true), Count(1), account),
            Some(LikeAnswer {
                liked: true,
                like_count: Some(1),
                account: None,
            }),
            "{account:?}"
        );
    }
}

#[test]
fn answers_serialize_without_an_absent_count() {
    let a = LikeAnswer {
        liked: true,
        like_count: None,
        account: None,
    };
    assert_eq!(
        serde_json::to_value(a).expect("serialize"),
        json!({"liked": true})
    );
    let a = LikeAnswer {
        liked: false,
        like_count: Some(41),
        account: Some("@omniwear".into()),
    };
    assert_eq!(
        serde_json::to_value(a).expect("serialize"),
        json!({"liked": false, "like_count": 41, "account": "@omniwear"})
    );
}

#[test]
fn answers_carry_the_account_cleaned_and_ignore_a_bad_one() {
    let read = |account: serde_json::Value| {
        answer(json!({"liked": true, "like_count": 2, "account": account}))
            .expect("an account never makes an answer malformed")
            .account
    };
    assert_eq!(read(json!("@omniwear")).as_deref(), Some("@omniwear"));
    assert_eq!(
        read(json!("\u{202E}@omni\u{200B}wear\u{FEFF}")).as_deref(),
        Some("@omniwear")
    );
    for ignored in [
        json!(null),
        json!(7),
        json!(-1.5),
        json!(true),
        json!(["@omniwear"]),
        json!({"handle": "@omniwear"}),
        json!(""),
        json!(" \u{200B}\u{2066}\u{2069}\t"),
    ] {
        assert_eq!(read(ignored.clone()), None, "{ignored}");
    }
    assert_eq!(
        answer(json!({"liked": false})).expect("no account").account,
        None
    );
}

#[test]
fn invisible_and_zero_width_characters_are_removed() {
    assert_eq!(
        clean_account("@omni\u{200B}wear").as_deref(),
        Some("@omniwear")
    );
    assert_eq!(
        clean_account("\u{FEFF}@omniwear\u{FEFF}").as_deref(),
        Some("@omniwear")
    );
    assert_eq!(
        clean_account("@o\u{00AD}m\u{2060}n\u{034F}i\u{3164}\u{115F}\u{E0041}\u{E007F}").as_deref(),
        Some("@omni")
    );
}

#[test]
fn bidi_controls_are_removed() {
    // An override that would show "@omniwear" reversed, an embedding, isolates and marks.
    assert_eq!(
        clean_account("\u{202E}raewinmo@\u{202C}").as_deref(),
        Some("raewinmo@")
    );
    for c in [
        '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
        '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ] {
        assert_eq!(
            clean_account(&format!("@omni{c}wear")).as_deref(),
            Some("@omniwear"),
            "U+{:04X}",
            u32::from(c)
        );
    }
    // Right-to-left letters themselves are text, and stay.
    assert_eq!(clean_account("@שלום").as_deref(), Some("@שלום"));
}

#[test]
fn control_characters_are_removed_and_white_space_collapsed() {
    assert_eq!(
        clean_account("\u{0000}@omni\u{0007}wear\u{001B}[31m").as_deref(),
        Some("@omniwear[31m")
    );
    assert_eq!(
        clean_account("@omni\u{0085}wear\u{009F}\u{007F}").as_deref(),
        Some("@omniwear"),
        "C1 controls and DEL"
    );
    assert_eq!(
        clean_account("  Omniwear \t\n\r  Official\u{2028}\u{00A0}\u{3000}Store  ").as_deref(),
        Some("Omniwear Official Store"),
        "tabs and newlines go; spaces collapse to one"
    );
}

#[test]
fn a_long_handle_is_cut_to_64_characters_with_an_ellipsis() {
    let exactly = "a".repeat(MAX_ACCOUNT_CHARS);
    assert_eq!(clean_account(&exactly).as_deref(), Some(exactly.as_str()));
    let long = format!("@{}", "é".repeat(999));
    let cut = clean_account(&long).expect("a handle");
    assert_eq!(cut.chars().count(), MAX_ACCOUNT_CHARS);
    assert!(cut.starts_with("@éé") && cut.ends_with("é…"), "{cut}");
    // Dropped characters do not count; a space before the cut is not kept.
    let padded = format!(
        "{}{}",
        "\u{200B}".repeat(500),
        "b".repeat(MAX_ACCOUNT_CHARS)
    );
    assert_eq!(
        clean_account(&padded).as_deref(),
        Some("b".repeat(64).as_str())
    );
    let spaced = format!("{} {}", "c".repeat(MAX_ACCOUNT_CHARS - 2), "d".repeat(10));
    assert_eq!(
        clean_account(&spaced),
        Some(format!("{}…", "c".repeat(MAX_ACCOUNT_CHARS - 2)))
    );
}

#[test]
fn emoji_and_markup_stay_as_text() {
    // A ZWJ sequence with a variation selector, and a skin tone: kept whole.
    let runner = "@omni🏃\u{200D}♀\u{FE0F}wear 👋🏽";
    assert_eq!(clean_account(runner).as_deref(), Some(runner));
    let html = r#"<img src=x onerror="alert(1)"><b>@omniwear</b>&amp;"#;
    assert_eq!(clean_account(html).as_deref(), Some(html));
    let emoji = "😀".repeat(100);
    let cut = clean_account(&emoji).expect("a handle");
    assert_eq!(cut.chars().count(), MAX_ACCOUNT_CHARS);
    assert!(cut.ends_with("😀…"));
}

#[test]
fn nothing_visible_left_is_no_handle() {
    for raw in [
        "",
        "   ",
        "\u{200B}\u{FEFF}\u{202E}",
        "\u{0000}\u{001F}\u{0080}",
        "\u{200D}\u{FE0F}",
        "\u{200C}".repeat(200).as_str(),
    ] {
        assert_eq!(clean_account(raw), None, "{raw:?}");
    }
}

#[cfg(feature = "service")]
#[test]
fn client_data_parses_into_the_call_bodies() {
    let form = ProxyForm {
        instance_metadata: "{}".into(),
        client_data: r#"{"ticket_id":"62","external_id":"p1","liked":false}"#.into(),
    };
    let body: SetLike = form.client_body().expect("set body");
    assert!(!body.liked);
    let err = ProxyForm {
        client_data: "{".into(),
        ..form
    }
    .client_body::<SetLike>()
    .expect_err("truncated");
    assert!(
        err.to_string()
            .starts_with("client_data is not the expected JSON body")
    );
}
