//! The tests of the strings: every language's table, placeholders and wording.

use heart_contract::Setting;

use super::*;

#[test]
fn every_table_has_exactly_the_keys_of_english_in_its_own_language() {
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let source = table_source(lang).expect("a table");
        let table: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(source).expect("JSON");
        let mut have: Vec<&str> = table.keys().map(String::as_str).collect();
        let mut want = KEYS.to_vec();
        want.sort_unstable();
        have.sort_unstable();
        assert_eq!(have, want, "{lang:?}: the keys");
        for (key, value) in &table {
            let text = value.as_str().unwrap_or_else(|| panic!("{lang:?}.{key}"));
            assert!(
                !text.is_empty() && text.len() <= MAX_STRING,
                "{lang:?}.{key}"
            );
        }
        let strings = lang.strings();
        assert_eq!(strings.lang, lang.tag());
        assert_eq!(Lang::for_locale(strings.lang), lang, "the page's rule");
    }
    assert_eq!(EN.lang, "en");
    assert_eq!(KEYS.len(), 43);
}

#[test]
fn a_table_missing_a_key_is_no_table() {
    let source = table_source(Lang::Fr).expect("a table");
    let mut table: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(source).expect("JSON");
    let read = |table: &serde_json::Map<String, serde_json::Value>| {
        Strings::from_table(|key| table.get(key)?.as_str().map(str::to_owned))
    };
    assert_eq!(read(&table).map(|s| s.try_again), Some("Réessayer"));
    table.remove("no_answer");
    assert!(read(&table).is_none());
}

#[test]
fn every_language_but_english_has_a_table_beside_this_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/i18n")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort_unstable();
    let mut want: Vec<String> = Lang::ALL
        .into_iter()
        .filter(|l| *l != Lang::En)
        .map(|l| format!("{}.json", l.tag()))
        .collect();
    want.sort_unstable();
    assert_eq!(files, want, "the build ships every .json here");
}

#[test]
fn locales_pick_their_language_and_fall_back_to_english() {
    let cases = [
        ("en-US", Lang::En),
        ("de", Lang::De),
        ("de-AT", Lang::De),
        ("fr-CA", Lang::Fr),
        ("es-419", Lang::Es),
        ("ja", Lang::Ja),
        ("pt-BR", Lang::PtBr),
        ("pt_br", Lang::PtBr),
        ("PT", Lang::PtBr),
        ("nl", Lang::En),
        ("", Lang::En),
    ];
    for (locale, want) in cases {
        assert_eq!(Lang::for_locale(locale), want, "{locale:?}");
    }
}

#[test]
fn every_language_keeps_its_placeholders() {
    for lang in Lang::ALL {
        let s = lang.strings();
        for (name, template, hole) in [
            ("like_as", s.like_as, "{account}"),
            ("liked_as", s.liked_as, "{account}"),
            ("now_liked", s.now_liked, "{account}"),
            ("now_unliked", s.now_unliked, "{account}"),
            ("failed_like", s.failed_like, "{reason}"),
            ("failed_unlike", s.failed_unlike, "{reason}"),
            ("failed_load", s.failed_load, "{reason}"),
            ("misconfigured", s.misconfigured, "{reason}"),
            ("count_other", s.count_other, "{n}"),
            ("retrying_in", s.retrying_in, "{s}"),
            ("bad_setting", s.bad_setting, "{name}"),
            ("bad_setting", s.bad_setting, "{value}"),
            ("bad_setting", s.bad_setting, "{problem}"),
            ("path_too_long", s.path_too_long, "{n}"),
            ("path_too_long", s.path_too_long, "{max}"),
            ("check_setting", s.check_setting, "{name}"),
            ("path_other_host", s.path_other_host, "{origin}"),
        ] {
            assert!(template.contains(hole), "{lang:?}.{name} lacks {hole}");
        }
    }
}

#[test]
fn every_language_is_translated_not_copied() {
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let s = lang.strings();
        assert_ne!(s.like_as, EN.like_as, "{lang:?}");
        assert_ne!(s.liked_as, EN.liked_as, "{lang:?}");
        assert_ne!(s.business_account, EN.business_account, "{lang:?}");
        assert_ne!(s.hint, EN.hint, "{lang:?}");
        assert_ne!(s.now_liked, EN.now_liked, "{lang:?}");
        assert_ne!(s.now_unliked, EN.now_unliked, "{lang:?}");
        assert_ne!(s.failed_like, EN.failed_like, "{lang:?}");
        assert_ne!(s.try_again, EN.try_again, "{lang:?}");
        for (name, text, en) in [
            ("reason_deadline", s.reason_deadline, EN.reason_deadline),
            ("reason_bad_path", s.reason_bad_path, EN.reason_bad_path),
            ("check_setting", s.check_setting, EN.check_setting),
            ("unsure", s.unsure, EN.unsure),
            ("checking", s.checking, EN.checking),
            ("path_other_host", s.path_other_host, EN.path_other_host),
        ] {
            assert_ne!(text, en, "{lang:?}.{name}");
            assert!(!text.is_empty(), "{lang:?}.{name}");
        }
    }
}

#[test]
fn setting_errors_are_told_in_every_language() {
    let errors = [
        PathError::Empty,
        PathError::ProtocolRelative,
        PathError::MissingHost,
        PathError::NotPathOrHttps,
        PathError::InvalidCharacter,
        PathError::OtherHost {
            origin: "https://svc.example".into(),
        },
        PathError::TooLong { chars: 600 },
    ];
    for lang in Lang::ALL {
        let s = lang.strings();
        let mut seen = Vec::new();
        for error in errors.clone() {
            let error = SettingsError {
                setting: Setting::LikePath,
                value: "http://svc.example/like".into(),
                error,
            };
            let text = s.setting_error(&error);
            assert!(text.contains("like_path"), "{lang:?}: {text}");
            assert!(text.contains("http://svc.example/like"), "{lang:?}: {text}");
            assert!(
                !text.contains('{'),
                "{lang:?}: a placeholder is left in {text}"
            );
            if lang == Lang::En {
                // The contract's own wording (what services and logs print) is the English.
                assert_eq!(text, error.to_string());
            } else {
                assert_ne!(text, EN.setting_error(&error), "{lang:?}");
            }
            assert!(!seen.contains(&text), "{lang:?}: two problems read alike");
            seen.push(text);
        }
        assert!(
            seen.iter()
                .any(|t| t.contains("https://svc.example)") || t.contains("https://svc.example）")),
            "{lang:?}: the origin is said"
        );
        let too_long = seen.last().expect("seven problems");
        assert!(
            too_long.contains("600") && too_long.contains("511"),
            "{too_long}"
        );
    }
    assert_eq!(
        EN.setting_error(&SettingsError {
            setting: Setting::StatePath,
            value: "".into(),
            error: PathError::Empty,
        }),
        "The setting state_path (\"\") is empty."
    );
    assert_eq!(
        EN.setting_error(&SettingsError {
            setting: Setting::StatePath,
            value: "like {problem} {name}".into(),
            error: PathError::NotPathOrHttps,
        }),
        "The setting state_path (\"like {problem} {name}\") must be a path starting with / or an https:// URL.",
        "the value is shown as typed"
    );
}

#[test]
fn the_account_is_named_or_is_the_business_account() {
    let en = Lang::En.strings();
    assert_eq!(
        en.with_account(en.like_as, Some("@omniwear")),
        "Like as @omniwear"
    );
    assert_eq!(
        en.with_account(en.liked_as, Some("@omniwear")),
        "Liked as @omniwear"
    );
    assert_eq!(
        en.with_account(en.like_as, None),
        "Like as the business account"
    );
    assert_eq!(
        en.with_account(en.liked_as, None),
        "Liked as the business account"
    );
    assert_eq!(
        en.with_account(en.now_unliked, Some("@omniwear")),
        "The photo is no longer liked as @omniwear."
    );
    let de = Lang::De.strings();
    assert_eq!(
        de.with_account(de.like_as, None),
        "„Gefällt mir“ als Unternehmenskonto"
    );
    assert_eq!(
        de.with_account(de.liked_as, Some("@omniwear")),
        "Als @omniwear mit „Gefällt mir“ markiert"
    );
    assert_eq!(
        Lang::PtBr
            .strings()
            .with_account(Lang::PtBr.strings().like_as, None),
        "Curtir como conta comercial"
    );
    // A handle is text: a placeholder-looking one is not filled in again.
    assert_eq!(
        en.with_account(en.like_as, Some("{account} <b>")),
        "Like as {account} <b>"
    );
    for lang in Lang::ALL {
        let s = lang.strings();
        for template in [s.like_as, s.liked_as, s.now_liked, s.now_unliked] {
            assert_eq!(
                template.matches("{account}").count(),
                1,
                "{lang:?}: {template}"
            );
            let text = s.with_account(template, None);
            assert!(text.contains(s.business_account), "{lang:?}: {text}");
            assert!(!text.contains('{'), "{lang:?}: {text}");
        }
        assert!(!s.hint.contains('{'), "{lang:?}");
    }
}

#[test]
fn holes_are_filled_and_found_as_str_replace_and_split_once_would() {
    for (template, hole, value) in [
        ("Like as {account}", "{account}", "@omniwear"),
        ("{n} likes, {n} again", "{n}", "12"),
        ("no hole {here}", "{n}", "x"),
        ("{", "{n}", "x"),
        ("a {{n}} b {n", "{n}", "{n}"),
        ("", "{s}", "1"),
        ("いいね {n} 件", "{n}", "3"),
    ] {
        assert_eq!(
            fill(template, hole, value),
            template.replace(hole, value),
            "{template}"
        );
        assert_eq!(
            split_at_hole(template, hole),
            template.split_once(hole).unwrap_or((template, "")),
            "{template}"
        );
    }
}

#[test]
fn counts_agree_in_number() {
    assert_eq!(Lang::En.strings().count(1), "1 like");
    assert_eq!(Lang::En.strings().count(0), "0 likes");
    assert_eq!(Lang::PtBr.strings().count(12), "12 curtidas");
    assert_eq!(Lang::Ja.strings().count(3), "いいね 3 件");
}
