//! The few Ruby semantics that decide Zendesk's verdict: what is truthy, what `value['key']` and
//! `value.include?('x')` do on each kind of value, and where they raise instead. Zendesk's
//! validator does not catch those exceptions; an upload that triggers one is refused without a
//! validation message. We report it as `validator_exception`.

use crate::json::Json;

/// Zendesk's validator would raise an exception here (the upload fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crash(pub String);

pub type Rb<T> = Result<T, Crash>;

/// Ruby truthiness: everything but `nil` (absent or `null`) and `false`.
pub fn truthy(v: Option<&Json>) -> bool {
    !matches!(v, None | Some(Json::Null) | Some(Json::Bool(false)))
}

pub fn is_nil(v: Option<&Json>) -> bool {
    matches!(v, None | Some(Json::Null))
}

/// `value || default`.
pub fn or<'a>(v: Option<&'a Json>, default: &'a Json) -> &'a Json {
    match v {
        Some(v) if truthy(Some(v)) => v,
        _ => default,
    }
}

/// `value[key]` with a string key: a Hash looks the key up; a String returns the key when it
/// contains it (`"my url"["url"] == "url"`); anything else raises.
pub fn index(v: &Json, key: &str, what: &str) -> Rb<Json> {
    match v {
        Json::Obj(o) => Ok(o.get(key).cloned().unwrap_or(Json::Null)),
        Json::Str(s) => Ok(if s.contains(key) {
            Json::Str(key.to_string())
        } else {
            Json::Null
        }),
        other => Err(Crash(format!(
            "{what} is {}, so reading its `{key}` fails",
            other.kind()
        ))),
    }
}

/// `value.include?(s)`: a Hash has the key, a String contains it, an Array has it as an element.
pub fn includes(v: Option<&Json>, s: &str, what: &str) -> Rb<bool> {
    match v {
        Some(Json::Obj(o)) => Ok(o.contains_key(s)),
        Some(Json::Str(text)) => Ok(text.contains(s)),
        Some(Json::Arr(items)) => Ok(items.iter().any(|i| i.as_str() == Some(s))),
        Some(other) => Err(Crash(format!(
            "{what} is {}, so asking whether it has `{s}` fails",
            other.kind()
        ))),
        None => Err(Crash(format!(
            "{what} is null, so asking whether it has `{s}` fails"
        ))),
    }
}

/// `value.each do |a, b|`: a Hash gives its pairs; an Array gives its elements (an element that
/// is itself an array is split into its first two items); anything else raises. Each pair
/// comes as `a.to_s` (what the rules use of it) and `b`, borrowed from `v`.
pub fn each_pair<'a>(v: &'a Json, what: &str) -> Rb<Vec<(String, Option<&'a Json>)>> {
    match v {
        Json::Obj(o) => Ok(o.iter().map(|(k, v)| (k.to_string(), Some(v))).collect()),
        Json::Arr(items) => Ok(items
            .iter()
            .map(|item| match item {
                Json::Arr(parts) => (parts.first().map(to_s).unwrap_or_default(), parts.get(1)),
                other => (to_s(other), None),
            })
            .collect()),
        other => Err(Crash(format!(
            "{what} is {}, so iterating over it fails",
            other.kind()
        ))),
    }
}

/// `value.keys`: only a Hash has keys.
pub fn keys<'a>(v: &'a Json, what: &str) -> Rb<Vec<&'a str>> {
    match v {
        Json::Obj(o) => Ok(o.keys().collect()),
        other => Err(Crash(format!(
            "{what} is {}, so listing its keys fails",
            other.kind()
        ))),
    }
}

/// `value.to_s` as Ruby prints it in a message.
pub fn to_s(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::Str(s) => s.clone(),
        other => other.to_compact(),
    }
}

/// Ruby's `=~ /^…$/`: `^` and `$` match at line boundaries, so a pattern "matches" when any line
/// of `s` matches it whole.
pub fn any_line(s: &str, matches: impl Fn(&str) -> bool) -> bool {
    s.split('\n').any(matches)
}

/// Zendesk's locale pattern, `^[a-z]{2,3}(-\w{2,3})?$` (Ruby line anchors).
pub fn valid_locale(s: &str) -> bool {
    any_line(s, |line| {
        let (language, region) = match line.split_once('-') {
            Some((l, r)) => (l, Some(r)),
            None => (line, None),
        };
        (2..=3).contains(&language.len())
            && language.bytes().all(|b| b.is_ascii_lowercase())
            && region.is_none_or(|r| {
                (2..=3).contains(&r.len())
                    && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
    })
}

/// A RubyGems version (`Gem::Version.new`), enough to compare with "2".
#[derive(Debug, Clone, PartialEq)]
pub struct GemVersion(Vec<Segment>);

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Num(u128),
    Text(String),
}

impl GemVersion {
    /// `Gem::Version.new(value)`; raises for anything that is not a version number.
    pub fn new(v: &Json) -> Rb<Self> {
        let text = match v {
            Json::Str(s) => s.clone(),
            Json::Num { text, .. } => text.clone(),
            other => {
                return Err(Crash(format!(
                    "`frameworkVersion` is {}, which is not a version number",
                    other.kind()
                )));
            }
        };
        let trimmed = text.trim_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']);
        if !version_shape(trimmed) {
            return Err(Crash(format!(
                "`frameworkVersion` {text:?} is not a version number"
            )));
        }
        let normalised = trimmed.replace('-', ".pre.");
        let mut segments = Vec::new();
        let mut rest = normalised.as_str();
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
            rest = &rest[start..];
            let numeric = rest.starts_with(|c: char| c.is_ascii_digit());
            let end = rest
                .find(|c: char| {
                    !(if numeric {
                        c.is_ascii_digit()
                    } else {
                        c.is_ascii_alphabetic()
                    })
                })
                .unwrap_or(rest.len());
            let part = &rest[..end];
            segments.push(if numeric {
                Segment::Num(part.parse().unwrap_or(u128::MAX))
            } else {
                Segment::Text(part.to_string())
            });
            rest = &rest[end..];
        }
        if segments.is_empty() {
            segments.push(Segment::Num(0));
        }
        Ok(Self(segments))
    }

    /// `self < Gem::Version.new("2")`: a text segment sorts below any number.
    pub fn below_2(&self) -> bool {
        let other = [Segment::Num(2)];
        let len = self.0.len().max(other.len());
        for i in 0..len {
            let l = self.0.get(i).unwrap_or(&Segment::Num(0));
            let r = other.get(i).unwrap_or(&Segment::Num(0));
            match (l, r) {
                (Segment::Num(a), Segment::Num(b)) if a != b => return a < b,
                (Segment::Text(_), Segment::Num(_)) => return true,
                (Segment::Num(_), Segment::Text(_)) => return false,
                (Segment::Text(a), Segment::Text(b)) if a != b => return a < b,
                _ => {}
            }
        }
        false
    }
}

/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, or empty.
fn version_shape(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let (release, pre) = match s.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (s, None),
    };
    let mut parts = release.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|q| !q.is_empty() && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Json {
        Json::Str(text.into())
    }

    #[test]
    fn truthiness() {
        assert!(!truthy(None));
        assert!(!truthy(Some(&Json::Null)));
        assert!(!truthy(Some(&Json::Bool(false))));
        assert!(truthy(Some(&s(""))));
        assert!(truthy(Some(&Json::Arr(vec![]))));
    }

    #[test]
    fn string_index_returns_the_key_when_contained() {
        assert_eq!(index(&s("my url"), "url", "x"), Ok(s("url")));
        assert_eq!(index(&s("me"), "url", "x"), Ok(Json::Null));
        assert!(index(&Json::Bool(true), "url", "x").is_err());
    }

    #[test]
    fn include_by_kind() {
        assert_eq!(
            includes(Some(&s("has manifest_url")), "manifest_url", "x"),
            Ok(true)
        );
        assert_eq!(
            includes(
                Some(&Json::Arr(vec![s("manifest_url")])),
                "manifest_url",
                "x"
            ),
            Ok(true)
        );
        assert!(includes(None, "manifest_url", "x").is_err());
    }

    #[test]
    fn locales() {
        for ok in [
            "en", "pt-br", "pt-BR", "zh-cn", "fil", "es-419", "en-US", "x\nen",
        ] {
            assert!(valid_locale(ok), "{ok}");
        }
        for bad in [
            "", "e", "EN", "en_US", "en-", "english", "en-USAA", "en-US-1",
        ] {
            assert!(!valid_locale(bad), "{bad}");
        }
    }

    #[test]
    fn gem_versions() {
        let v = |t: &str| GemVersion::new(&s(t));
        assert!(!v("2.0").expect("valid").below_2());
        assert!(!v("2").expect("valid").below_2());
        assert!(!v("10").expect("valid").below_2());
        assert!(v("1.9").expect("valid").below_2());
        assert!(v("2.0.a").expect("valid").below_2());
        assert!(v("2.0-rc1").expect("valid").below_2());
        assert!(v("").expect("valid").below_2());
        assert!(!v(" 2.1 ").expect("valid").below_2());
        assert!(v("abc").is_err());
        assert!(v("2..0").is_err());
        assert!(GemVersion::new(&Json::Bool(true)).is_err());
        let two = Json::Num {
            text: "2".into(),
            integer: true,
        };
        assert!(!GemVersion::new(&two).expect("valid").below_2());
    }
}
