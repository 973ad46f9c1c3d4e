//! The ZAF client's data as the bridge hands it over and takes it: plain Rust data, no JS.
//!
//! The bridge ([`crate::zaf`]) only reads what Zendesk answered into these types; the modules
//! that judge them ([`crate::ticket`], [`crate::proxy`], [`crate::boot`]) take them from here,
//! so every rule about Zendesk's answers is tested natively.

use heart_contract::{Field, decimal};

/// One value of a JS answer whose type Zendesk does not promise, as the bridge found it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Scalar {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// `undefined`: the key is not there.
    #[default]
    Absent,
    /// An object, an array, a function…
    Other,
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number that is a non-negative whole number, as one (no float formatting needed).
pub fn whole_number(n: f64) -> Option<u64> {
    (n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n)).then_some(n as u64)
}

impl Scalar {
    /// Non-blank text, or a whole number written out.
    pub fn text(self) -> Option<String> {
        match self {
            Scalar::Str(s) if !s.trim().is_empty() => Some(s),
            Scalar::Num(n) => whole_number(n).map(decimal),
            _ => None,
        }
    }

    /// The value as one field of a like-state answer, for the contract's rules.
    pub fn field(&self) -> Field<'_> {
        match self {
            Scalar::Str(s) => Field::Str(s),
            Scalar::Num(n) => whole_number(*n).map_or(Field::OtherNumber, Field::Count),
            Scalar::Bool(b) => Field::Bool(*b),
            Scalar::Null => Field::Null,
            Scalar::Absent => Field::Absent,
            Scalar::Other => Field::Other,
        }
    }
}

/// A path into a JS value: property names, one level each (`[]` is the value itself).
pub type Path<'a> = &'a [&'a str];

/// One answer of Zendesk's, read by name: each field of the implementing struct says where it
/// is (`at(path)` is the value there, [`Scalar::Absent`] when there is none), so no list of
/// paths is matched to the fields by position. The bridge reads its JS values this way.
pub trait Read {
    fn read(at: &mut dyn FnMut(Path<'_>) -> Scalar) -> Self;
}

/// The top-level names `T` reads (each path's first, once, in order): what a `client.get`
/// for `T` asks for.
pub fn asked<T: Read>() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    T::read(&mut |path| {
        if let Some(first) = path.first()
            && !names.iter().any(|name| name == first)
        {
            names.push((*first).to_owned());
        }
        Scalar::Absent
    });
    names
}

/// One value of a JSON body the bridge writes: what the contract's bodies hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json<'a> {
    Str(&'a str),
    Bool(bool),
    Null,
}

/// How a failed response carried its headers, as the host gave them.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Headers {
    #[default]
    None,
    /// Raw header lines (`Name: value`), as a text `headers` gives them.
    Text(String),
    /// Name and value pairs, as a `headers` object gives them.
    Pairs(Vec<(String, Scalar)>),
}

impl Headers {
    /// The value of header `name` (compared without case).
    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            Headers::None => None,
            Headers::Text(raw) => raw.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_owned())
            }),
            Headers::Pairs(pairs) => pairs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .and_then(|(_, value)| value.clone().text()),
        }
    }
}

/// What `client.request` settled with, before it is judged ([`crate::proxy::read_response`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response<B> {
    /// The promise resolved (otherwise it was rejected).
    pub resolved: bool,
    /// The HTTP status: 200 for a resolved answer that carried none, 0 for none at all.
    pub status: u16,
    pub status_text: String,
    /// The JSON body, read as the caller's `B` (all absent when the body is not a JSON object).
    pub body: B,
    pub headers: Headers,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_without_case_in_either_shape() {
        let text = Headers::Text("Content-Type: text/html\r\nretry-after:  7 \r\n".into());
        assert_eq!(text.get("Retry-After").as_deref(), Some("7"));
        assert_eq!(text.get("x-missing"), None);
        let pairs = Headers::Pairs(vec![
            ("Content-Type".into(), Scalar::Str("text/html".into())),
            ("Retry-After".into(), Scalar::Str("Wed, 21 Oct 2015".into())),
        ]);
        assert_eq!(
            pairs.get("retry-after").as_deref(),
            Some("Wed, 21 Oct 2015")
        );
        let number = Headers::Pairs(vec![("retry-after".into(), Scalar::Num(30.0))]);
        assert_eq!(number.get("Retry-After").as_deref(), Some("30"));
        assert_eq!(Headers::None.get("retry-after"), None);
    }

    #[test]
    fn numbers_are_whole_or_not_at_all() {
        assert_eq!(whole_number(62.0), Some(62));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
        assert_eq!(Scalar::Num(17895.0).text().as_deref(), Some("17895"));
        assert_eq!(Scalar::Str("  ".into()).text(), None);
        assert_eq!(Scalar::Num(2.0).field(), Field::Count(2));
        assert_eq!(Scalar::Num(2.5).field(), Field::OtherNumber);
        assert_eq!(Scalar::Absent.field(), Field::Absent);
    }
}
